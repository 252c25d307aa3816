/** Training losses per update, one small panel per term (total, task, policy, value), one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, panels, seriesRows, type ChartView } from './chartHelpers.js';

const TERMS = { loss: 'loss', taskLoss: 'task loss', policyLoss: 'policy loss', valueLoss: 'value loss' } as const;

/**
 * @example
 * card.replaceChildren(lossChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function lossChart(view: ChartView): Element {
  const trained = view.agents.filter((a) => a.training.length > 0);
  const terms = Object.entries(TERMS)
    .map(([name, label]) => ({ label, rows: seriesRows(trained, (a) => a.training, { [name]: label }) }))
    .filter((term) => term.rows.length > 0);
  if (terms.length === 0) return emptyChart('no training updates');
  const width = terms.length === 1 ? view.width : Math.floor((view.width - 8) / 2);
  return panels({ ...view, agents: trained }, terms.map(({ label, rows }) =>
    Plot.plot({
      width, height: terms.length <= 2 ? 220 : 130, marginLeft: 45,
      x: { label: 'update' },
      y: { label, grid: true },
      color: agentColor({ ...view, agents: trained }, false),
      marks: [Plot.line(rows, { x: 'x', y: 'value', stroke: 'agent', z: 'agent', strokeWidth: 1.1 })],
    })));
}
