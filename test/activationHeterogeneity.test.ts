import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { createRandom } from '../src/random.js';
import { computeResponseHeterogeneity, type LeakyTanhModel } from '../src/metrics/responseHeterogeneity.js';
import { activationHeterogeneity, inputNormGradient, inputRowNorms } from '../src/metrics/activationHeterogeneity.js';
import { heterogeneityPenalty } from '../src/training/regularizers.js';

describe('activationHeterogeneity', () => {
  const N = 7;
  const nIn = 3;
  const count = 5;
  const leak = 0.3;
  const rng = createRandom(41);
  const activations = Float64Array.from({ length: count * N }, () => Math.tanh(rng.normal()));
  const inputWeights = Float64Array.from({ length: N * nIn }, () => rng.normal());

  /** rᵢ = leak (1 − xᵢ²) ‖W_in[i,:]‖ row by row, with Math.hypot for the norms: no code shared with src/. */
  function directSensitivities(): number[][] {
    return Array.from({ length: count }, (_, s) =>
      Array.from({ length: N }, (_, i) => leak * (1 - activations[s * N + i] ** 2) * Math.hypot(...inputWeights.subarray(i * nIn, (i + 1) * nIn))),
    );
  }

  it('activationHeterogeneity(x) gives each row\'s population variance of rᵢ, and the metric and the penalty both reduce it', () => {
    const inputNorms = inputRowNorms(inputWeights, N, nIn);
    const core = activationHeterogeneity({ activations, count, nHidden: N, inputNorms, leak });
    const direct = directSensitivities();
    const directPerRow = direct.map((r) => {
      const mean = r.reduce((a, b) => a + b, 0) / N;
      return r.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    });
    const directMean = directPerRow.reduce((a, b) => a + b, 0) / count;
    for (let s = 0; s < count; s++) expect(core.perRow[s]).toBeCloseTo(directPerRow[s], 15);
    for (let i = 0; i < N; i++) expect(core.meanSensitivity[i]).toBeCloseTo(direct.reduce((a, r) => a + r[i], 0) / count, 14);
    expect(core.dActivations).toBeUndefined();

    const penalty = heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak).value;
    expect(penalty).toBeCloseTo(directMean, 15);
    // The metric at states whose tanh outputs are x: W = I, h = atanh(x), no input drive.
    const identity: LeakyTanhModel = {
      nHidden: N, nInputs: nIn, leak,
      recurrentWeights: () => Matrix.eye(N, N),
      inputWeights: () => Matrix.from1DArray(N, nIn, Array.from(inputWeights)),
    };
    const metric = computeResponseHeterogeneity(identity, Float64Array.from(activations, Math.atanh), new Float64Array(count * nIn));
    expect(metric.heterogeneity).toBeCloseTo(directMean, 14);
    expect(metric.heterogeneity).toBeCloseTo(penalty, 14);
    for (let s = 0; s < count; s++) expect(metric.perState[s]).toBeCloseTo(core.perRow[s], 14);
  });

  it('activationHeterogeneity gradients, chained through inputNormGradient, are the penalty\'s and match finite differences', () => {
    const inputNorms = inputRowNorms(inputWeights, N, nIn);
    const { dActivations, dInputNorms } = activationHeterogeneity({ activations, count, nHidden: N, inputNorms, leak, gradients: true });
    const penalty = heterogeneityPenalty(activations, count, N, inputWeights, nIn, leak);
    expect(Array.from(dActivations!)).toEqual(Array.from(penalty.dActivations));
    expect(Array.from(inputNormGradient(dInputNorms!, inputWeights, inputNorms, nIn))).toEqual(Array.from(penalty.dInputWeights));
    const meanOf = (norms: Float64Array) => {
      const { perRow } = activationHeterogeneity({ activations, count, nHidden: N, inputNorms: norms, leak });
      return perRow.reduce((a, b) => a + b, 0) / count;
    };
    const eps = 1e-6;
    for (let i = 0; i < N; i++) {
      const up = Float64Array.from(inputNorms);
      const down = Float64Array.from(inputNorms);
      up[i] += eps;
      down[i] -= eps;
      expect(dInputNorms![i]).toBeCloseTo((meanOf(up) - meanOf(down)) / (2 * eps), 8);
    }
  });

  it('inputRowNorms and inputNormGradient follow their closed forms, with 0 for a zero row', () => {
    const weights = Float64Array.of(3, 4, 0, 0);
    const norms = inputRowNorms(weights, 2, 2);
    expect(Array.from(norms)).toEqual([5, 0]);
    expect(Array.from(inputNormGradient(Float64Array.of(2, 7), weights, norms, 2))).toEqual([1.2, 1.6, 0, 0]);
  });

  it('activationHeterogeneity rejects bad sizes and leak, naming them', () => {
    const inputNorms = inputRowNorms(inputWeights, N, nIn);
    expect(() => activationHeterogeneity({ activations, count: count + 1, nHidden: N, inputNorms, leak })).toThrow(
      /activations must have rows × cols = 6 × 7 = 42 entries, got 35/,
    );
    expect(() => activationHeterogeneity({ activations, count, nHidden: N, inputNorms: inputNorms.subarray(1), leak })).toThrow(
      /inputNorms must have length nHidden = 7, got 6/,
    );
    expect(() => activationHeterogeneity({ activations, count, nHidden: N, inputNorms, leak: 0 })).toThrow(/leak must be a number in \(0, 1\], got 0/);
  });
});
