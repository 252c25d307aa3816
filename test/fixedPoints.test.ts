import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { createLowRankSystem, stepDynamics, type LowRankSystem } from '../src/analysis/lowRankSystem.js';
import { FixedPointFinder, sampleInitialStates } from '../src/analysis/fixedPointFinder.js';
import { DynamicsAnalyzer, trialTypeConditions } from '../src/analysis/dynamicsAnalyzer.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../src/model/config.js';
import { recurrentMatrix, toLowRankSystem } from '../src/analysis/lowRankSystem.js';
import { computeJacobian } from '../src/analysis/jacobian.js';

/** The positive root of c = tanh(g c) for g > 1, by bisection (an independent 1-D solve). */
function tanhRoot(g: number): number {
  let lo = 1e-9;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (Math.tanh(g * mid) - mid > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Rank-p network with orthogonal ±1 patterns: A[:, a] = pattern a, B[:, a] = g · pattern a / N.
 * For one pattern s, every fixed point is x = c·s with c = tanh(g c), and the one non-trivial
 * Jacobian eigenvalue is (1 − leak) + leak · g (1 − c²).
 */
function patternSystem(patterns: number[][], g: number, leak: number): LowRankSystem {
  const N = patterns[0].length;
  const k = patterns.length;
  const A = new Float64Array(N * k);
  const B = new Float64Array(N * k);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < k; a++) {
      A[i * k + a] = patterns[a][i];
      B[i * k + a] = (g * patterns[a][i]) / N;
    }
  }
  return createLowRankSystem({ A, B, nHidden: N, leak });
}

const s16 = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : -1));
const t16 = Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : -1));

describe('FixedPointFinder on a rank-1 network', () => {
  it('find() returns only the stable origin when the overlap g = nᵀm is below 1', () => {
    const sys = patternSystem([s16], 0.7, 0.2);
    const initial = sampleInitialStates([], 16, 20, createRandom(1), 1);
    const { fixedPoints } = new FixedPointFinder().find(sys, undefined, initial);
    expect(fixedPoints).toHaveLength(1);
    const [origin] = fixedPoints;
    expect(Math.max(...Array.from(origin.x, Math.abs))).toBeLessThan(1e-8);
    expect(origin.stable).toBe(true);
    expect(origin.maxModulus).toBeCloseTo(0.8 + 0.2 * 0.7, 10);
  });

  it('find() returns ±c*·m (stable) and the origin (unstable) for g = 2, with c* = tanh(g c*)', () => {
    const g = 2;
    const leak = 0.2;
    const sys = patternSystem([s16], g, leak);
    const initial = sampleInitialStates([], 16, 30, createRandom(2), 1);
    const { fixedPoints } = new FixedPointFinder().find(sys, undefined, initial);
    expect(fixedPoints).toHaveLength(3);
    const c = tanhRoot(g);
    const byMean = [...fixedPoints].sort((a, b) => a.x[0] - b.x[0]);
    const expectedC = [-c, 0, c];
    byMean.forEach((point, p) => {
      expect(point.q).toBeLessThan(1e-20);
      point.x.forEach((xi, i) => expect(xi).toBeCloseTo(expectedC[p] * s16[i], 9));
      const lambda = 1 - leak + leak * g * (1 - expectedC[p] ** 2);
      expect(point.maxModulus).toBeCloseTo(lambda, 9);
      expect(point.stable).toBe(p !== 1);
    });
    // The slowest mode of an attractor points along m (= s16 up to sign).
    const slow = byMean[2].slowModes[0];
    const overlap = slow.vectorRe.reduce((sum, v, i) => sum + (v * s16[i]) / 4, 0);
    expect(Math.abs(overlap)).toBeCloseTo(1, 8);
  });
});

describe('FixedPointFinder on a rank-2 network', () => {
  it('find() recovers the 9 fixed points of two bistable directions: 4 stable, 4 saddles, 1 source', () => {
    // With a = κ1 + κ2, b = κ1 − κ2 the equations decouple into a = g tanh a, b = g tanh b, so
    // x = tanh(s κ1 + t κ2) for a, b ∈ {0, ±a*}; J's eigenvalues are 1 − leak + leak g (1 − tanh²)
    // of a and of b.
    const g = 1.8;
    const leak = 0.3;
    const sys = patternSystem([s16, t16], g, leak);
    const initial = sampleInitialStates([], 16, 120, createRandom(3), 1.2);
    const search = new FixedPointFinder().find(sys, undefined, initial);
    expect(search.fixedPoints).toHaveLength(9);
    const aStar = g * tanhRoot(g);
    const values = [-aStar, 0, aStar];
    for (const a of values) {
      for (const b of values) {
        const k1 = (a + b) / 2;
        const k2 = (a - b) / 2;
        const target = s16.map((si, i) => Math.tanh(si * k1 + t16[i] * k2));
        const match = search.fixedPoints.find((p) => p.x.every((xi, i) => Math.abs(xi - target[i]) < 1e-7));
        expect(match, `fixed point a=${a.toFixed(3)} b=${b.toFixed(3)}`).toBeDefined();
        expect(match!.q).toBeLessThan(1e-20);
        expect(match!.stable).toBe(a !== 0 && b !== 0);
        const lambda = (z: number) => 1 - leak + leak * g * (1 - Math.tanh(z) ** 2);
        expect(match!.maxModulus).toBeCloseTo(Math.max(lambda(a), lambda(b)), 8);
        // F(x*) = x*, checked with the map itself.
        stepDynamics(sys, match!.x).forEach((fi, i) => expect(fi).toBeCloseTo(match!.x[i], 10));
      }
    }
  });

  it('find() with an input drive shifts the fixed point to solve x = tanh(W x + W_in u)', () => {
    const N = 16;
    const sys0 = patternSystem([s16], 0.5, 1);
    const sys = createLowRankSystem({ A: sys0.A, B: sys0.B, nHidden: N, leak: 1, inputWeights: s16.map((v) => 0.3 * v), nInputs: 1 });
    const { fixedPoints } = new FixedPointFinder().find(sys, [1], sampleInitialStates([], N, 10, createRandom(4), 0.5));
    expect(fixedPoints).toHaveLength(1);
    // x = c s with c = tanh(0.5 c + 0.3): check the scalar equation.
    const c = fixedPoints[0].x[0];
    expect(c).toBeCloseTo(Math.tanh(0.5 * c + 0.3), 12);
  });
});

describe('FixedPointFinder options', () => {
  it('rejects a bad option, naming the field and the allowed range', () => {
    expect(() => new FixedPointFinder({ maxIterations: -1 })).toThrow('options.maxIterations must be an integer in [0, 10000000], got -1');
    expect(() => new FixedPointFinder({ learningRate: 0 })).toThrow('options.learningRate must be a finite number > 0, got 0');
  });

  it('maxIterations 0 and newtonSteps 0 leave points unconverged, which maxQ then drops as slow', () => {
    const sys = patternSystem([s16], 2, 0.2);
    const search = new FixedPointFinder({ maxIterations: 0, newtonSteps: 0 }).find(sys, undefined, sampleInitialStates([], 16, 5, createRandom(5), 1));
    expect(search.fixedPoints).toHaveLength(0);
    expect(search.nSlowDropped).toBe(5);
  });

  it('Newton steps alone (maxIterations 0, the k×k Woodbury solve) converge quadratically to ±c*·s from 5% away, saddles as well as attractors', () => {
    const c = tanhRoot(2);
    const sys = patternSystem([s16], 2, 0.2);
    for (const sign of [1, -1]) {
      const start = s16.map((v) => sign * 1.05 * c * v);
      const search = new FixedPointFinder({ maxIterations: 0, newtonSteps: 8, maxQ: 1e-28 }).find(sys, undefined, start);
      expect(search.fixedPoints).toHaveLength(1);
      expect(search.fixedPoints[0].x[0]).toBeCloseTo(sign * c * s16[0], 14);
    }
    // The origin is unstable for g = 2 (1 − leak + leak g = 1.2): Newton reaches it from nearby too.
    const origin = new FixedPointFinder({ maxIterations: 0, newtonSteps: 8, maxQ: 1e-28 }).find(sys, undefined, s16.map((v) => 0.01 * v));
    expect(origin.fixedPoints.map((p) => [Math.abs(p.x[0]) < 1e-14, p.stable])).toEqual([[true, false]]);
  });

  it('outlierDistanceScale drops fixed points far from the initial cloud', () => {
    const sys = patternSystem([s16], 2, 0.2);
    // A tight cloud around +c*·s: the other two fixed points are outside 1.5 radii.
    const c = tanhRoot(2);
    const near = sampleInitialStates(s16.map((v) => c * v), 16, 8, createRandom(6), 0.01);
    const search = new FixedPointFinder({ outlierDistanceScale: 1.5 }).find(sys, undefined, near);
    expect(search.fixedPoints).toHaveLength(1);
    expect(search.fixedPoints[0].x[0]).toBeCloseTo(c, 9);
    expect(search.nDuplicates).toBe(7);
  });
});


describe('DynamicsAnalyzer', () => {
  it('trialTypeConditions(type) encodes every (action, [state], reward) as the next-trial input', () => {
    const reversal = trialTypeConditions(TaskType.REVERSAL);
    expect(reversal.map((c) => c.label)).toEqual(['a0r0', 'a0r1', 'a1r0', 'a1r1']);
    expect(Array.from(reversal[3].input)).toEqual([0, 1, 1, 1]);
    const twoStage = trialTypeConditions(TaskType.TWO_STAGE);
    expect(twoStage).toHaveLength(8);
    expect(twoStage[3].label).toBe('a0s1r1');
    expect(Array.from(twoStage[3].input)).toEqual([1, 0, 0, 1, 1, 1]);
  });

  it('fixedPointsByCondition() finds one attractor per previous action, on the side of that action', () => {
    // Bistable rank-1 memory (g = 2) whose input pushes along ±s by previous action: the drive
    // (±1) is strong enough that c = tanh(2c ± 1) has a single root.
    const N = 16;
    const base = patternSystem([s16], 2, 0.2);
    const inputWeights = new Float64Array(N * 4);
    s16.forEach((si, i) => {
      inputWeights[i * 4] = -si;
      inputWeights[i * 4 + 1] = si;
    });
    const sys = createLowRankSystem({ A: base.A, B: base.B, nHidden: N, leak: 0.2, inputWeights, nInputs: 4 });
    // Initial states from a real trajectory of the map under alternating inputs.
    const conditions = trialTypeConditions(TaskType.REVERSAL);
    const trajectory: number[] = [];
    let h: Float64Array<ArrayBufferLike> = new Float64Array(N);
    for (let t = 0; t < 40; t++) {
      h = stepDynamics(sys, h, conditions[t % 4].input);
      trajectory.push(...h);
    }
    const analyzer = new DynamicsAnalyzer({ rng: createRandom(7), nInitialStates: 24, noiseSd: 0.3 });
    const results = analyzer.fixedPointsByCondition(sys, conditions, trajectory);
    for (const result of results) {
      expect(result.fixedPoints, result.label).toHaveLength(1);
      expect(result.nStable).toBe(1);
      const c = result.fixedPoints[0].x[0];
      expect(Math.sign(c)).toBe(result.label.startsWith('a1') ? 1 : -1);
      expect(c).toBeCloseTo(Math.tanh(2 * c + Math.sign(c)), 10);
    }
  });

  it('trackLeadingEigenvalues() follows eig(W) = g and the Jacobian at the attractor across checkpoints', () => {
    const leak = 0.2;
    const gains = [0.5, 1.5, 2.5];
    const snapshots = gains.map((g) => patternSystem([s16], g, leak));
    const analyzer = new DynamicsAnalyzer({ rng: createRandom(8), nInitialStates: 16, noiseSd: 1 });
    const recurrent = analyzer.trackLeadingEigenvalues(snapshots, { count: 2 });
    recurrent.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.eigenvalues.re[0]).toBeCloseTo(gains[i], 12);
      expect(c.eigenvalues.re[1]).toBeCloseTo(0, 12);
    });
    const atFixedPoints = analyzer.trackLeadingEigenvalues(snapshots, { count: 1, source: 'fixedPoints' });
    atFixedPoints.forEach((c, i) => {
      const g = gains[i];
      const cStar = g > 1 ? tanhRoot(g) : 0;
      expect(c.eigenvalues.re[0]).toBeCloseTo(1 - leak + leak * g * (1 - cStar ** 2), 8);
      expect(c.fixedPoints).toHaveLength(g > 1 ? 3 : 1);
    });
  });
});

describe('dynamics analyses on a BrainInspiredRNN', () => {
  const rnn = new BrainInspiredRNN(createMatureConfig({ nHidden: 24 }), { nInputs: 4, seed: 3 });
  const N = rnn.nHidden;
  const input = trialTypeConditions(TaskType.REVERSAL)[3].input;

  /** One trial of the network's own kernel for one session. */
  function rnnStep(h: Float64Array): Float64Array {
    const state = h.slice();
    rnn.step(state, input, new Float64Array(2), new Float64Array(1));
    return state;
  }

  it('toLowRankSystem(rnn) reproduces rnn.recurrentWeights() and the state update of rnn.step', () => {
    const sys = toLowRankSystem(rnn);
    expect(sys.k).toBe(rnn.config.rank + 1);
    const W = recurrentMatrix(sys);
    const dense = rnn.recurrentWeights();
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) expect(W.get(i, j)).toBeCloseTo(dense.get(i, j), 14);
    const viaFactors = toLowRankSystem({ nHidden: N, leak: rnn.leak, layer: rnn.layer, inputWeights: () => rnn.inputWeights() });
    expect(Array.from(viaFactors.A)).toEqual(Array.from(sys.A));
    const h = Float64Array.from({ length: N }, (_, i) => Math.sin(i));
    const ours = stepDynamics(rnn, h, input);
    rnnStep(h).forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 13));
  });

  it('computeJacobian(rnn, h, u) matches finite differences of rnn.step', () => {
    const h = Float64Array.from({ length: N }, (_, i) => 0.3 * Math.cos(i));
    const J = computeJacobian(rnn, h, input);
    const eps = 1e-6;
    for (let j = 0; j < N; j += 5) {
      const plus = h.slice();
      const minus = h.slice();
      plus[j] += eps;
      minus[j] -= eps;
      const fp = rnnStep(plus);
      const fm = rnnStep(minus);
      for (let i = 0; i < N; i++) expect(J.get(i, j)).toBeCloseTo((fp[i] - fm[i]) / (2 * eps), 7);
    }
  });

  it('FixedPointFinder finds, as a stable fixed point, the state that rnn.step settles into', () => {
    let h: Float64Array<ArrayBufferLike> = new Float64Array(N);
    const trajectory: number[] = [];
    for (let t = 0; t < 400; t++) {
      h = rnnStep(h);
      if (t < 30) trajectory.push(...h);
    }
    const settled = rnnStep(h);
    expect(Math.max(...settled.map((v, i) => Math.abs(v - h[i])))).toBeLessThan(1e-12);
    const analyzer = new DynamicsAnalyzer({ rng: createRandom(12), nInitialStates: 16, noiseSd: 0.05 });
    const [result] = analyzer.fixedPointsByCondition(rnn, [{ label: 'a1r1', input }], trajectory);
    const match = result.fixedPoints.find((p) => p.x.every((v, i) => Math.abs(v - h[i]) < 1e-8));
    expect(match).toBeDefined();
    expect(match!.stable).toBe(true);
    expect(match!.maxModulus).toBeLessThan(1);
  });
});
