/** Response heterogeneity of the hidden units over training. */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart, seriesRows } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(heterogeneityChart(agent, { width: 420 }));
 */
export function heterogeneityChart(agent: AgentData, { width }: { width: number }): Element {
  const rows = seriesRows(agent.weights, { responseHeterogeneity: 'response heterogeneity' });
  if (rows.length === 0) return emptyChart(agent.info.kind === 'low_rank' ? 'no weights published yet' : 'low-rank agents only');
  return Plot.plot({
    width, height: 220, marginLeft: 50,
    x: { label: 'update' },
    y: { label: 'response heterogeneity', grid: true, zero: false },
    marks: [
      Plot.line(rows, { x: 'x', y: 'value', stroke: '#8c564b' }),
      Plot.dot(rows, { x: 'x', y: 'value', fill: '#8c564b', r: 2 }),
    ],
  });
}
