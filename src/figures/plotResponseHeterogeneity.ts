/**
 * Response heterogeneity (variance across units of their input sensitivity ‖∂h'ᵢ/∂u‖, see
 * computeResponseHeterogeneity) per configuration: one dot per seed, the mean as a tick, 95% CI
 * whiskers. The prediction is higher heterogeneity, i.e. more specialised responses, in the
 * mature network.
 */
import type { ComparisonResults } from './comparisonResults.js';
import type { FigureOptions } from './figureOptions.js';
import { plotSeedComparison } from './seedComparisonPlot.js';

/**
 * @example
 * const svg = plotResponseHeterogeneity(results, { document });
 */
export function plotResponseHeterogeneity(results: ComparisonResults, options: FigureOptions): SVGSVGElement {
  return plotSeedComparison(results, options, {
    value: (s) => s.responseHeterogeneity,
    label: 'response heterogeneity',
    bars: false,
    zeroBased: false,
  });
}
