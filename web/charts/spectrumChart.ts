/** Singular values of the recurrent weights on a log scale, first published (dashed) and latest (solid), one colour per agent. */
import * as Plot from '@observablehq/plot';
import { agentColor, emptyChart, lowRankAgents, type ChartView } from './chartHelpers.js';

/** Values below this fraction of the largest are numerically zero (a rank-r W has N − r of them). */
const RELATIVE_FLOOR = 1e-9;

/**
 * @example
 * card.replaceChildren(spectrumChart({ agents, roster, task: 'reversal', width: 420 }));
 */
export function spectrumChart(view: ChartView): Element {
  const rows: { index: number; sigma: number; when: string; agent: string }[] = [];
  const agents = lowRankAgents(view);
  for (const agent of agents) {
    for (const [when, spectrum] of [['first', agent.spectra.first], ['latest', agent.spectra.last]] as const) {
      if (!spectrum) continue;
      const floor = (spectrum.values[0] ?? 0) * RELATIVE_FLOOR;
      spectrum.values.forEach((sigma, i) => {
        if (sigma > floor) rows.push({ index: i + 1, sigma, when, agent: agent.info.id });
      });
    }
  }
  if (rows.length === 0) return emptyChart('no weights published yet');
  const first = rows.filter((r) => r.when === 'first');
  const latest = rows.filter((r) => r.when === 'latest');
  return Plot.plot({
    width: view.width, height: 220, marginLeft: 50,
    x: { label: 'index', tickFormat: 'd' },
    // Plain decimals: Plot's default SI ticks on a log axis read 0.8 as "800m".
    y: { type: 'log', label: 'singular value (dashed: first, solid: latest)', grid: true, tickFormat: '~g' },
    color: agentColor({ ...view, agents }),
    marks: [
      Plot.line(first, { x: 'index', y: 'sigma', stroke: 'agent', z: 'agent', strokeDasharray: '4,3', strokeOpacity: 0.7 }),
      Plot.line(latest, { x: 'index', y: 'sigma', stroke: 'agent', z: 'agent' }),
      Plot.dot(latest, { x: 'index', y: 'sigma', fill: 'agent', r: 2.5 }),
    ],
  });
}
