/**
 * Singular-value spectra of W_rec on a log scale, one faint line per seed and the mean over seeds
 * per configuration: a steeper decay is the signature of the mature configuration (larger γ).
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults } from './comparisonResults.js';
import { meanCurve } from './meanConfidenceInterval.js';
import { configColorScale, emptyPanel, frameLegend, integerTickFormat, renderPlot, resolveFigureOptions, type FigureOptions } from './figureOptions.js';

export interface SingularValueSpectraOptions extends FigureOptions {
  /**
   * Values below `relativeFloor` × the largest value drawn are left out (default 1e-6): W = mnᵀ + MNᵀ
   * has rank ≤ r + 1, so its remaining singular values are round-off that a log scale would
   * stretch over many decades.
   */
  relativeFloor?: number;
}

interface SpectrumPoint {
  config: string;
  seed: number;
  /** 1-based component index. */
  component: number;
  value: number;
}

/**
 * @example
 * const svg = plotSingularValueSpectra(results, { document });
 */
export function plotSingularValueSpectra(results: ComparisonResults, options: SingularValueSpectraOptions): SVGSVGElement {
  const resolved = resolveFigureOptions(results, options);
  const { relativeFloor = 1e-6 } = options;
  let largest = 0;
  for (const config of results.configs) for (const s of config.seeds) for (const v of s.singularValues) if (v > largest) largest = v;
  const floor = largest * relativeFloor;
  const points: SpectrumPoint[] = [];
  for (const config of results.configs) {
    for (const s of config.seeds) {
      s.singularValues.forEach((value, i) => {
        if (Number.isFinite(value) && value > floor) points.push({ config: config.name, seed: s.seed, component: i + 1, value });
      });
    }
  }
  if (points.length === 0) return emptyPanel(resolved, 'no singular values');
  const means: SpectrumPoint[] = [];
  for (const config of results.configs) {
    const curves = config.seeds.map((s) => s.singularValues.map((v) => (v > floor ? v : null)));
    meanCurve(curves).forEach(({ mean }, i) => {
      if (Number.isFinite(mean)) means.push({ config: config.name, seed: -1, component: i + 1, value: mean });
    });
  }
  return renderPlot(resolved, {
    x: { label: 'component i', tickFormat: integerTickFormat },
    y: { type: 'log', label: 'singular value σᵢ', grid: true, tickFormat: '~g' },
    color: configColorScale(resolved),
    marks: [
      Plot.line(points, { x: 'component', y: 'value', z: (d: SpectrumPoint) => `${d.config}/${d.seed}`, stroke: 'config', strokeOpacity: 0.25, strokeWidth: 1 }),
      Plot.line(means, { x: 'component', y: 'value', z: 'config', stroke: 'config', strokeWidth: 2 }),
      Plot.dot(means, { x: 'component', y: 'value', fill: 'config', r: 2.5 }),
      ...frameLegend(resolved, 'top-right'),
    ],
  });
}
