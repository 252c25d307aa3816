/** Effective rank and singular-value decay γ of the recurrent weights over training, side by side. */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart, seriesRows } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(weightMetricsChart(agent, { width: 420 }));
 */
export function weightMetricsChart(agent: AgentData, { width }: { width: number }): Element {
  const rank = seriesRows(agent.weights, { effectiveRank: 'effective rank' });
  const gamma = seriesRows(agent.weights, { svDecayGamma: 'γ' });
  if (rank.length === 0 && gamma.length === 0) return emptyChart(agent.info.kind === 'low_rank' ? 'no weights published yet' : 'low-rank agents only');
  const half = Math.floor((width - 8) / 2);
  const panel = (rows: typeof rank, label: string, color: string) =>
    Plot.plot({
      width: half, height: 220, marginLeft: 55,
      x: { label: 'update' },
      y: { label, grid: true, zero: false },
      marks: [Plot.line(rows, { x: 'x', y: 'value', stroke: color }), Plot.dot(rows, { x: 'x', y: 'value', fill: color, r: 2 })],
    });
  const pair = document.createElement('div');
  pair.className = 'pair';
  pair.append(panel(rank, 'effective rank', '#2ca02c'), panel(gamma, 'γ (singular-value decay)', '#9467bd'));
  return pair;
}
