/**
 * Reversal adaptation: P(choose the better option) aligned to the reversals, mean over seeds with
 * its 95% CI band. The prediction is a faster recovery after the reversal for the mature network.
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults } from './comparisonResults.js';
import { meanConfidenceInterval } from './meanConfidenceInterval.js';
import { configColorScale, emptyPanel, frameLegend, integerTickFormat, renderPlot, resolveFigureOptions, type FigureOptions } from './figureOptions.js';

interface OffsetSummary {
  config: string;
  offset: number;
  mean: number;
  /** CI clamped to [0, 1], the range of a probability. */
  low: number;
  high: number;
}

/**
 * @example
 * const svg = plotReversalAdaptation(results, { document });
 */
export function plotReversalAdaptation(results: ComparisonResults, options: FigureOptions): SVGSVGElement {
  const resolved = resolveFigureOptions(results, options);
  const summaries: OffsetSummary[] = [];
  for (const config of results.configs) {
    // Seeds may use different windows: pool by offset value, not by array index.
    const byOffset = new Map<number, (number | null)[]>();
    for (const s of config.seeds) {
      s.reversalCurve?.offsets.forEach((offset, i) => {
        const list = byOffset.get(offset) ?? [];
        list.push(s.reversalCurve!.pBetter[i]);
        byOffset.set(offset, list);
      });
    }
    for (const offset of [...byOffset.keys()].sort((a, b) => a - b)) {
      const { mean, low, high, n } = meanConfidenceInterval(byOffset.get(offset)!);
      if (n > 0) summaries.push({ config: config.name, offset, mean, low: Math.max(0, low), high: Math.min(1, high) });
    }
  }
  if (summaries.length === 0) return emptyPanel(resolved, 'no reversal curves');
  return renderPlot(resolved, {
    x: { label: 'trials from reversal', tickFormat: integerTickFormat },
    y: { label: 'P(better option)', domain: [0, 1], grid: true },
    color: configColorScale(resolved),
    marks: [
      Plot.ruleY([0.5], { stroke: '#999', strokeDasharray: '2,2' }),
      Plot.ruleX([0], { stroke: '#999', strokeDasharray: '2,2' }),
      Plot.areaY(summaries, { x: 'offset', y1: 'low', y2: 'high', z: 'config', fill: 'config', fillOpacity: 0.18 }),
      Plot.line(summaries, { x: 'offset', y: 'mean', z: 'config', stroke: 'config', strokeWidth: 1.75 }),
      Plot.dot(summaries, { x: 'offset', y: 'mean', fill: 'config', r: 1.75 }),
      ...frameLegend(resolved, 'bottom-right'),
    ],
  });
}
