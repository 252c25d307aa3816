/**
 * Two-stage stay probabilities (Daw et al. 2011): P(repeat the first-stage choice) after
 * common/rare × rewarded/unrewarded trials, for the latest phase that has them.
 */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart } from './chartHelpers.js';

const CELLS = [
  ['commonRewarded', 'rewarded', 'common'],
  ['rareRewarded', 'rewarded', 'rare'],
  ['commonUnrewarded', 'unrewarded', 'common'],
  ['rareUnrewarded', 'unrewarded', 'rare'],
] as const;

/**
 * @example
 * card.replaceChildren(stayProbabilityChart(agent, { width: 420 }));
 */
export function stayProbabilityChart(agent: AgentData, { width }: { width: number }): Element {
  const phase = [...agent.phases].reverse().find((p) => p.stayTable);
  if (!phase?.stayTable) return emptyChart('two-stage task only');
  const table = phase.stayTable;
  const rows = CELLS.flatMap(([key, outcome, transition]) => {
    const p = table[key];
    return p === null ? [] : [{ outcome, transition, p }];
  });
  return Plot.plot({
    width, height: 220, marginLeft: 40,
    fx: { label: `previous trial (${phase.name} phase)`, domain: ['rewarded', 'unrewarded'] },
    x: { axis: null, domain: ['common', 'rare'] },
    y: { domain: [0, 1], label: 'P(stay)', grid: true },
    color: { legend: true, domain: ['common', 'rare'], range: ['#1f77b4', '#ff7f0e'] },
    marks: [
      Plot.barY(rows, { fx: 'outcome', x: 'transition', y: 'p', fill: 'transition' }),
      Plot.ruleY([0]),
    ],
  });
}
