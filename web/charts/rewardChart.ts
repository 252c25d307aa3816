/** Reward rate and P(better option) over trials (means over each bin's trials and the cohort). */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart, seriesRows } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(rewardChart(agent, { width: 420 }));
 */
export function rewardChart(agent: AgentData, { width }: { width: number }): Element {
  const rows = seriesRows(agent.trials, { rewardRate: 'reward rate', pBetter: 'P(better option)' });
  if (rows.length === 0) return emptyChart('no trials yet');
  return Plot.plot({
    width, height: 220, marginLeft: 40,
    x: { label: 'trials', nice: true },
    y: { domain: [0, 1], label: null, grid: true },
    color: { legend: true, domain: ['reward rate', 'P(better option)'], range: ['#1f77b4', '#d62728'] },
    marks: [
      Plot.ruleY([0.5], { stroke: '#bbb', strokeDasharray: '3,3' }),
      Plot.line(rows, { x: 'x', y: 'value', stroke: 'measure', strokeWidth: 1.5 }),
    ],
  });
}
