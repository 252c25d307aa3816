/** Singular values of the recurrent weights on a log scale: first published and latest. */
import * as Plot from '@observablehq/plot';
import type { AgentData } from '../viewerState.js';
import { emptyChart } from './chartHelpers.js';

/** Values below this fraction of the largest are numerically zero (a rank-r W has N − r of them). */
const RELATIVE_FLOOR = 1e-9;

/**
 * @example
 * card.replaceChildren(spectrumChart(agent, { width: 420 }));
 */
export function spectrumChart(agent: AgentData, { width }: { width: number }): Element {
  const rows: { index: number; sigma: number; when: string }[] = [];
  for (const [when, spectrum] of [['first', agent.spectra.first], ['latest', agent.spectra.last]] as const) {
    if (!spectrum) continue;
    const floor = (spectrum.values[0] ?? 0) * RELATIVE_FLOOR;
    const label = `${when} (update ${spectrum.update})`;
    spectrum.values.forEach((sigma, i) => {
      if (sigma > floor) rows.push({ index: i + 1, sigma, when: label });
    });
  }
  if (rows.length === 0) return emptyChart(agent.info.kind === 'low_rank' ? 'no weights published yet' : 'low-rank agents only');
  return Plot.plot({
    width, height: 220, marginLeft: 50,
    x: { label: 'index', tickFormat: 'd' },
    // Plain decimals: Plot's default SI ticks on a log axis read 0.8 as "800m".
    y: { type: 'log', label: 'singular value', grid: true, tickFormat: '~g' },
    color: { legend: true },
    marks: [
      Plot.line(rows, { x: 'index', y: 'sigma', stroke: 'when' }),
      Plot.dot(rows, { x: 'index', y: 'sigma', fill: 'when', r: 2.5 }),
    ],
  });
}
