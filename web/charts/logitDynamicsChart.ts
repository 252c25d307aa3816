/**
 * Logit dynamics (Ji-An, Benna & Mattar 2025): the change of the policy's log-odds ΔL = L_{t+1} − L_t
 * against L_t, one panel per trial type (rows: the action taken; columns: rewarded or not, and in
 * the two-stage task the transition), dots the mean ΔL in bins of L (area ∝ pairs), lines the
 * least-squares fit. A Q-learner's lines have slope −α (how far one trial moves its preference);
 * a tiny network's show how its strategy departs from that.
 */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, type ChartView } from './chartHelpers.js';
import { pathDots } from './pathMarks.js';

interface Dot { agent: string; action: string; outcome: string; logit: number; change: number; count: number }
interface Segment { agent: string; action: string; outcome: string; x1: number; x2: number; y1: number; y2: number }

const outcomeOf = (reward: number, transition: string | null) => `${reward > 0 ? 'rewarded' : 'unrewarded'}${transition ? `, ${transition}` : ''}`;

/**
 * @example
 * card.replaceChildren(logitDynamicsChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function logitDynamicsChart(view: ChartView): Element {
  const dots: Dot[] = [];
  const segments: Segment[] = [];
  const outcomes: string[] = [];
  for (const agent of view.agents) {
    for (const type of agent.logitDynamics?.types ?? []) {
      const action = `action ${type.action}`;
      const outcome = outcomeOf(type.reward, type.transition);
      if (!outcomes.includes(outcome)) outcomes.push(outcome);
      type.bins.logit.forEach((logit, b) => dots.push({ agent: agent.info.id, action, outcome, logit, change: type.bins.change[b], count: type.bins.count[b] }));
      if (type.slope === null || type.intercept === null || type.bins.logit.length === 0) continue;
      const x1 = Math.min(...type.bins.logit);
      const x2 = Math.max(...type.bins.logit);
      segments.push({ agent: agent.info.id, action, outcome, x1, x2, y1: type.intercept + type.slope * x1, y2: type.intercept + type.slope * x2 });
    }
  }
  if (dots.length === 0) return emptyChart('no episode completed yet');
  outcomes.sort();
  return Plot.plot({
    width: view.width, height: 300, marginLeft: 45, marginRight: 60,
    fx: { domain: outcomes, label: null },
    fy: { domain: ['action 0', 'action 1'], label: null },
    x: { label: 'logit L = log p(1)/p(0)' },
    y: { label: 'ΔL', grid: true },
    r: { range: [1, 4] },
    color: agentColor(view),
    marks: [
      Plot.frame({ stroke: '#ddd' }),
      Plot.ruleY([0], { stroke: '#bbb' }),
      Plot.link(segments, { fx: 'outcome', fy: 'action', x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', stroke: 'agent', strokeWidth: 1.5 }),
      Plot.dot(dots, { fx: 'outcome', fy: 'action', x: 'logit', y: 'change', r: 'count', fill: 'agent', fillOpacity: 0.6, render: pathDots() }),
    ],
  });
}
