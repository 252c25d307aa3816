/**
 * Two-stage signatures: P(stay with the first-stage choice) after common/rare transitions that
 * were rewarded/unrewarded (Daw et al. 2011), one facet per configuration, mean over seeds with
 * 95% CI. A model-free agent stays after reward whatever the transition; a model-based one shows
 * the reward × transition interaction (more stays after common-rewarded and rare-unrewarded).
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults, StayProbabilities } from './comparisonResults.js';
import { meanConfidenceInterval } from './meanConfidenceInterval.js';
import { configColorScale, emptyPanel, renderPlot, resolveFigureOptions, type FigureOptions } from './figureOptions.js';

/** Cells in drawing order with their tick labels: C/R = common/rare, +/− = rewarded/unrewarded. */
const STAY_CELLS: readonly { key: keyof StayProbabilities; label: string }[] = [
  { key: 'commonRewarded', label: 'C+' },
  { key: 'commonUnrewarded', label: 'C−' },
  { key: 'rareRewarded', label: 'R+' },
  { key: 'rareUnrewarded', label: 'R−' },
];

interface CellSummary {
  config: string;
  cell: string;
  /** Common transitions are drawn solid, rare ones lighter. */
  opacity: number;
  mean: number;
  low: number;
  high: number;
}

/**
 * @example
 * const svg = plotStayProbabilities(results, { document });
 */
export function plotStayProbabilities(results: ComparisonResults, options: FigureOptions): SVGSVGElement {
  const resolved = resolveFigureOptions(results, options);
  const summaries: CellSummary[] = [];
  for (const config of results.configs) {
    const tables = config.seeds.flatMap((s) => (s.stayProbabilities ? [s.stayProbabilities] : []));
    if (tables.length === 0) continue;
    for (const { key, label } of STAY_CELLS) {
      const { mean, low, high, n } = meanConfidenceInterval(tables.map((t) => t[key]));
      if (n > 0) summaries.push({ config: config.name, cell: label, opacity: key.startsWith('common') ? 0.85 : 0.4, mean, low: Math.max(0, low), high: Math.min(1, high) });
    }
  }
  if (summaries.length === 0) return emptyPanel(resolved, 'no two-stage stay probabilities');
  return renderPlot(resolved, {
    marginBottom: 36,
    fx: { domain: resolved.names.filter((name) => summaries.some((s) => s.config === name)), label: null },
    x: { domain: STAY_CELLS.map((c) => c.label), label: 'transition (C/R) × reward (+/−)', labelAnchor: 'center', padding: 0.2 },
    y: { label: 'P(stay)', domain: [0, 1], grid: true },
    color: configColorScale(resolved),
    opacity: { type: 'identity' },
    marks: [
      Plot.barY(summaries, { fx: 'config', x: 'cell', y: 'mean', fill: 'config', fillOpacity: 'opacity' }),
      Plot.ruleX(summaries, { fx: 'config', x: 'cell', y1: 'low', y2: 'high', stroke: '#333' }),
      Plot.ruleY([0]),
    ],
  });
}
