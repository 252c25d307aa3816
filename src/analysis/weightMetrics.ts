/**
 * The weight metrics of a serialised model, as the live analyzer and the viewer show them: the
 * singular values of W_rec, effective rank, singular-value decay γ, nuclear norm and response
 * heterogeneity at probed states. For the low-rank RNN W_rec = m nᵀ + M Nᵀ = A Bᵀ
 * (Mastrogiuseppe & Ostojic 2018), so the spectrum comes from the exact k×k route
 * (`lowRankSpectrum`, O(N k²)), never from an N×N SVD; the other N − k singular values are exactly
 * zero and are listed as zeros so that a spectrum always has N entries.
 */
import { effectiveRankFromSingularValues } from '../metrics/effectiveRank.js';
import { rowMajor } from '../metrics/matrixInput.js';
import { nuclearNormFromSingularValues } from '../metrics/nuclearNorm.js';
import { computeResponseHeterogeneity } from '../metrics/responseHeterogeneity.js';
import { lowRankSpectrum } from '../metrics/spectrum.js';
import { svDecayGammaFromSingularValues } from '../metrics/svDecayGamma.js';
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { packLowRankFactors } from '../model/lowRankFactors.js';
import type { SerializedModel } from '../model/recurrentModel.js';

export interface WeightMetrics {
  /** Training updates behind these weights. */
  update: number;
  /** Singular values of W_rec, descending, N entries (the tail beyond rank + 1 is exactly 0). */
  singularValues: number[];
  effectiveRank: number;
  svDecayGamma: number;
  nuclearNorm: number;
  /** NaN without probe states. */
  responseHeterogeneity: number;
}

/** Visited hidden states (rows×nHidden) and the inputs applied there (rows×nInputs). */
export interface StateProbe {
  rows: number;
  states: ArrayLike<number>;
  inputs: ArrayLike<number>;
}

/**
 * Weight metrics of a serialised low-rank model (undefined for other kinds, which have no single
 * low-rank W_rec to measure).
 * @example
 * const metrics = measureSerializedWeights(model.toJSON(), { rows: 0, states: [], inputs: [] }, 10);
 * metrics?.effectiveRank; // participation ratio of the singular values
 */
export function measureSerializedWeights(serialized: SerializedModel, probe: StateProbe, update: number): WeightMetrics | undefined {
  if (serialized.kind !== 'brain_inspired_rnn') return undefined;
  const model = BrainInspiredRNN.fromJSON(serialized);
  const { A, B, nHidden, k } = packLowRankFactors(model.parameters);
  const values = lowRankSpectrum(rowMajor(A, nHidden, k, 'A'), rowMajor(B, nHidden, k, 'B')).values;
  const singularValues = Array.from({ length: nHidden }, (_, i) => (i < values.length ? values[i] : 0));
  return {
    update,
    singularValues,
    effectiveRank: effectiveRankFromSingularValues(values),
    svDecayGamma: svDecayGammaFromSingularValues(values, { maxValues: model.config.rank + 1 }).gamma,
    nuclearNorm: nuclearNormFromSingularValues(values),
    responseHeterogeneity: probe.rows > 0
      ? computeResponseHeterogeneity(model, Float64Array.from(probe.states), Float64Array.from(probe.inputs)).heterogeneity
      : Number.NaN,
  };
}
