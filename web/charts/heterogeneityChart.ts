/** Response heterogeneity of the hidden units over training, one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, lowRankAgents, seriesRows, type ChartView } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(heterogeneityChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function heterogeneityChart(view: ChartView): Element {
  const agents = lowRankAgents(view);
  const rows = seriesRows(agents, (a) => a.weights, { responseHeterogeneity: 'response heterogeneity' });
  if (rows.length === 0) return emptyChart('no weights published yet');
  return Plot.plot({
    width: view.width, height: 220, marginLeft: 50,
    x: { label: 'update' },
    y: { label: 'response heterogeneity', grid: true, zero: false },
    color: agentColor({ ...view, agents }),
    marks: [
      Plot.line(rows, { x: 'x', y: 'value', stroke: 'agent', z: 'agent' }),
      Plot.dot(rows, { x: 'x', y: 'value', fill: 'agent', r: 1.5 }),
    ],
  });
}
