/** Reward rate and P(better option) over trials (means over each bin's trials and the cohort), one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, seriesRows, type ChartView } from './chartHelpers.js';

/**
 * P(better option) as solid lines, reward rate dashed.
 * @example
 * card.replaceChildren(rewardChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function rewardChart(view: ChartView): Element {
  const pick = (a: ChartView['agents'][number]) => a.trials;
  const better = seriesRows(view.agents, pick, { pBetter: 'P(better option)' });
  const reward = seriesRows(view.agents, pick, { rewardRate: 'reward rate' });
  if (better.length === 0 && reward.length === 0) return emptyChart('no trials yet');
  return Plot.plot({
    width: view.width, height: 220, marginLeft: 40,
    x: { label: 'trials', nice: true },
    y: { domain: [0, 1], label: 'P(better) — solid; reward rate — dashed', grid: true },
    color: agentColor(view),
    marks: [
      Plot.ruleY([0.5], { stroke: '#bbb', strokeDasharray: '3,3' }),
      Plot.line(reward, { x: 'x', y: 'value', stroke: 'agent', z: 'agent', strokeWidth: 1, strokeDasharray: '4,3', strokeOpacity: 0.8 }),
      Plot.line(better, { x: 'x', y: 'value', stroke: 'agent', z: 'agent', strokeWidth: 1.5 }),
    ],
  });
}
