import { describe, expect, it } from 'vitest';
import { FixedPointFinder } from '../src/analysis/fixedPointFinder.js';
import { latentPhasePortrait, latentPlane } from '../src/analysis/latentPhasePortrait.js';
import { createLowRankSystem, stepDynamics } from '../src/analysis/lowRankSystem.js';
import type { TrialCompletedEvent, WeightsUpdatedEvent } from '../src/protocol/events.js';

/**
 * A rank-1 network W = m nᵀ, m = (1, 1), n = (2, 0) (k = 2 factor columns, the second zero), leak 1,
 * one constant input with weights b = atanh(½) − 1 on both units. Then x* = (½, ½) is a fixed point:
 * W x* + b = (1, 1) + b = atanh(½). Its Jacobian D W with D = 1 − ¼ = ¾ has eigenvalues
 * ¾ nᵀm = 3/2 and 0, so it is unstable. Along κ = nᵀ x = 2 x₁ the other fixed points solve
 * κ = 2 tanh(κ + b) with slope 2 (1 − tanh²) < 1 there: two attractors.
 */
const b = Math.atanh(0.5) - 1;
const sys = createLowRankSystem({ A: [1, 0, 1, 0], B: [2, 0, 0, 1], nHidden: 2, leak: 1, inputWeights: [b, b], nInputs: 1 });
const input = [1];

describe('latentPhasePortrait (Mastrogiuseppe & Ostojic 2018 latent plane)', () => {
  it('latentPlane(sys) of W = m nᵀ is n / |n| then its orthogonal complement, gains |m| |n| and 0', () => {
    const { basis, gains } = latentPlane(sys);
    expect(Array.from(basis).map((v) => Math.abs(v) < 1e-12 ? 0 : v)).toEqual([1, 0, 0, 1]);
    expect(gains[0]).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(gains[1]).toBeCloseTo(0, 12);
  });

  it('finds the known fixed point x* = (½, ½) as unstable (|λ|max = 3/2) and two stable ones on the line x₁ = x₂', () => {
    const grid = Array.from({ length: 9 }, (_, i) => -0.9 + 0.225 * i);
    const initialStates = grid.flatMap((x) => [x, x + 0.05]);
    const portrait = latentPhasePortrait(sys, { input, initialStates });
    const known = portrait.fixedPoints.find((p) => Math.abs(p.z1 - 0.5) < 1e-6)!;
    expect(known.z1).toBeCloseTo(0.5, 10);
    expect(known.z2).toBeCloseTo(0.5, 10);
    expect(known.stable).toBe(false);
    expect(known.maxModulus).toBeCloseTo(1.5, 8);
    const stable = portrait.fixedPoints.filter((p) => p.stable);
    expect(stable).toHaveLength(2);
    for (const p of stable) {
      // κ = 2 x₁ solves κ = 2 tanh(κ + b), and x₂ = x₁ (both units get the same drive).
      expect(2 * p.z1).toBeCloseTo(2 * Math.tanh(2 * p.z1 + b), 8);
      expect(p.z2).toBeCloseTo(p.z1, 8);
    }
    expect(portrait.fixedPoints).toHaveLength(3);
  });

  it('under another input c, finds the known fixed point x* = (0.8, 0.8) as stable with |λ|max = 2 (1 − 0.8²) = 0.72, labelled by the condition', () => {
    // With input c the drive is b c on both units; x₁ = x₂ = 0.8 is fixed when 2 (0.8) + b c = atanh(0.8).
    const c = (Math.atanh(0.8) - 1.6) / b;
    const portrait = latentPhasePortrait(sys, { input, initialStates: [0.5, 0.5], conditions: [{ label: 'a1r1', input: [c], initialStates: [0.75, 0.78, 0.85, 0.83] }] });
    const found = portrait.conditionedFixedPoints.find((p) => Math.abs(p.z1 - 0.8) < 1e-3)!;
    expect(found.label).toBe('a1r1');
    expect(found.z1).toBeCloseTo(0.8, 10);
    expect(found.z2).toBeCloseTo(0.8, 10);
    expect(found.stable).toBe(true);
    expect(found.maxModulus).toBeCloseTo(0.72, 8);
    // Every reported point is a fixed point of the map under c, not under the resting input.
    for (const p of portrait.conditionedFixedPoints) {
      const next = stepDynamics(sys, [p.z1, p.z2], [c]);
      expect(next[0]).toBeCloseTo(p.z1, 9);
      expect(next[1]).toBeCloseTo(p.z2, 9);
    }
    expect(stepDynamics(sys, [0.8, 0.8], input)[0]).not.toBeCloseTo(0.8, 2);
    expect(() => latentPhasePortrait(sys, { input, conditions: [{ label: 'a0r0', input: [c], initialStates: [0.1, 0.2, 0.3] }] })).toThrow('conditions[0].initialStates must hold count×2 values (count >= 1), got 3');
  });

  it('finds the attractor that descent from a slow region (the ghost of a lost fixed point) misses: starts carried by the map reach it', () => {
    // W = m nᵀ, m = (1, 1), n = (1, 1), drive b = 0.6 on both units, leak 1: along h = c (1, 1) the map
    // is c ↦ tanh(2c + b). Past the saddle-node at b ≈ 0.533 only the positive attractor is left, and
    // near c = −0.7 a slow region remains where q has a positive local minimum.
    const ghost = createLowRankSystem({ A: [1, 0, 1, 0], B: [1, 0, 1, 0], nHidden: 2, leak: 1, inputWeights: [0.6, 0.6], nInputs: 1 });
    const starts = [-0.72, -0.7, -0.69, -0.71, -0.75, -0.74, -0.68, -0.66];
    expect(new FixedPointFinder({ maxIterations: 2000, nSlowModes: 0 }).find(ghost, [1], starts).fixedPoints).toEqual([]);
    let lo = 0, hi = 1;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (Math.tanh(2 * mid + 0.6) > mid) lo = mid;
      else hi = mid;
    }
    const c = (lo + hi) / 2;
    const [only, ...rest] = latentPhasePortrait(ghost, { input: [1], initialStates: starts }).fixedPoints;
    expect(rest).toEqual([]);
    // The plane's first axis is (1, 1)/√2, so z1 = √2 c; the Jacobian's one non-zero eigenvalue is 2 (1 − c²).
    expect(only.z1).toBeCloseTo(Math.SQRT2 * c, 10);
    expect(only.stable).toBe(true);
    expect(only.maxModulus).toBeCloseTo(2 * (1 - c * c), 8);
    // Without carrying the starts the portrait misses it as the finder does.
    expect(latentPhasePortrait(ghost, { input: [1], initialStates: starts, settleSteps: 0 }).fixedPoints).toEqual([]);
    expect(() => latentPhasePortrait(ghost, { input: [1], initialStates: starts, settleSteps: -1 })).toThrow(/settleSteps must be an integer in \[0, 100000\], got -1/);
  });

  it('the flow at each grid point is F(h) − h of the map itself, and trajectories are projected row by row', () => {
    const states = [0.1, -0.2, 0.7, 0.3];
    const portrait = latentPhasePortrait(sys, { input, initialStates: [0.5, 0.5], trajectories: [{ states, labels: ['a0r1', 'a1r0'] }], gridSize: 4 });
    expect(portrait.flow.z1).toHaveLength(16);
    for (let g = 0; g < 16; g++) {
      const h = [portrait.flow.z1[g], portrait.flow.z2[g]];
      const next = stepDynamics(sys, h, input);
      expect(portrait.flow.dz1[g]).toBeCloseTo(next[0] - h[0], 12);
      expect(portrait.flow.dz2[g]).toBeCloseTo(next[1] - h[1], 12);
    }
    expect(portrait.trajectories[0]).toEqual({ z1: [0.1, 0.7], z2: [-0.2, 0.3], labels: ['a0r1', 'a1r0'] });
  });

  it('refuses a trajectory whose states do not match its labels, naming the sizes', () => {
    expect(() => latentPhasePortrait(sys, { input, trajectories: [{ states: [1, 2, 3], labels: ['a0r0', 'a0r1'] }] })).toThrow('trajectories[0].states must hold labels.length×2 = 4 values, got 3');
  });
});

describe('LatentDynamicsTracker (the analyzer’s latent.measured)', () => {
  it('for each published low-rank model, projects the trajectories that BrainInspiredRNN.forward computes on the last episode’s inputs, labelled by the outcome each state took in', async () => {
    const { parseScenario } = await import('../actors/system/scenario.js');
    const { startRun } = await import('../actors/system/startRun.js');
    const { BrainInspiredRNN } = await import('../src/model/brainInspiredRnn.js');
    const { encodeTrialRow } = await import('../src/tasks/encoding.js');
    const { TaskType } = await import('../src/tasks/cohortTask.js');
    const scenario = parseScenario({
      name: 'latent', seed: 2, task: { type: 'reversal', options: { blockLengthMin: 5, blockLengthMax: 10 } }, trialsPerEpisode: 12,
      agents: [{ id: 'mature', nSessions: 3, model: { kind: 'low_rank', stage: 'mature', nHidden: 10 }, trainer: { mode: 'a2c', learningRate: 0.01 } }],
      phases: [{ name: 'train', episodes: 2, learning: true }], analyzer: { weightsEvery: 1, probeRows: 6 },
    });
    const events: import('../src/protocol/events.js').RunEvent[] = [];
    const portraits: import('../src/analysis/online/analyzerState.js').LatentMeasuredOutput[] = [];
    const system = startRun(scenario, { onEvent: (e) => events.push(e), onAnalysis: (o) => o.type === 'latent.measured' && portraits.push(o) });
    expect((await system.done).status).toBe('completed');
    expect(portraits.map((p) => p.update)).toEqual([1, 2]);
    const published = events.filter((e): e is WeightsUpdatedEvent => e.type === 'weights.updated').at(-1)!;
    const model = BrainInspiredRNN.fromJSON(published.model);
    const trials = events.filter((e): e is TrialCompletedEvent => e.type === 'trial.completed' && e.episode === 1);
    const T = 12;
    const inputs = new Float64Array(T * 4);
    inputs.set(encodeTrialRow(TaskType.REVERSAL, { action: -1, reward: 0 }), 0);
    for (const t of trials.slice(0, T - 1)) inputs.set(t.nextInputs.subarray(0, 4), (t.trial + 1) * 4);
    const { hidden } = model.forward({ nSessions: 1, nTrials: T, nInputs: 4, inputs });
    const { portrait } = portraits.at(-1)!;
    const N = model.nHidden;
    const session0 = portrait.trajectories[0];
    expect(session0.labels).toHaveLength(T);
    expect(session0.labels[0]).toBe('start');
    expect(session0.labels[1]).toBe(`a${trials[0].actions[0]}r${trials[0].rewards[0] > 0 ? 1 : 0}`);
    for (let t = 0; t < T; t++) {
      let z1 = 0;
      for (let i = 0; i < N; i++) z1 += portrait.basis[i] * hidden[t * N + i];
      expect(session0.z1[t]).toBeCloseTo(z1, 6);
    }
    expect(portrait.trajectories).toHaveLength(3);
    expect(portrait.flow.z1).toHaveLength(15 * 15);
    // Fixed points under the outcome inputs the drawn trials took in, labelled by those outcomes.
    const drawnOutcomes = new Set(portrait.trajectories.flatMap((t) => t.labels).filter((l) => l !== 'start'));
    expect(portrait.conditionedFixedPoints.length).toBeGreaterThan(0);
    for (const p of portrait.conditionedFixedPoints) expect(drawnOutcomes).toContain(p.label);
  });
});
