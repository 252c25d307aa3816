/**
 * Learning curves: training and validation loss per epoch, averaged over seeds (seeds that
 * stopped early drop out of the later epochs), solid for training and dashed for validation.
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults } from './comparisonResults.js';
import { meanCurve } from './meanConfidenceInterval.js';
import { configColorScale, emptyPanel, frameLegend, integerTickFormat, renderPlot, resolveFigureOptions, type FigureOptions } from './figureOptions.js';

interface LossPoint {
  config: string;
  epoch: number;
  loss: number;
}

function meanLoss(config: string, curves: readonly (readonly (number | null)[])[]): LossPoint[] {
  const points: LossPoint[] = [];
  meanCurve(curves).forEach(({ mean }, epoch) => {
    if (Number.isFinite(mean)) points.push({ config, epoch, loss: mean });
  });
  return points;
}

/**
 * @example
 * const svg = plotLearningCurves(results, { document });
 */
export function plotLearningCurves(results: ComparisonResults, options: FigureOptions): SVGSVGElement {
  const resolved = resolveFigureOptions(results, options);
  const train: LossPoint[] = [];
  const validation: LossPoint[] = [];
  for (const config of results.configs) {
    const curves = config.seeds.flatMap((s) => (s.learningCurve ? [s.learningCurve] : []));
    train.push(...meanLoss(config.name, curves.map((c) => c.trainLoss)));
    validation.push(...meanLoss(config.name, curves.map((c) => c.validationLoss)));
  }
  if (train.length + validation.length === 0) return emptyPanel(resolved, 'no learning curves');
  return renderPlot(resolved, {
    x: { label: results.learningCurveAxes?.x ?? 'epoch', tickFormat: integerTickFormat },
    y: { label: results.learningCurveAxes?.y ?? 'loss (NLL per choice)', grid: true },
    color: configColorScale(resolved),
    marks: [
      Plot.line(train, { x: 'epoch', y: 'loss', z: 'config', stroke: 'config', strokeWidth: 1.75 }),
      Plot.line(validation, { x: 'epoch', y: 'loss', z: 'config', stroke: 'config', strokeWidth: 1.75, strokeDasharray: '5,3' }),
      // Losses fall from the top left, so the top right is free for the key.
      Plot.text(['solid: training · dashed: validation'], { frameAnchor: 'top-right', dx: -6, dy: 6, textAnchor: 'end', fill: '#555' }),
      ...frameLegend(resolved, 'top-right', 1),
    ],
  });
}
