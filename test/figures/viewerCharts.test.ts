import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';
import type { ChartView } from '../../web/charts/chartHelpers.js';
import { ViewerState } from '../../web/viewerState.js';
import { latentDynamicsView } from '../../actors/server/agentSeries.js';
import { latentPhasePortrait } from '../../src/analysis/latentPhasePortrait.js';
import { createLowRankSystem } from '../../src/analysis/lowRankSystem.js';
import { expectSvgSnapshot } from './svgSnapshot.js';

const { window } = new JSDOM('');

/** A Q-learner's exact logit dynamics (forgetting at rate α, κ = 0): ΔL = −α L ± α β (r − ½), sampled in bins. */
function qLearnerLogits(alpha: number, beta: number) {
  const logit = [-3, -1.5, 0, 1.5, 3];
  return {
    episodes: 20, source: 'policy' as const,
    types: [0, 1].flatMap((action) => [0, 1].map((reward) => {
      const intercept = (action === 1 ? 1 : -1) * alpha * beta * (reward - 0.5);
      return {
        label: `a${action}r${reward}`, action, reward, transition: null, n: 50, slope: -alpha, intercept,
        bins: { logit, change: logit.map((l) => intercept - alpha * l), count: [5, 10, 20, 10, 5] },
      };
    })),
  };
}

const emptySeries = { x: [], count: [], values: {} };
/** The rank-1 network of test/latentPhasePortrait.test.ts: fixed points (½, ½) (unstable) and two attractors. */
function rankOnePortrait() {
  const b = Math.atanh(0.5) - 1;
  const sys = createLowRankSystem({ A: [1, 0, 1, 0], B: [2, 0, 0, 1], nHidden: 2, leak: 1, inputWeights: [b, b], nInputs: 1 });
  const initialStates = Array.from({ length: 9 }, (_, i) => -0.9 + 0.225 * i).flatMap((x) => [x, x + 0.05]);
  const trajectory = { states: [0, 0, 0.3, 0.2, 0.6, 0.55, 0.7, 0.72], labels: ['start', 'a0r1', 'a1r1', 'a1r0'] };
  // Under input c, x₁ = x₂ = 0.8 is a stable fixed point (test/latentPhasePortrait.test.ts).
  const conditions = [{ label: 'a1r1', input: [(Math.atanh(0.8) - 1.6) / b], initialStates: [0.75, 0.78, 0.85, 0.83] }];
  return latentDynamicsView({ type: 'latent.measured', agent: 'mature', update: 7, portrait: latentPhasePortrait(sys, { input: [1], initialStates, trajectories: [trajectory], gridSize: 6, conditions }) });
}

function snapshot(): SnapshotMessage {
  const info = (id: string, kind: string) => ({ id, kind, label: id, nSessions: 8, nActions: 2 });
  const agent = (id: string, kind: string, alpha: number) => ({
    info: info(id, kind), trials: emptySeries, training: emptySeries, weights: emptySeries, spectra: {}, phases: [], logitDynamics: qLearnerLogits(alpha, 4),
  });
  const mature = { ...agent('mature', 'low_rank', 0.1), latentDynamics: rankOnePortrait() };
  return {
    type: 'snapshot', v: 1,
    status: { mode: 'live', state: 'completed', scenario: 's', task: 'reversal', trials: 0, totalTrials: 0, episodes: 0, trialsPerSecond: 0, speed: null },
    agents: [agent('tinygru', 'tiny_gru', 0.2), agent('q-learner', 'cognitive', 0.4), mature],
  };
}

function view(): ChartView {
  const state = new ViewerState();
  state.apply(snapshot());
  const roster = [...state.agents.values()];
  return { agents: roster.filter((a) => a.info.kind !== 'low_rank'), roster: roster.map((a) => a.info.id), task: 'reversal', width: 640 };
}

/** The chart's main <svg> (Plot wraps it in a <figure> when it has a legend). */
const mainSvg = (chart: Element) => (chart.tagName === 'svg' ? chart : chart.querySelector('svg.plot, svg[class^="plot-"]:not([class$="-swatch"])') ?? chart.querySelectorAll('svg')[chart.querySelectorAll('svg').length - 1]);

describe('viewer charts (jsdom)', () => {
  beforeAll(() => {
    // The charts draw with the page's document, as in the browser.
    Object.assign(globalThis, { window, document: window.document });
  });

  it('logitDynamicsChart(view) draws one panel per trial type, both agents in their roster colours, and matches its SVG snapshot', async () => {
    const { logitDynamicsChart } = await import('../../web/charts/logitDynamicsChart.js');
    const chart = logitDynamicsChart(view());
    expect(chart.textContent).toContain('tinygru');
    expect(chart.textContent).toContain('q-learner');
    const svg = mainSvg(chart);
    // Four facets (action × reward), each with two fitted lines and two agents' five bins.
    expect(svg.querySelectorAll('g[aria-label="link"] path, g[aria-label="link"] line').length).toBe(8);
    // The bins are drawn as one path per agent and facet (pathDots), a circle per bin.
    const binPaths = Array.from(svg.querySelectorAll('g[aria-label="dot"] path'));
    expect(binPaths.length).toBe(8);
    expect(binPaths.reduce((n, p) => n + p.getAttribute('d')!.split('M').length - 1, 0)).toBe(40);
    expect([...new Set(binPaths.map((p) => p.getAttribute('fill')))].sort()).toEqual(['#4e79a7', '#f28e2c']);
    expectSvgSnapshot(svg.outerHTML, 'viewerLogitDynamics');
  });

  it('latentDynamicsChart(view) marks stable fixed points filled and unstable ones open, titles the agent in its roster colour, and matches its SVG snapshot', async () => {
    const { latentDynamicsChart } = await import('../../web/charts/latentDynamicsChart.js');
    const full = view();
    const roster = [...full.roster];
    const state = new ViewerState();
    state.apply(snapshot());
    const chart = latentDynamicsChart({ ...full, agents: [...state.agents.values()], roster });
    const caption = chart.querySelector('figcaption')!;
    expect(caption.textContent).toBe('mature · update 7 · fixed points at rest: 2 stable ●, 1 unstable ○ · under each outcome\'s input: 1 stable ◆, 0 unstable ◇');
    expect(caption.getAttribute('style')).toContain('rgb(225, 87, 89)');
    const svg = chart.querySelectorAll('svg')[chart.querySelectorAll('svg').length - 1];
    const fixed = Array.from(svg.querySelectorAll('g[aria-label="dot"]')).at(-1)!.querySelectorAll('circle');
    expect(Array.from(fixed, (c) => c.getAttribute('fill')).sort()).toEqual(['black', 'black', 'white']);
    // The fixed point under a1r1's input is a diamond filled in a1r1's colour (it is stable).
    const diamonds = Array.from(svg.querySelectorAll('g[aria-label="dot"] path')).filter((d) => d.querySelector('title')?.textContent?.includes('under a1r1'));
    expect(diamonds.map((d) => [d.getAttribute('fill'), d.querySelector('title')!.textContent])).toEqual([['#b2182b', "stable fixed point under a1r1's input, |λ|max 0.720"]]);
    // The 6×6 flow field is one path of 36 arrows (pathArrows: shaft and wings, two moves each).
    const flow = svg.querySelectorAll('g[aria-label="vector"] path');
    expect(flow.length).toBe(1);
    expect(flow[0].getAttribute('d')!.split('M').length - 1).toBe(2 * 36);
    expectSvgSnapshot(svg.outerHTML, 'viewerLatentDynamics');
  });

  it('latentDynamicsChart(view) redrawn with the same latent data reuses its portrait; new data or another width draws a new one, the same picture for the same data', async () => {
    const { latentDynamicsChart } = await import('../../web/charts/latentDynamicsChart.js');
    const state = new ViewerState();
    state.apply(snapshot());
    const agents = [...state.agents.values()];
    // The portrait (Plot's figure) of the one low-rank agent, taken before the next call moves it.
    const portrait = (width: number) => latentDynamicsChart({ agents, roster: agents.map((a) => a.info.id), task: 'reversal', width }).querySelector('figure.panel')!.children[1];
    const withoutIds = (element: Element) => element.outerHTML.replace(/plot-[0-9a-f]{6}|plot-clip-\d+/g, '');
    const first = portrait(640);
    expect(portrait(640) === first).toBe(true);
    expect(portrait(400) === first).toBe(false);
    const mature = agents.find((a) => a.info.kind === 'low_rank')!;
    mature.latentDynamics = { ...mature.latentDynamics! };
    const redrawn = portrait(640);
    expect(redrawn === first).toBe(false);
    expect(withoutIds(redrawn)).toBe(withoutIds(first));
  });
});
