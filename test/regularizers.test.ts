import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { createRandom, type Random } from '../src/random.js';
import { ParameterSet } from '../src/model/parameters.js';
import { singularValues } from '../src/metrics/spectrum.js';
import { computeResponseHeterogeneity } from '../src/metrics/responseHeterogeneity.js';
import {
  addLowRankGradients,
  developmentalRegularizers,
  heterogeneityPenalty,
  packLowRankFactors,
  type DevelopmentalRegularizerOptions,
} from '../src/training/regularizers.js';

function gaussianArray(rng: Random, length: number, scale = 1): Float64Array {
  return Float64Array.from({ length }, () => scale * rng.normal());
}

function asMatrix(data: Float64Array, rows: number, cols: number): Matrix {
  return new Matrix(Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols))));
}

/** Central finite differences of f at x, entry by entry (x is restored after each probe). */
function finiteDifferences(f: () => number, x: Float64Array, step = 1e-6): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i];
    x[i] = saved + step;
    const plus = f();
    x[i] = saved - step;
    const minus = f();
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * step);
  }
  return grad;
}

function relativeError(analytic: Float64Array, numeric: Float64Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < analytic.length; i++) {
    diff += (analytic[i] - numeric[i]) ** 2;
    norm += numeric[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

/**
 * The objective whose gradient the regulariser returns, from the full SVD of the materialised
 * matrix, with σ₀ in the spectral target frozen (the reference's `detach`).
 */
function frozenTargetObjective(A: Float64Array, B: Float64Array, N: number, k: number, options: DevelopmentalRegularizerOptions, sigma0: number): number {
  const s = singularValues(asMatrix(A, N, k).mmul(asMatrix(B, N, k).transpose()));
  const sum = s.reduce((t, x) => t + x, 0);
  const sumSq = s.reduce((t, x) => t + x * x, 0);
  let spectral = 0;
  for (let i = 0; i < (options.nSpectral ?? k); i++) spectral += (s[i] - sigma0 * Math.exp(-options.targetGamma * i)) ** 2;
  return options.nuclearWeight * sum + options.effectiveRankWeight * (sum * sum) / (sumSq + 1e-8) + options.spectralWeight * spectral;
}

/** Every term from the full SVD of the materialised N×N matrix, as the PyTorch reference writes them. */
function referenceTerms(A: Float64Array, B: Float64Array, N: number, k: number, gamma: number, nSpectral: number) {
  const s = singularValues(asMatrix(A, N, k).mmul(asMatrix(B, N, k).transpose()));
  const sum = s.reduce((t, x) => t + x, 0);
  const sumSq = s.reduce((t, x) => t + x * x, 0);
  let spectral = 0;
  for (let i = 0; i < nSpectral; i++) spectral += (s[i] - s[0] * Math.exp(-gamma * i)) ** 2;
  return { nuclear: sum, effectiveRank: (sum * sum) / (sumSq + 1e-8), spectral };
}

describe('developmentalRegularizers', () => {
  const options: DevelopmentalRegularizerOptions = { nuclearWeight: 0.3, effectiveRankWeight: 0.7, spectralWeight: 0.5, targetGamma: 0.3 };

  it('developmentalRegularizers terms equal an independent computation from the full SVD of A Bᵀ', () => {
    const rng = createRandom(21);
    const N = 20;
    const k = 6;
    const A = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    const B = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    for (const nSpectral of [k, 3, 0]) {
      const result = developmentalRegularizers(A, B, N, k, { ...options, nSpectral });
      const reference = referenceTerms(A, B, N, k, options.targetGamma, nSpectral);
      expect(result.terms.nuclear).toBeCloseTo(reference.nuclear, 12);
      expect(result.terms.effectiveRank).toBeCloseTo(reference.effectiveRank, 11);
      expect(result.terms.spectral).toBeCloseTo(reference.spectral, 12);
      expect(result.value).toBeCloseTo(0.3 * reference.nuclear + 0.7 * reference.effectiveRank + 0.5 * reference.spectral, 11);
    }
  });

  it('developmentalRegularizers gradients match central finite differences (N = 12, k = 4, each term alone and all together)', () => {
    const rng = createRandom(22);
    const N = 12;
    const k = 4;
    const A = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    const B = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    const cases: DevelopmentalRegularizerOptions[] = [
      { nuclearWeight: 1, effectiveRankWeight: 0, spectralWeight: 0, targetGamma: 0.3 },
      { nuclearWeight: 0, effectiveRankWeight: 1, spectralWeight: 0, targetGamma: 0.3 },
      { nuclearWeight: 0, effectiveRankWeight: 0, spectralWeight: 1, targetGamma: 0.3 },
      { ...options, nSpectral: 2 },
      options,
    ];
    for (const caseOptions of cases) {
      const { gradA, gradB, singularValues: sigma } = developmentalRegularizers(A, B, N, k, caseOptions);
      const value = () => frozenTargetObjective(A, B, N, k, caseOptions, sigma[0]);
      expect(relativeError(gradA, finiteDifferences(value, A))).toBeLessThan(1e-5);
      expect(relativeError(gradB, finiteDifferences(value, B))).toBeLessThan(1e-5);
    }
  });

  it('developmentalRegularizers gradients match finite differences at the training size (N = 32, k = 9)', () => {
    const rng = createRandom(23);
    const N = 32;
    const k = 9;
    const A = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    const B = gaussianArray(rng, N * k, 1 / Math.sqrt(N));
    const weights = { nuclearWeight: 1e-3, effectiveRankWeight: 1e-3, spectralWeight: 1e-2, targetGamma: 0.2 };
    const { gradA, gradB, singularValues: sigma } = developmentalRegularizers(A, B, N, k, weights);
    for (let i = 1; i < k; i++) expect(sigma[i - 1] - sigma[i]).toBeGreaterThan(1e-3);
    const value = () => frozenTargetObjective(A, B, N, k, weights, sigma[0]);
    expect(relativeError(gradA, finiteDifferences(value, A))).toBeLessThan(1e-5);
    expect(relativeError(gradB, finiteDifferences(value, B))).toBeLessThan(1e-5);
  });

  it('developmentalRegularizers holds σ₀ of the spectral target constant, so its gradient is not d value / dA', () => {
    const rng = createRandom(27);
    const A = gaussianArray(rng, 40);
    const B = gaussianArray(rng, 40);
    const spectralOnly = { nuclearWeight: 0, effectiveRankWeight: 0, spectralWeight: 1, targetGamma: 0.4 };
    const { gradA, singularValues: sigma } = developmentalRegularizers(A, B, 10, 4, spectralOnly);
    const fullDerivative = finiteDifferences(() => developmentalRegularizers(A, B, 10, 4, spectralOnly).value, A);
    const frozenDerivative = finiteDifferences(() => frozenTargetObjective(A, B, 10, 4, spectralOnly, sigma[0]), A);
    expect(relativeError(gradA, frozenDerivative)).toBeLessThan(1e-5);
    expect(relativeError(gradA, fullDerivative)).toBeGreaterThan(1e-2);
  });

  it('developmentalRegularizers reads Float32Array factors and leaves its inputs untouched', () => {
    const rng = createRandom(24);
    const A = Float32Array.from(gaussianArray(rng, 30));
    const B = Float32Array.from(gaussianArray(rng, 30));
    const before = Array.from(A);
    const result = developmentalRegularizers(A, B, 10, 3, options);
    expect(Array.from(A)).toEqual(before);
    const reference = developmentalRegularizers(Float64Array.from(A), Float64Array.from(B), 10, 3, options);
    expect(result.value).toBe(reference.value);
  });

  it('developmentalRegularizers rejects bad sizes and options, naming the field', () => {
    const A = new Float64Array(12);
    expect(() => developmentalRegularizers(A, A, 3, 5, options)).toThrow(/k must be an integer in \[1, 3\], got 5/);
    expect(() => developmentalRegularizers(A, A, 4, 3, { ...options, nSpectral: 4 })).toThrow(/nSpectral must be an integer in \[0, 3\], got 4/);
    expect(() => developmentalRegularizers(A, new Float64Array(11), 4, 3, options)).toThrow(/B must have rows × cols = 4 × 3 = 12 entries, got 11/);
    expect(() => developmentalRegularizers(A, A, 4, 3, { ...options, targetGamma: Number.NaN })).toThrow(/targetGamma must be a finite number, got NaN/);
  });
});

describe('packLowRankFactors / addLowRankGradients', () => {
  const N = 6;
  const rank = 2;
  const spec = [
    { name: 'm', shape: [N] },
    { name: 'n', shape: [N] },
    { name: 'M', shape: [N, rank] },
    { name: 'N', shape: [N, rank] },
    { name: 'W_in', shape: [N, 3] },
  ];

  it('packLowRankFactors(parameters) gives A Bᵀ = m nᵀ + M Nᵀ', () => {
    const parameters = new ParameterSet(spec);
    parameters.data.set(gaussianArray(createRandom(25), parameters.size));
    const { A, B, nHidden, k } = packLowRankFactors(parameters);
    expect([nHidden, k]).toEqual([N, rank + 1]);
    const m = asMatrix(Float64Array.from(parameters.view('m')), N, 1);
    const n = asMatrix(Float64Array.from(parameters.view('n')), N, 1);
    const M = asMatrix(Float64Array.from(parameters.view('M')), N, rank);
    const bigN = asMatrix(Float64Array.from(parameters.view('N')), N, rank);
    const expected = m.mmul(n.transpose()).add(M.mmul(bigN.transpose()));
    const packed = asMatrix(A, N, k).mmul(asMatrix(B, N, k).transpose());
    expect(packed.sub(expected).abs().max()).toBeLessThan(1e-14);
  });

  it('addLowRankGradients(gradients, gradA, gradB, scale) adds into m, n, M, N in the packed layout', () => {
    const parameters = new ParameterSet(spec);
    parameters.data.set(gaussianArray(createRandom(26), parameters.size));
    const { A, B } = packLowRankFactors(parameters);
    const gradients = parameters.zerosLike();
    gradients.view('W_in').fill(7);
    addLowRankGradients(gradients, A, B, 2);
    addLowRankGradients(gradients, A, B);
    for (const name of ['m', 'n', 'M', 'N']) {
      const got = Array.from(gradients.view(name));
      Array.from(parameters.view(name)).forEach((x, i) => expect(got[i]).toBeCloseTo(3 * x, 14));
    }
    expect(Array.from(gradients.view('W_in')).every((x) => x === 7)).toBe(true);
    expect(() => addLowRankGradients(gradients, A.subarray(1), B)).toThrow(/gradA and gradB must have N×k = 18 entries, got 17 and 18/);
  });
});

describe('heterogeneityPenalty', () => {
  const N = 7;
  const nIn = 3;
  const count = 5;
  const leak = 0.2;

  function setup(seed: number) {
    const rng = createRandom(seed);
    const activations = Float64Array.from({ length: count * N }, () => Math.tanh(rng.normal()));
    const inputWeights = gaussianArray(rng, N * nIn);
    return { activations, inputWeights };
  }

  it('heterogeneityPenalty value is the mean over rows of the population variance of rᵢ = leak (1 − xᵢ²) ‖W_in[i,:]‖', () => {
    const { activations, inputWeights } = setup(31);
    let expected = 0;
    for (let s = 0; s < count; s++) {
      const r = Array.from({ length: N }, (_, i) => {
        const norm = Math.hypot(...inputWeights.subarray(i * nIn, (i + 1) * nIn));
        return leak * (1 - activations[s * N + i] ** 2) * norm;
      });
      const mean = r.reduce((a, b) => a + b, 0) / N;
      expected += r.reduce((a, b) => a + (b - mean) ** 2, 0) / N / count;
    }
    expect(heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak).value).toBeCloseTo(expected, 15);
  });

  it('heterogeneityPenalty equals computeResponseHeterogeneity at the tanh outputs of the same states', () => {
    const rng = createRandom(32);
    const W = new Matrix(Array.from({ length: N }, () => Array.from(gaussianArray(rng, N, 0.4))));
    const Win = gaussianArray(rng, N * nIn);
    const states = new Matrix(Array.from({ length: count }, () => Array.from(gaussianArray(rng, N))));
    const inputs = new Matrix(Array.from({ length: count }, () => Array.from(gaussianArray(rng, nIn))));
    const model = { nHidden: N, nInputs: nIn, leak, recurrentWeights: () => W, inputWeights: () => asMatrix(Win, N, nIn) };
    const drive = states.mmul(W.transpose()).add(inputs.mmul(asMatrix(Win, N, nIn).transpose()));
    const activations = Float64Array.from(drive.to1DArray(), Math.tanh);
    const metric = computeResponseHeterogeneity(model, states, inputs).heterogeneity;
    expect(heterogeneityPenalty(activations, count, N, Win, nIn, leak).value).toBeCloseTo(metric, 14);
  });

  it('heterogeneityPenalty gradients match central finite differences', () => {
    const { activations, inputWeights } = setup(33);
    const { dActivations, dInputWeights } = heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak);
    const value = () => heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak).value;
    expect(relativeError(dActivations, finiteDifferences(value, activations))).toBeLessThan(1e-5);
    expect(relativeError(dInputWeights, finiteDifferences(value, inputWeights))).toBeLessThan(1e-5);
  });

  it('heterogeneityPenalty gives a zero gradient for a zero row of W_in and exact gradients elsewhere', () => {
    const { activations, inputWeights } = setup(34);
    inputWeights.fill(0, 2 * nIn, 3 * nIn);
    const { dInputWeights, dActivations } = heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak);
    expect(Array.from(dInputWeights.subarray(2 * nIn, 3 * nIn))).toEqual([0, 0, 0]);
    for (let s = 0; s < count; s++) expect(Math.abs(dActivations[s * N + 2])).toBe(0);
    const value = () => heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak).value;
    const numeric = finiteDifferences(value, inputWeights);
    for (let i = 0; i < N; i++) {
      if (i === 2) continue;
      for (let j = 0; j < nIn; j++) expect(dInputWeights[i * nIn + j]).toBeCloseTo(numeric[i * nIn + j], 8);
    }
  });

  it('heterogeneityPenalty rejects bad sizes and leak, naming them', () => {
    const { activations, inputWeights } = setup(35);
    expect(() => heterogeneityPenalty(activations, count + 1, N, inputWeights, nIn, leak)).toThrow(/activations must have rows × cols = 6 × 7 = 42 entries, got 35/);
    expect(() => heterogeneityPenalty(activations, count, N, inputWeights, nIn, 1.5)).toThrow(/leak must be a number in \(0, 1\], got 1.5/);
    expect(() => heterogeneityPenalty(activations, 0, N, inputWeights, nIn, leak)).toThrow(/count must be an integer >= 1, got 0/);
  });
});
