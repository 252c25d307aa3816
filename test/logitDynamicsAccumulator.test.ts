import { describe, expect, it } from 'vitest';
import { parseScenario } from '../actors/system/scenario.js';
import { startRun } from '../actors/system/startRun.js';
import type { AnalyzerOutput, LogitsMeasuredOutput } from '../src/analysis/online/analyzerState.js';
import { LogitDynamicsAccumulator, logOdds } from '../src/analysis/online/logitDynamicsAccumulator.js';
import { analyzeLogitDynamics, fitLine, fitLineFromSums } from '../src/analysis/logitDynamics.js';
import type { RunEvent, TrialCompletedEvent } from '../src/protocol/events.js';

const ALPHA = 0.3;
const BETA = 4;

/** Play a scenario for real and keep its events and the analyzer's `logits.measured` outputs. */
async function play(agents: unknown[], episodes: number, windowEpisodes: number, task: unknown = { type: 'reversal', options: { blockLengthMin: 8, blockLengthMax: 16 } }) {
  const scenario = parseScenario({
    name: 'logit-dynamics', seed: 11, task, trialsPerEpisode: 40, agents,
    phases: [{ name: 'play', episodes, learning: true }], analyzer: { windowEpisodes, weightsEvery: 0 },
  });
  const events: RunEvent[] = [];
  const outputs: LogitsMeasuredOutput[] = [];
  const system = startRun(scenario, { onEvent: (e) => events.push(e), onAnalysis: (o: AnalyzerOutput) => o.type === 'logits.measured' && outputs.push(o) });
  expect((await system.done).status).toBe('completed');
  return { events, outputs };
}

describe('LogitDynamicsAccumulator (the live logit dynamics of Ji-An et al. 2025)', () => {
  it('a Q-learner that forgets the unchosen value at its learning rate moves its logit by ΔL = −α L ± α β (r − ½): slope −α and that intercept per trial type, every bin on the line', async () => {
    // Q_c += α (r − Q_c), Q_u += α (½ − Q_u), L = β (Q1 − Q0) with κ = 0, so for action 1
    // ΔL = β α (r − Q1) − β α (½ − Q0) = α β (r − ½) − α L, and the mirror image for action 0.
    const q = { id: 'q', nSessions: 16, model: { kind: 'cognitive', model: 'q_learning_forgetting', parameters: { alpha: ALPHA, beta: BETA, kappa: 0, forgetRate: ALPHA } } };
    const { outputs } = await play([q], 5, 5);
    expect(outputs).toHaveLength(5);
    const last = outputs.at(-1)!;
    expect(last.source).toBe('policy');
    expect(last.episodes).toBe(5);
    expect(last.types.map((t) => t.label)).toEqual(['a0r0', 'a0r1', 'a1r0', 'a1r1']);
    // Every within-episode pair: 5 episodes × 39 pairs × 16 sessions.
    expect(last.types.reduce((sum, t) => sum + t.n, 0)).toBe(5 * 39 * 16);
    for (const type of last.types) {
      const intercept = (type.action === 1 ? 1 : -1) * ALPHA * BETA * (type.reward - 0.5);
      // The policy travels as float32 probabilities: L is exact to ~1e-6.
      expect(type.slope).toBeCloseTo(-ALPHA, 5);
      expect(type.intercept).toBeCloseTo(intercept, 5);
      expect(type.rSquared).toBeCloseTo(1, 6);
      expect(type.bins.count.reduce((a, b) => a + b, 0)).toBe(type.n);
      type.bins.logit.forEach((logit, b) => expect(type.bins.change[b]).toBeCloseTo(intercept - ALPHA * logit, 5));
    }
  });

  it('over its window, the fold fits the same lines as analyzeLogitDynamics over the last episodes (a TinyGRU learning by imitation, read through its own policy)', async () => {
    const gru = {
      id: 'gru', nSessions: 6, model: { kind: 'tiny_gru', nHidden: 2 },
      trainer: { mode: 'imitation', learningRate: 0.05, teacher: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0.2 } } },
    };
    const { events, outputs } = await play([gru], 6, 3);
    const last = outputs.at(-1)!;
    expect(last.source).toBe('learnerPolicy');
    expect(last.episodes).toBe(3);
    // Offline: one session per (episode, session) of the last three episodes, L from the learner's policy.
    const trials = events.filter((e): e is TrialCompletedEvent => e.type === 'trial.completed' && e.episode >= 3);
    const rows = trials.flatMap((t) => Array.from({ length: t.nSessions }, (_, s) => ({
      session: t.episode * 100 + s, trial: t.trial, choice: t.actions[s], reward: t.rewards[s], logit: logOdds(t.learnerPolicy![2 * s], t.learnerPolicy![2 * s + 1]),
    }))).sort((a, b) => a.session - b.session || a.trial - b.trial);
    const offline = analyzeLogitDynamics({ choices: rows.map((r) => r.choice), rewards: rows.map((r) => r.reward), sessionIds: rows.map((r) => r.session), logits: rows.map((r) => r.logit) });
    expect(last.types.map((t) => t.label)).toEqual(offline.map((t) => t.label));
    last.types.forEach((type, i) => {
      expect(type.n).toBe(offline[i].n);
      expect(type.slope).toBeCloseTo(offline[i].slope, 8);
      expect(type.intercept).toBeCloseTo(offline[i].intercept, 8);
    });
  });

  it('splits the two-stage task by transition: eight types, labelled with common / rare', async () => {
    const mb = { id: 'mb', nSessions: 8, model: { kind: 'cognitive', model: 'model_based_two_step', parameters: { alpha2: 0.5, beta1: 5, beta2: 5, perseveration: 0 } } };
    const { outputs } = await play([mb], 2, 2, { type: 'two_stage', options: {} });
    expect(outputs.at(-1)!.types.map((t) => t.label)).toEqual(['a0r0 common', 'a0r1 common', 'a0r0 rare', 'a0r1 rare', 'a1r0 common', 'a1r1 common', 'a1r0 rare', 'a1r1 rare']);
  });

  it('fitLineFromSums(sums) equals fitLine on the points, and is NaN for a constant x', () => {
    const x = [0.5, -1, 2, 3.5, -0.25];
    const y = [1, 0.2, -3, 4, 0.7];
    const sum = (f: (i: number) => number) => x.reduce((s, _, i) => s + f(i), 0);
    const fromSums = fitLineFromSums({ n: 5, sumX: sum((i) => x[i]), sumY: sum((i) => y[i]), sumXX: sum((i) => x[i] ** 2), sumXY: sum((i) => x[i] * y[i]), sumYY: sum((i) => y[i] ** 2) });
    const direct = fitLine(x, y);
    expect(fromSums.slope).toBeCloseTo(direct.slope, 12);
    expect(fromSums.intercept).toBeCloseTo(direct.intercept, 12);
    expect(fromSums.rSquared).toBeCloseTo(direct.rSquared, 12);
    expect(fitLineFromSums({ n: 3, sumX: 3, sumY: 3, sumXX: 3, sumXY: 3, sumYY: 5 }).slope).toBeNaN();
  });

  it('add(policy) bins each pair by the bin edges even in asinh(L / 0.25), also for L on, just below and just above every edge', () => {
    const nBins = 32, logitRange = 8;
    const R = Math.asinh(logitRange / 0.25);
    const edges = Array.from({ length: nBins + 1 }, (_, i) => 0.25 * Math.sinh(-R + (2 * R * i) / nBins));
    // L of trial 1 for every session: each edge, its float neighbours, points inside bins, and outside the range.
    const targets = edges.flatMap((e) => [e, e * (1 + 2 ** -52) + (e === 0 ? 1e-300 : 0), e * (1 - 2 ** -52) - (e === 0 ? 1e-300 : 0)]);
    for (let b = 0; b < nBins; b++) for (const f of [0.01, 0.37, 0.5, 0.93]) targets.push(edges[b] + f * (edges[b + 1] - edges[b]));
    targets.push(-9, 9, 8.0000001, -8.0000001, 0, -0);
    const S = targets.length;
    // Probabilities (p0, p1) = (1, e^L) give logOdds = log(e^L) = L up to rounding: the truth is found from the L they give.
    const policy1 = targets.flatMap((L) => [1, Math.exp(L)]);
    const L = Array.from({ length: S }, (_, s) => logOdds(policy1[2 * s], policy1[2 * s + 1]));
    const acc = new LogitDynamicsAccumulator({ nSessions: S, byTransition: false, nBins, logitRange });
    acc.startEpisode();
    acc.add(policy1, new Array(S).fill(1), new Array(S).fill(1));
    acc.add(new Array(2 * S).fill(0.5), new Array(S).fill(1), new Array(S).fill(1));
    acc.endEpisode();
    // Expected by a linear scan: bin b holds edges[b] <= L < edges[b + 1].
    const count = new Array(nBins).fill(0), sumL = new Array(nBins).fill(0);
    for (const x of L) {
      const b = edges.findIndex((e, i) => i < nBins && x >= e && x < edges[i + 1]);
      if (b >= 0) {
        count[b] += 1;
        sumL[b] += x;
      }
    }
    const [type] = acc.summary();
    expect(type.label).toBe('a1r1');
    expect(type.n).toBe(S);
    const filled = count.flatMap((c, b) => (c > 0 ? [b] : []));
    expect(type.bins.count).toEqual(filled.map((b) => count[b]));
    type.bins.logit.forEach((logit, i) => expect(logit).toBeCloseTo(sumL[filled[i]] / count[filled[i]], 12));
  });

  it('new LogitDynamicsAccumulator refuses a policy that is not S×2 and a bad window, naming the value', () => {
    const acc = new LogitDynamicsAccumulator({ nSessions: 2, byTransition: false });
    expect(() => acc.add([0.5, 0.5, 0.5], [0, 1], [1, 0])).toThrow('policy must hold 2×2 probabilities (two actions), got 3');
    expect(() => new LogitDynamicsAccumulator({ nSessions: 2, byTransition: false, windowEpisodes: 0 })).toThrow(/windowEpisodes.*0/);
  });
});
