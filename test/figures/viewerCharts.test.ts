import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';
import type { ChartView } from '../../web/charts/chartHelpers.js';
import { ViewerState } from '../../web/viewerState.js';
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
function snapshot(): SnapshotMessage {
  const info = (id: string, kind: string) => ({ id, kind, label: id, nSessions: 8, nActions: 2 });
  const agent = (id: string, kind: string, alpha: number) => ({
    info: info(id, kind), trials: emptySeries, training: emptySeries, weights: emptySeries, spectra: {}, phases: [], logitDynamics: qLearnerLogits(alpha, 4),
  });
  return {
    type: 'snapshot', v: 1,
    status: { mode: 'live', state: 'completed', scenario: 's', task: 'reversal', trials: 0, totalTrials: 0, episodes: 0, trialsPerSecond: 0, speed: null },
    agents: [agent('tinygru', 'tiny_gru', 0.2), agent('q-learner', 'cognitive', 0.4)],
  };
}

function view(): ChartView {
  const state = new ViewerState();
  state.apply(snapshot());
  const agents = [...state.agents.values()];
  return { agents, roster: agents.map((a) => a.info.id), task: 'reversal', width: 640 };
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
    expect(svg.querySelectorAll('g[aria-label="dot"] circle').length).toBe(40);
    const fills = new Set(Array.from(svg.querySelectorAll('g[aria-label="dot"] circle'), (c) => c.getAttribute('fill')));
    expect([...fills].sort()).toEqual(['#4e79a7', '#f28e2c']);
    expectSvgSnapshot(svg.outerHTML, 'viewerLogitDynamics');
  });
});
