import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { createRandom, type Random } from '../src/random.js';
import { ParameterSet } from '../src/model/parameters.js';
import { createLowRankSystem, recurrentMatrix, stepDynamics, toLowRankSystem, type LowRankSystem } from '../src/analysis/lowRankSystem.js';
import { computeJacobian, jacobianEigenvalues, recurrentEigenvalues } from '../src/analysis/jacobian.js';
import { eigenModes, matrixEigenvalues, type ComplexSpectrum } from '../src/analysis/eigenSpectrum.js';

function randomSystem(rng: Random, N: number, k: number, nInputs: number, leak: number, gain = 1.5): LowRankSystem {
  const draw = (n: number, sd: number) => Float64Array.from({ length: n }, () => sd * rng.normal());
  return createLowRankSystem({
    A: draw(N * k, gain),
    B: draw(N * k, gain / Math.sqrt(N)),
    nHidden: N,
    leak,
    inputWeights: draw(N * nInputs, 1),
    nInputs,
  });
}

/** Every eigenvalue of `a` has a partner in `b` within tol (greedy one-to-one matching). */
function expectSameSpectrum(a: ComplexSpectrum, b: ComplexSpectrum, tol: number): void {
  expect(a.re.length).toBe(b.re.length);
  const used = new Uint8Array(b.re.length);
  for (let i = 0; i < a.re.length; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < b.re.length; j++) {
      const d = Math.hypot(a.re[i] - b.re[j], a.im[i] - b.im[j]);
      if (!used[j] && d < bestDistance) [best, bestDistance] = [j, d];
    }
    expect(bestDistance).toBeLessThan(tol);
    used[best] = 1;
  }
}

describe('computeJacobian', () => {
  it('computeJacobian(sys, h, u) matches central finite differences of stepDynamics', () => {
    const rng = createRandom(11);
    const sys = randomSystem(rng, 12, 3, 4, 0.3);
    const h = Float64Array.from({ length: 12 }, () => 0.5 * rng.normal());
    const u = Float64Array.of(0, 1, 1, 1);
    const J = computeJacobian(sys, h, u);
    const eps = 1e-6;
    for (let j = 0; j < 12; j++) {
      const plus = h.slice();
      const minus = h.slice();
      plus[j] += eps;
      minus[j] -= eps;
      const fp = stepDynamics(sys, plus, u);
      const fm = stepDynamics(sys, minus, u);
      for (let i = 0; i < 12; i++) expect(J.get(i, j)).toBeCloseTo((fp[i] - fm[i]) / (2 * eps), 8);
    }
  });

  it('computeJacobian rejects a state of the wrong length, naming the expected size', () => {
    const sys = randomSystem(createRandom(1), 5, 2, 0, 1);
    expect(() => computeJacobian(sys, new Float64Array(4))).toThrow('h must have length nHidden = 5, got 4');
  });
});

describe('jacobianEigenvalues', () => {
  it('jacobianEigenvalues(sys, h, u) equals the full eigen-decomposition of the materialised J', () => {
    const rng = createRandom(5);
    for (const [N, k, leak] of [[16, 4, 0.2], [9, 3, 1], [20, 6, 0.7]] as const) {
      const sys = randomSystem(rng, N, k, 4, leak, 2.5);
      const h = Float64Array.from({ length: N }, () => 0.3 * rng.normal());
      const u = Float64Array.of(1, 0, 1, 1);
      const low = jacobianEigenvalues(sys, h, u);
      const full = matrixEigenvalues(computeJacobian(sys, h, u));
      expectSameSpectrum(low, full, 1e-9);
      expect(low.modulus[0]).toBeCloseTo(full.modulus[0], 10);
      // N − k eigenvalues sit exactly at 1 − leak.
      expect(Array.from(low.re).filter((re, i) => re === 1 - leak && low.im[i] === 0).length).toBeGreaterThanOrEqual(N - k);
    }
  });

  it('jacobianEigenvalues reports complex pairs for a rotational rank-2 network', () => {
    // W = ω (t sᵀ − s tᵀ)/N with orthogonal ±1 patterns s, t: eig(W) = ±iω, so at h = 0 the
    // Jacobian has λ = (1 − leak) ± i·leak·ω.
    const N = 8;
    const s = [1, 1, 1, 1, -1, -1, -1, -1];
    const t = [1, -1, 1, -1, 1, -1, 1, -1];
    const omega = 0.8;
    const leak = 0.5;
    const A = new Float64Array(N * 2);
    const B = new Float64Array(N * 2);
    for (let i = 0; i < N; i++) {
      A[i * 2] = t[i];
      B[i * 2] = (omega * s[i]) / N;
      A[i * 2 + 1] = -s[i];
      B[i * 2 + 1] = (omega * t[i]) / N;
    }
    const sys = createLowRankSystem({ A, B, nHidden: N, leak });
    const { re, im } = jacobianEigenvalues(sys, new Float64Array(N));
    expect(re[0]).toBeCloseTo(1 - leak, 12);
    expect(im[0]).toBeCloseTo(leak * omega, 12);
    expect(im[1]).toBeCloseTo(-leak * omega, 12);
    const w = recurrentEigenvalues(sys);
    expect(w.re[0]).toBeCloseTo(0, 12);
    expect(Math.abs(w.im[0])).toBeCloseTo(omega, 12);
  });
});

describe('recurrentEigenvalues and eigenModes', () => {
  it('recurrentEigenvalues(sys) equals the eigenvalues of the materialised W = A Bᵀ', () => {
    const sys = randomSystem(createRandom(9), 14, 5, 0, 0.2, 2);
    expectSameSpectrum(recurrentEigenvalues(sys), matrixEigenvalues(recurrentMatrix(sys)), 1e-9);
  });

  it('eigenModes(J) returns unit vectors with J v = λ v, complex pairs included', () => {
    const rng = createRandom(21);
    const sys = randomSystem(rng, 10, 4, 0, 0.6, 3);
    const J = computeJacobian(sys, Float64Array.from({ length: 10 }, () => 0.2 * rng.normal()));
    const modes = eigenModes(J);
    expect(modes.some((m) => m.im !== 0)).toBe(true);
    for (const { re, im, vectorRe, vectorIm } of modes) {
      const jr = J.mmul(Matrix.columnVector(Array.from(vectorRe))).to1DArray();
      const ji = J.mmul(Matrix.columnVector(Array.from(vectorIm))).to1DArray();
      let norm = 0;
      for (let i = 0; i < 10; i++) {
        norm += vectorRe[i] ** 2 + vectorIm[i] ** 2;
        expect(jr[i]).toBeCloseTo(re * vectorRe[i] - im * vectorIm[i], 9);
        expect(ji[i]).toBeCloseTo(re * vectorIm[i] + im * vectorRe[i], 9);
      }
      expect(norm).toBeCloseTo(1, 12);
    }
  });
});

describe('toLowRankSystem', () => {
  it('toLowRankSystem(model) reads A = [m | M], B = [n | N] and W_in from the ParameterSet views', () => {
    const N = 4;
    const r = 2;
    const params = new ParameterSet([
      { name: 'm', shape: [N] },
      { name: 'n', shape: [N] },
      { name: 'M', shape: [N, r] },
      { name: 'N', shape: [N, r] },
      { name: 'W_in', shape: [N, 3] },
    ]);
    params.data.forEach((_, i) => (params.data[i] = i + 1));
    const sys = toLowRankSystem({ nHidden: N, config: { leak: 0.25 }, parameters: params });
    expect(sys.k).toBe(3);
    expect(sys.leak).toBe(0.25);
    expect(Array.from(sys.A.subarray(0, 3))).toEqual([1, 9, 10]); // m[0], M[0, 0], M[0, 1]
    expect(Array.from(sys.B.subarray(3, 6))).toEqual([6, 19, 20]); // n[1], N[1, 0], N[1, 1]
    expect(sys.nInputs).toBe(3);
    const W = recurrentMatrix(sys);
    expect(W.get(0, 1)).toBe(1 * 6 + 9 * 19 + 10 * 20);
  });

  it('createLowRankSystem rejects a leak outside (0, 1]', () => {
    expect(() => createLowRankSystem({ A: [1, 1], B: [1, 1], nHidden: 2, leak: 0 })).toThrow('leak must be a number in (0, 1], got 0');
  });
});
