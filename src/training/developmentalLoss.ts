/**
 * The developmental part of the seed's training loss,
 *   L_total = L_task + α‖W‖* + β D_eff(W) + L_spectral − λ L_hetero,
 * for a low-rank network W = m nᵀ + M Nᵀ. Values and analytic gradients come from the k×k spectrum
 * (regularizers.ts); this file only connects them to the model's parameters and to BPTT.
 */
import type { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import type { ParameterSet } from '../model/parameters.js';
import type { ForwardResult } from '../model/recurrentModel.js';
import { developmentalRegularizers, heterogeneityPenalty } from './regularizers.js';

export interface DevelopmentalLossTerms {
  /** Weighted sum added to the task loss (already scaled by the warm-up factor). */
  value: number;
  /** ‖W_rec‖*, unweighted. */
  nuclearNorm: number;
  /** D_eff(W_rec), unweighted. */
  effectiveRank: number;
  /** Σ(σᵢ − σᵢ^target)², unweighted. */
  spectral: number;
  /** Mean population variance of the input sensitivities, unweighted. */
  heterogeneity: number;
}

/**
 * Adds the regularisers' gradients with respect to m, n, M, N and W_in into `gradients`, and
 * returns the gradient with respect to the tanh outputs x_t (for BPTT) along with the values.
 * `scale` is the warm-up factor in [0, 1] multiplying every regulariser weight.
 * @example
 * const { terms, dActivations } = developmentalLoss(model, forward, grads, 1);
 */
export function developmentalLoss(
  model: BrainInspiredRNN,
  forward: ForwardResult,
  gradients: ParameterSet,
  scale = 1,
): { terms: DevelopmentalLossTerms; dActivations: Float64Array | undefined } {
  const config = model.config;
  const N = model.nHidden;
  const { A, B, k } = model.layer.factors();
  const spectral = developmentalRegularizers(A, B, N, k, {
    nuclearWeight: scale * config.nuclearWeight,
    effectiveRankWeight: scale * config.effectiveRankWeight,
    spectralWeight: scale * config.spectralWeight,
    targetGamma: config.targetGamma,
  });
  model.layer.scatterFactorGradients(spectral.gradA, spectral.gradB, gradients);

  const activations = forward.cache.activations;
  const rows = forward.nSessions * forward.nTrials;
  const inputWeights = model.parameters.view('W_in');
  const hetero = heterogeneityPenalty(activations, rows, N, inputWeights, model.nInputs, config.leak);
  const lambda = scale * config.heterogeneityWeight;
  let dActivations: Float64Array | undefined;
  if (lambda !== 0) {
    // The loss subtracts λ·L_hetero: heterogeneity is rewarded.
    dActivations = hetero.dActivations;
    for (let i = 0; i < dActivations.length; i++) dActivations[i] *= -lambda;
    const gradInput = gradients.view('W_in');
    for (let i = 0; i < gradInput.length; i++) gradInput[i] -= lambda * hetero.dInputWeights[i];
  }
  return {
    terms: {
      value: spectral.value - lambda * hetero.value,
      nuclearNorm: spectral.terms.nuclear,
      effectiveRank: spectral.terms.effectiveRank,
      spectral: spectral.terms.spectral,
      heterogeneity: hetero.value,
    },
    dActivations,
  };
}
