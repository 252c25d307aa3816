/**
 * Two-stage stay probabilities (Daw et al. 2011): P(repeat the first-stage choice) after
 * common/rare × rewarded/unrewarded trials, for each agent's latest phase that has them.
 */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, type ChartView } from './chartHelpers.js';

const CELLS = [
  ['commonRewarded', 'common +'],
  ['rareRewarded', 'rare +'],
  ['commonUnrewarded', 'common −'],
  ['rareUnrewarded', 'rare −'],
] as const;

/**
 * @example
 * card.replaceChildren(stayProbabilityChart({ agents, roster, task: 'two_stage', width: 420 }));
 */
export function stayProbabilityChart(view: ChartView): Element {
  const rows: { cell: string; p: number; agent: string }[] = [];
  for (const agent of view.agents) {
    const table = [...agent.phases].reverse().find((p) => p.stayTable)?.stayTable;
    if (!table) continue;
    for (const [key, cell] of CELLS) {
      const p = table[key];
      if (p !== null) rows.push({ cell, p, agent: agent.info.id });
    }
  }
  if (rows.length === 0) return emptyChart('no two-stage trials yet');
  const color = agentColor(view);
  return Plot.plot({
    width: view.width, height: 220, marginLeft: 40,
    fx: { label: 'previous trial (+ rewarded, − unrewarded)', domain: CELLS.map(([, cell]) => cell) },
    x: { axis: null, domain: color.domain },
    y: { domain: [0, 1], label: 'P(stay)', grid: true },
    color,
    marks: [Plot.barY(rows, { fx: 'cell', x: 'agent', y: 'p', fill: 'agent' }), Plot.ruleY([0])],
  });
}
