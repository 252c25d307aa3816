/** The reversal-aligned choice curve: P(better) at each lag after a reversal, one line per phase. */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart } from './chartHelpers.js';

/**
 * @example
 * card.replaceChildren(reversalCurveChart(agent, { width: 420 }));
 */
export function reversalCurveChart(agent: AgentData, { width }: { width: number }): Element {
  const rows: { lag: number; pBetter: number; phase: string }[] = [];
  for (const phase of agent.phases) {
    phase.reversalCurve.forEach((value, lag) => {
      if (value !== null && Number.isFinite(value)) rows.push({ lag, pBetter: value, phase: phase.name });
    });
  }
  if (rows.length === 0) return emptyChart('no reversal seen yet');
  return Plot.plot({
    width, height: 220, marginLeft: 40,
    x: { label: 'trials after reversal' },
    y: { domain: [0, 1], label: 'P(better)', grid: true },
    color: { legend: true },
    marks: [
      Plot.ruleY([0.5], { stroke: '#bbb', strokeDasharray: '3,3' }),
      Plot.line(rows, { x: 'lag', y: 'pBetter', stroke: 'phase', strokeWidth: 1.5 }),
      Plot.dot(rows, { x: 'lag', y: 'pBetter', fill: 'phase', r: 2 }),
    ],
  });
}
