/** The reversal-aligned choice curve: P(better) at each lag after a reversal, one panel per phase, one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, type ChartView } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(reversalCurveChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function reversalCurveChart(view: ChartView): Element {
  const rows: { lag: number; pBetter: number; phase: string; agent: string }[] = [];
  const phases: string[] = [];
  for (const agent of view.agents) {
    for (const phase of agent.phases) {
      if (!phases.includes(phase.name)) phases.push(phase.name);
      phase.reversalCurve.forEach((value, lag) => {
        if (value !== null && Number.isFinite(value)) rows.push({ lag, pBetter: value, phase: phase.name, agent: agent.info.id });
      });
    }
  }
  if (rows.length === 0) return emptyChart('no reversal seen yet');
  return Plot.plot({
    width: view.width, height: 220, marginLeft: 40,
    fx: { label: null, domain: phases },
    x: { label: 'trials after reversal' },
    y: { domain: [0, 1], label: 'P(better)', grid: true },
    color: agentColor(view),
    marks: [
      Plot.ruleY([0.5], { stroke: '#bbb', strokeDasharray: '3,3' }),
      Plot.line(rows, { fx: 'phase', x: 'lag', y: 'pBetter', stroke: 'agent', z: 'agent', strokeWidth: 1.5 }),
      Plot.dot(rows, { fx: 'phase', x: 'lag', y: 'pBetter', fill: 'agent', r: 1.8 }),
    ],
  });
}
