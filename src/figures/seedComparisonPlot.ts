/**
 * One scalar per seed, compared across configurations: the mean with its 95% CI over seeds and
 * every seed as a dot. Shared by the effective-rank and response-heterogeneity panels.
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults, SeedResults } from './comparisonResults.js';
import { meanConfidenceInterval, type MeanInterval } from './meanConfidenceInterval.js';
import { configColorScale, emptyPanel, finiteOrUndefined, renderPlot, resolveFigureOptions, type FigureOptions } from './figureOptions.js';

export interface SeedComparisonSpec {
  /** The measure of one seed. */
  value: (seed: SeedResults) => number | null | undefined;
  /** Y-axis label. */
  label: string;
  /** Draw the mean as a bar (true) or as a short horizontal tick (false). */
  bars: boolean;
  /** Start the y axis at zero (bars must; a strip of dots need not). */
  zeroBased: boolean;
}

interface SeedValue {
  config: string;
  seed: number;
  value: number;
}

type ConfigSummary = MeanInterval & { config: string };

export function plotSeedComparison(results: ComparisonResults, options: FigureOptions, spec: SeedComparisonSpec): SVGSVGElement {
  const resolved = resolveFigureOptions(results, options);
  const dots: SeedValue[] = [];
  const summaries: ConfigSummary[] = [];
  for (const config of results.configs) {
    const values = config.seeds.map((s) => finiteOrUndefined(spec.value(s)));
    config.seeds.forEach((s, i) => {
      const value = values[i];
      if (value !== undefined) dots.push({ config: config.name, seed: s.seed, value });
    });
    const summary = meanConfidenceInterval(values);
    if (summary.n > 0) summaries.push({ config: config.name, ...summary });
  }
  if (dots.length === 0) return emptyPanel(resolved, `no ${spec.label}`);
  const meanMark = spec.bars
    ? Plot.barY(summaries, { x: 'config', y: 'mean', fill: 'config', fillOpacity: 0.35 })
    : Plot.tickY(summaries, { x: 'config', y: 'mean', stroke: 'config', strokeWidth: 2.5 });
  return renderPlot(resolved, {
    marginLeft: 48,
    x: { domain: resolved.names, label: null, padding: 0.3 },
    y: { label: spec.label, grid: true, zero: spec.zeroBased },
    color: configColorScale(resolved),
    marks: [
      meanMark,
      Plot.ruleX(summaries, { x: 'config', y1: 'low', y2: 'high', stroke: 'config', strokeWidth: 1.5 }),
      Plot.tickY(summaries, { x: 'config', y: 'low', stroke: 'config', inset: 18 }),
      Plot.tickY(summaries, { x: 'config', y: 'high', stroke: 'config', inset: 18 }),
      // Seeds are drawn on the config's centre line: no jitter, so the figure is reproducible.
      Plot.dot(dots, { x: 'config', y: 'value', stroke: 'config', fill: 'white', r: 3 }),
      ...(spec.zeroBased ? [Plot.ruleY([0])] : []),
    ],
  });
}
