/**
 * Effective rank of W_rec per configuration: bars at the mean over seeds, 95% CI whiskers and
 * one dot per seed. The developmental prediction is a lower rank for the mature network
 * (≈ 5–6 against ≈ 7–8).
 */
import type { ComparisonResults } from './comparisonResults.js';
import type { FigureOptions } from './figureOptions.js';
import { plotSeedComparison } from './seedComparisonPlot.js';

/**
 * @example
 * const svg = plotEffectiveRankComparison(results, { document });
 */
export function plotEffectiveRankComparison(results: ComparisonResults, options: FigureOptions): SVGSVGElement {
  return plotSeedComparison(results, options, {
    value: (s) => s.effectiveRank,
    label: 'effective rank D(W)',
    bars: true,
    zeroBased: true,
  });
}
