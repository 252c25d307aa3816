import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { createRandom, type Random } from '../src/random.js';
import { rowMajor, toMatrix, toRowMajor } from '../src/metrics/matrixInput.js';
import { lowRankSpectrum, singularValues } from '../src/metrics/spectrum.js';
import { computeEffectiveRank, effectiveRankFromSingularValues } from '../src/metrics/effectiveRank.js';
import { nuclearNorm, nuclearNormFromSingularValues } from '../src/metrics/nuclearNorm.js';
import { svDecayGamma, svDecayGammaFromSingularValues } from '../src/metrics/svDecayGamma.js';
import { activityDimensionality } from '../src/metrics/activityDimensionality.js';
import { computeResponseHeterogeneity, type LeakyTanhModel } from '../src/metrics/responseHeterogeneity.js';

function gaussian(rng: Random, rows: number, cols: number, scale = 1): Matrix {
  const out = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.set(i, j, scale * rng.normal());
  return out;
}

/** Singular values from the eigenvalues of WᵀW: independent of the SVD code path. */
function singularValuesFromGram(W: Matrix): number[] {
  const evd = new EigenvalueDecomposition(W.transpose().mmul(W), { assumeSymmetric: true });
  return evd.realEigenvalues.map((l) => Math.sqrt(Math.max(0, l))).sort((a, b) => b - a);
}

function maxAbs(m: Matrix): number {
  return Math.max(...m.to1DArray().map(Math.abs));
}

/** Orthonormal n×n matrix from the QR of a Gaussian matrix. */
function randomOrthogonal(rng: Random, n: number): Matrix {
  return new QrDecomposition(gaussian(rng, n, n)).orthogonalMatrix;
}

describe('singularValues', () => {
  it('singularValues(W) returns |diagonal| in descending order for a diagonal matrix', () => {
    expect(Array.from(singularValues([[3, 0], [0, -4]]))).toEqual([4, 3]);
  });

  it('singularValues(W) agrees with the square roots of the eigenvalues of WᵀW', () => {
    const W = gaussian(createRandom(1), 10, 10);
    const values = singularValues(W);
    const reference = singularValuesFromGram(W);
    for (let i = 0; i < 10; i++) expect(values[i]).toBeCloseTo(reference[i], 6);
    for (let i = 1; i < 10; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  it('singularValues(W) handles a wide matrix (min(rows, cols) values)', () => {
    const W = gaussian(createRandom(2), 3, 7);
    const values = singularValues(W);
    expect(values.length).toBe(3);
    const frobenius = W.to1DArray().reduce((s, x) => s + x * x, 0);
    expect(values.reduce((s, x) => s + x * x, 0)).toBeCloseTo(frobenius, 10);
  });
});

describe('lowRankSpectrum', () => {
  const N = 24;
  const k = 5;
  const rng = createRandom(3);
  const A = gaussian(rng, N, k, 1 / Math.sqrt(N));
  const B = gaussian(rng, N, k, 1 / Math.sqrt(N));
  const W = A.mmul(B.transpose());

  it('lowRankSpectrum(A, B) values equal the leading singular values of the materialised A Bᵀ', () => {
    const { values } = lowRankSpectrum(A, B);
    const full = singularValues(W);
    expect(values.length).toBe(k);
    for (let i = 0; i < k; i++) expect(Math.abs(values[i] - full[i]) / full[i]).toBeLessThan(1e-10);
    for (let i = k; i < N; i++) expect(full[i]).toBeLessThan(1e-12);
  });

  it('lowRankSpectrum(A, B) vectors are orthonormal and U diag(S) Vᵀ reconstructs A Bᵀ', () => {
    const { values, left, right } = lowRankSpectrum(A, B);
    const rebuilt = left.mmul(Matrix.diag(Array.from(values))).mmul(right.transpose());
    expect(maxAbs(rebuilt.sub(W))).toBeLessThan(1e-13);
    expect(maxAbs(left.transpose().mmul(left).sub(Matrix.eye(k)))).toBeLessThan(1e-13);
    expect(maxAbs(right.transpose().mmul(right).sub(Matrix.eye(k)))).toBeLessThan(1e-13);
    // Each pair satisfies W vᵢ = σᵢ uᵢ.
    const Wv = W.mmul(right);
    for (let i = 0; i < k; i++) {
      for (let r = 0; r < N; r++) expect(Wv.get(r, i)).toBeCloseTo(values[i] * left.get(r, i), 12);
    }
  });

  it('lowRankSpectrum(A, B) gives the same values for Matrix, number[][] and row-major input', () => {
    const fromMatrix = lowRankSpectrum(A, B).values;
    const fromArrays = lowRankSpectrum(A.to2DArray(), B.to2DArray()).values;
    const fromRowMajor = lowRankSpectrum(rowMajor(toRowMajor(A), N, k), rowMajor(toRowMajor(B), N, k)).values;
    expect(Array.from(fromArrays)).toEqual(Array.from(fromMatrix));
    expect(Array.from(fromRowMajor)).toEqual(Array.from(fromMatrix));
  });

  it('lowRankSpectrum(A, B) returns exact zeros for a rank-deficient factor', () => {
    const deficient = A.clone();
    deficient.setColumn(4, new Array(N).fill(0));
    const { values } = lowRankSpectrum(deficient, B);
    expect(values[4]).toBeLessThan(1e-15);
    expect(values[3]).toBeGreaterThan(1e-3);
  });

  it('lowRankSpectrum(A, B) rejects mismatched shapes and more columns than rows', () => {
    expect(() => lowRankSpectrum(A, gaussian(rng, N, k + 1))).toThrow(/B must have the shape of A \(24×5\), got 24×6/);
    expect(() => lowRankSpectrum(gaussian(rng, 3, 4), gaussian(rng, 3, 4))).toThrow(/between 1 and 3 .* columns, got 4/);
    expect(() => lowRankSpectrum(rowMajor(new Float64Array(6), 2, 3), B)).toThrow();
    expect(() => toMatrix({ data: new Float64Array(5), rows: 2, cols: 3 }, 'A')).toThrow(/A must have rows × cols = 2 × 3 = 6 entries, got 5/);
    expect(() => toMatrix([[1, 2], [3]], 'W')).toThrow(/W\[1\] must be an array of 2 numbers/);
  });
});

describe('computeEffectiveRank', () => {
  it('computeEffectiveRank(W) equals the participation ratio of its singular values', () => {
    const W = gaussian(createRandom(4), 12, 12);
    const sigma = singularValuesFromGram(W);
    const sum = sigma.reduce((s, x) => s + x, 0);
    const sumSq = sigma.reduce((s, x) => s + x * x, 0);
    expect(computeEffectiveRank(W)).toBeCloseTo((sum * sum) / sumSq, 8);
  });

  it('computeEffectiveRank(W) is r for r equal singular values and 1 for rank one', () => {
    expect(computeEffectiveRank([[2, 0, 0, 0], [0, -2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]])).toBeCloseTo(3, 12);
    expect(computeEffectiveRank([[1, 2], [2, 4]])).toBeCloseTo(1, 12);
    expect(effectiveRankFromSingularValues([1, 1, 0])).toBe(2);
  });

  it('computeEffectiveRank(W) is 0 for the zero matrix and is scale invariant', () => {
    expect(computeEffectiveRank([[0, 0], [0, 0]])).toBe(0);
    expect(effectiveRankFromSingularValues([])).toBe(0);
    const W = gaussian(createRandom(5), 6, 6);
    expect(computeEffectiveRank(W.clone().mul(7.5))).toBeCloseTo(computeEffectiveRank(W), 10);
  });

  it('effectiveRankFromSingularValues(lowRankSpectrum) equals computeEffectiveRank of the materialised matrix', () => {
    const rng = createRandom(6);
    const A = gaussian(rng, 16, 4);
    const B = gaussian(rng, 16, 4);
    const fromFactors = effectiveRankFromSingularValues(lowRankSpectrum(A, B).values);
    expect(fromFactors).toBeCloseTo(computeEffectiveRank(A.mmul(B.transpose())), 10);
  });
});

describe('nuclearNorm', () => {
  it('nuclearNorm(W) is the sum of |diagonal| for a diagonal matrix', () => {
    expect(nuclearNorm([[3, 0], [0, -4]])).toBeCloseTo(7, 14);
  });

  it('nuclearNorm(W) equals the sum of square roots of the eigenvalues of WᵀW', () => {
    const W = gaussian(createRandom(7), 9, 9);
    const reference = singularValuesFromGram(W).reduce((s, x) => s + x, 0);
    expect(nuclearNorm(W)).toBeCloseTo(reference, 6);
    expect(nuclearNormFromSingularValues(singularValues(W))).toBe(nuclearNorm(W));
  });
});

describe('svDecayGamma', () => {
  const N = 16;
  const rng = createRandom(8);
  const Q1 = randomOrthogonal(rng, N);
  const Q2 = randomOrthogonal(rng, N);
  const sigma = Array.from({ length: N }, (_, i) => 3 * Math.exp(-0.4 * i));
  const W = Q1.mmul(Matrix.diag(sigma)).mmul(Q2.transpose());

  it('svDecayGamma(W) recovers γ = 0.4, c = log 3 and R² = 1 from σᵢ = 3 e^{−0.4 i}', () => {
    const fit = svDecayGamma(W);
    expect(fit.nUsed).toBe(N);
    expect(fit.gamma).toBeCloseTo(0.4, 10);
    expect(fit.intercept).toBeCloseTo(Math.log(3), 10);
    expect(fit.rSquared).toBeCloseTo(1, 12);
  });

  it('svDecayGamma(W, { maxValues }) fits only the leading values', () => {
    const fit = svDecayGamma(W, { maxValues: 5 });
    expect(fit.nUsed).toBe(5);
    expect(fit.gamma).toBeCloseTo(0.4, 10);
  });

  it('svDecayGamma(W) leaves out the numerical zeros of a low-rank matrix', () => {
    const lowRank = Q1.subMatrix(0, N - 1, 0, 2).mmul(Matrix.diag(sigma.slice(0, 3))).mmul(Q2.subMatrix(0, N - 1, 0, 2).transpose());
    const fit = svDecayGamma(lowRank);
    expect(fit.nUsed).toBe(3);
    expect(fit.gamma).toBeCloseTo(0.4, 8);
    expect(svDecayGamma(lowRank, { relativeThreshold: 0.5 }).nUsed).toBe(2);
  });

  it('svDecayGammaFromSingularValues matches the closed-form least-squares fit', () => {
    // log σ = [0, −1, −1] at i = [0, 1, 2]: slope −1/2, intercept −1/6, R² = 1 − (1/6)/(2/3) = 3/4.
    const fit = svDecayGammaFromSingularValues([1, Math.exp(-1), Math.exp(-1)]);
    expect(fit.gamma).toBeCloseTo(0.5, 14);
    expect(fit.intercept).toBeCloseTo(-1 / 6, 14);
    expect(fit.rSquared).toBeCloseTo(0.75, 14);
  });

  it('svDecayGamma returns NaN with nUsed below 2 values, and R² = 1 for a flat spectrum', () => {
    const rankOne = svDecayGamma([[1, 2], [2, 4]]);
    expect(rankOne.nUsed).toBe(1);
    expect(rankOne.gamma).toBeNaN();
    expect(rankOne.rSquared).toBeNaN();
    expect(svDecayGammaFromSingularValues([0, 0]).nUsed).toBe(0);
    const flat = svDecayGammaFromSingularValues([2, 2, 2]);
    expect(flat.gamma).toBeCloseTo(0, 15);
    expect(flat.rSquared).toBe(1);
  });

  it('svDecayGamma rejects a negative threshold, naming it', () => {
    expect(() => svDecayGamma(W, { relativeThreshold: -1 })).toThrow(/relativeThreshold must be a finite number >= 0, got -1/);
    expect(() => svDecayGamma(W, { maxValues: 1.5 })).toThrow(/maxValues must be an integer >= 0, got 1.5/);
  });
});

describe('activityDimensionality', () => {
  /** Eigenvalues of the sample covariance, via ml-matrix's symmetric EVD (the definition). */
  function participationRatioByEigenvalues(H: Matrix): number {
    const centred = H.clone().subRowVector(H.mean('column'));
    const covariance = centred.transpose().mmul(centred).div(H.rows - 1);
    const lambda = new EigenvalueDecomposition(covariance, { assumeSymmetric: true }).realEigenvalues;
    const sum = lambda.reduce((s, x) => s + x, 0);
    return (sum * sum) / lambda.reduce((s, x) => s + x * x, 0);
  }

  it('activityDimensionality(H) equals the participation ratio of the covariance eigenvalues', () => {
    const rng = createRandom(9);
    const H = gaussian(rng, 50, 8).mmul(gaussian(rng, 8, 8));
    expect(activityDimensionality(H)).toBeCloseTo(participationRatioByEigenvalues(H), 10);
  });

  it('activityDimensionality(H) is ≈ d for isotropic Gaussian activity in d of N dimensions', () => {
    const rng = createRandom(10);
    const d = 4;
    const N = 10;
    const embedding = randomOrthogonal(rng, N).subMatrix(0, d - 1, 0, N - 1);
    const H = gaussian(rng, 20000, d).mmul(embedding).addRowVector(new Array(N).fill(0.3));
    expect(Math.abs(activityDimensionality(H) - d)).toBeLessThan(0.05);
  });

  it('activityDimensionality(H) is 1 for activity on a line and 0 for constant activity', () => {
    const rng = createRandom(11);
    const direction = [0.2, -1, 0.5, 3];
    const rows = Array.from({ length: 30 }, () => {
      const t = rng.normal();
      return direction.map((v, j) => 1 + j + t * v);
    });
    expect(activityDimensionality(rows)).toBeCloseTo(1, 12);
    expect(activityDimensionality([[1, 2], [1, 2], [1, 2]])).toBe(0);
  });

  it('activityDimensionality accepts { data, rows, cols } and rejects fewer than 2 samples', () => {
    const rng = createRandom(12);
    const H = gaussian(rng, 20, 5);
    const flat = { data: toRowMajor(H), rows: 20, cols: 5 };
    expect(activityDimensionality(flat)).toBe(activityDimensionality(H));
    expect(() => activityDimensionality([[1, 2, 3]])).toThrow(/H must have at least 2 rows \(samples\), got 1/);
  });
});

describe('computeResponseHeterogeneity', () => {
  const N = 8;
  const nInputs = 3;
  const S = 6;
  const leak = 0.2;
  const rng = createRandom(13);
  const W = gaussian(rng, N, N, 1.2 / Math.sqrt(N));
  const Win = gaussian(rng, N, nInputs);
  const model: LeakyTanhModel = { nHidden: N, nInputs, leak, recurrentWeights: () => W, inputWeights: () => Win };
  const states = gaussian(rng, S, N, 0.5);
  const inputs = gaussian(rng, S, nInputs);

  /** One step h' = (1 − leak) h + leak tanh(W h + W_in u) for one state. */
  function step(h: number[], u: number[]): number[] {
    const drive = W.mmul(Matrix.columnVector(h)).add(Win.mmul(Matrix.columnVector(u))).to1DArray();
    return h.map((hi, i) => (1 - leak) * hi + leak * Math.tanh(drive[i]));
  }

  /** Population variance across units of the row norms of a central finite-difference ∂h'/∂u. */
  function finiteDifferenceHeterogeneity(h: number[], u: number[]): { variance: number; norms: number[] } {
    const eps = 1e-6;
    const squared = new Array(N).fill(0);
    for (let j = 0; j < nInputs; j++) {
      const up = u.slice();
      const down = u.slice();
      up[j] += eps;
      down[j] -= eps;
      const plus = step(h, up);
      const minus = step(h, down);
      for (let i = 0; i < N; i++) squared[i] += ((plus[i] - minus[i]) / (2 * eps)) ** 2;
    }
    const norms = squared.map(Math.sqrt);
    const mean = norms.reduce((s, x) => s + x, 0) / N;
    return { variance: norms.reduce((s, x) => s + (x - mean) ** 2, 0) / N, norms };
  }

  it('computeResponseHeterogeneity matches the variance of finite-difference input-Jacobian row norms', () => {
    const result = computeResponseHeterogeneity(model, states, inputs);
    const meanNorms = new Array(N).fill(0);
    let total = 0;
    for (let s = 0; s < S; s++) {
      const { variance, norms } = finiteDifferenceHeterogeneity(states.getRow(s), inputs.getRow(s));
      expect(Math.abs(result.perState[s] - variance) / variance).toBeLessThan(1e-7);
      norms.forEach((r, i) => (meanNorms[i] += r / S));
      total += variance / S;
    }
    expect(Math.abs(result.heterogeneity - total) / total).toBeLessThan(1e-7);
    for (let i = 0; i < N; i++) expect(result.meanSensitivity[i]).toBeCloseTo(meanNorms[i], 8);
  });

  it('computeResponseHeterogeneity accepts number[][], row-major and bare flat arrays alike', () => {
    const reference = computeResponseHeterogeneity(model, states, inputs).heterogeneity;
    expect(computeResponseHeterogeneity(model, states.to2DArray(), inputs.to2DArray()).heterogeneity).toBe(reference);
    expect(computeResponseHeterogeneity(model, rowMajor(toRowMajor(states), S, N), rowMajor(toRowMajor(inputs), S, nInputs)).heterogeneity).toBe(reference);
    expect(computeResponseHeterogeneity(model, toRowMajor(states), Float32Array.from(toRowMajor(inputs))).perState.length).toBe(S);
  });

  it('computeResponseHeterogeneity is 0 when every unit has the same input sensitivity', () => {
    const uniform: LeakyTanhModel = { ...model, recurrentWeights: () => Matrix.zeros(N, N), inputWeights: () => Matrix.ones(N, nInputs) };
    const { heterogeneity, meanSensitivity } = computeResponseHeterogeneity(uniform, Matrix.zeros(2, N), Matrix.zeros(2, nInputs));
    expect(heterogeneity).toBeLessThan(1e-30);
    expect(meanSensitivity[0]).toBeCloseTo(leak * Math.sqrt(nInputs), 14);
  });

  it('computeResponseHeterogeneity rejects mismatched shapes, naming them', () => {
    expect(() => computeResponseHeterogeneity(model, states, gaussian(rng, S - 1, nInputs))).toThrow(/inputs must have one row per state \(6\), got 5/);
    expect(() => computeResponseHeterogeneity(model, gaussian(rng, S, N + 1), inputs)).toThrow(/states must have 8 columns, got 9/);
    expect(() => computeResponseHeterogeneity(model, new Float64Array(N + 1), inputs)).toThrow(/states must hold whole rows of 8 values, got length 9/);
    expect(() => computeResponseHeterogeneity({ ...model, leak: 0 }, states, inputs)).toThrow(/model.leak must be a number in \(0, 1\], got 0/);
  });
});
