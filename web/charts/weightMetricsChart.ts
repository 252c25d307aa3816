/** Effective rank and singular-value decay γ of the recurrent weights over training, side by side, one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, lowRankAgents, panels, seriesRows, type ChartView } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(weightMetricsChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function weightMetricsChart(view: ChartView): Element {
  const agents = lowRankAgents(view);
  const rank = seriesRows(agents, (a) => a.weights, { effectiveRank: 'effective rank' });
  const gamma = seriesRows(agents, (a) => a.weights, { svDecayGamma: 'γ' });
  if (rank.length === 0 && gamma.length === 0) return emptyChart('no weights published yet');
  const half = Math.floor((view.width - 8) / 2);
  const panel = (rows: typeof rank, label: string) =>
    Plot.plot({
      width: half, height: 220, marginLeft: 55,
      x: { label: 'update' },
      y: { label, grid: true, zero: false },
      color: agentColor({ ...view, agents }, false),
      marks: [Plot.line(rows, { x: 'x', y: 'value', stroke: 'agent', z: 'agent' }), Plot.dot(rows, { x: 'x', y: 'value', fill: 'agent', r: 1.5 })],
    });
  return panels({ ...view, agents }, [panel(rank, 'effective rank'), panel(gamma, 'γ (singular-value decay)')]);
}
