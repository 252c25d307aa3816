/** Training losses per update: the minimised total and its task, policy and value terms. */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart, seriesRows } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(lossChart(agent, { width: 420 }));
 */
export function lossChart(agent: AgentData, { width }: { width: number }): Element {
  const rows = seriesRows(agent.training, { loss: 'loss', taskLoss: 'task loss', policyLoss: 'policy loss', valueLoss: 'value loss' });
  if (rows.length === 0) return emptyChart('no training updates');
  return Plot.plot({
    width, height: 220, marginLeft: 50,
    x: { label: 'update' },
    y: { label: null, grid: true },
    color: { legend: true },
    marks: [Plot.ruleY([0], { stroke: '#bbb' }), Plot.line(rows, { x: 'x', y: 'value', stroke: 'measure', strokeWidth: 1.2 })],
  });
}
