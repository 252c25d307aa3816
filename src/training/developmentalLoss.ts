/**
 * The developmental part of the seed's training loss,
 *   L_total = L_task + α‖W‖* + β D_eff(W) + L_spectral − λ L_hetero,
 * for a low-rank network W = m nᵀ + M Nᵀ. Values and analytic gradients come from the k×k spectrum
 * (regularizers.ts); this file only connects them to the model's parameters and to BPTT.
 */
import type { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import type { ParameterSet } from '../model/parameters.js';
import type { ForwardResult } from '../model/recurrentModel.js';
import { developmentalRegularizers, heterogeneityPenalty, type DevelopmentalRegularizerResult } from './regularizers.js';

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

export interface DevelopmentalLossOptions {
  /**
   * Leave the heterogeneity gradient on x_t to the model's backward pass: `dActivations` comes back
   * undefined and `heterogeneityWeight` must be passed to `model.backward` (default false). Saves
   * materialising a B·T·N array; the wasm kernel then forms that gradient inside its BPTT.
   */
  deferActivationGradient?: boolean;
}

/**
 * Adds the regularisers' gradients with respect to m, n, M, N and W_in into `gradients`, and
 * returns the gradient with respect to the tanh outputs x_t (for BPTT) along with the values.
 * `scale` is the warm-up factor in [0, 1] multiplying every regulariser weight.
 * @example
 * const { terms, dActivations } = developmentalLoss(model, forward, grads, 1);
 * // or, letting backward form the x_t gradient itself:
 * const { heterogeneityWeight } = developmentalLoss(model, forward, grads, 1, { deferActivationGradient: true });
 * model.backward(batch, forward, { dLogits, heterogeneityWeight }, grads);
 */
export function developmentalLoss(
  model: BrainInspiredRNN,
  forward: ForwardResult,
  gradients: ParameterSet,
  scale = 1,
  { deferActivationGradient = false }: DevelopmentalLossOptions = {},
): { terms: DevelopmentalLossTerms; dActivations: Float64Array | undefined; heterogeneityWeight: number } {
  const config = model.config;
  const N = model.nHidden;
  const spectral = addSpectralRegularizers(model, scale, gradients);

  const lambda = scale * config.heterogeneityWeight;
  // responseHeterogeneity reuses what the wasm forward pass computed; the materialised path keeps
  // its own copy because it scales dActivations in place.
  const hetero = deferActivationGradient
    ? model.responseHeterogeneity(forward)
    : heterogeneityPenalty(forward.cache.activations, forward.nSessions * forward.nTrials, N, model.parameters.view('W_in'), model.nInputs, config.leak);
  let dActivations: Float64Array | undefined;
  if (lambda !== 0) {
    // The loss subtracts λ·L_hetero: heterogeneity is rewarded.
    if (!deferActivationGradient) {
      dActivations = hetero.dActivations;
      for (let i = 0; i < dActivations.length; i++) dActivations[i] *= -lambda;
    }
    const gradInput = gradients.view('W_in');
    for (let i = 0; i < gradInput.length; i++) gradInput[i] -= lambda * hetero.dInputWeights[i];
  }
  return {
    terms: developmentalLossTerms(spectral, lambda, hetero.value),
    dActivations,
    heterogeneityWeight: deferActivationGradient ? -lambda : 0,
  };
}

/**
 * The spectral terms of the loss (α ‖W‖* + β D_eff + w_s L_spectral, weights times `scale`) on the
 * model's W_rec, with their gradients added onto m, n, M, N of `gradients`. They depend on W only,
 * so the data-parallel step (actors/parallel/parallelSupervisedStep.ts) adds them once per step
 * while its threads compute the heterogeneity term chunk by chunk.
 * @example
 * const spectral = addSpectralRegularizers(model, 1, grads);
 */
export function addSpectralRegularizers(model: BrainInspiredRNN, scale: number, gradients: ParameterSet): DevelopmentalRegularizerResult {
  const { config } = model;
  const { A, B, k } = model.layer.factors();
  const spectral = developmentalRegularizers(A, B, model.nHidden, k, {
    nuclearWeight: scale * config.nuclearWeight,
    effectiveRankWeight: scale * config.effectiveRankWeight,
    spectralWeight: scale * config.spectralWeight,
    targetGamma: config.targetGamma,
  });
  model.layer.scatterFactorGradients(spectral.gradA, spectral.gradB, gradients);
  return spectral;
}

/**
 * The reported terms from the spectral result and the heterogeneity value; `heterogeneityWeight`
 * is λ already times the warm-up scale (the loss subtracts λ · heterogeneity).
 * @example
 * const terms = developmentalLossTerms(addSpectralRegularizers(model, 1, grads), lambda, heterogeneity);
 */
export function developmentalLossTerms(
  spectral: DevelopmentalRegularizerResult,
  heterogeneityWeight: number,
  heterogeneity: number,
): DevelopmentalLossTerms {
  return {
    value: spectral.value - heterogeneityWeight * heterogeneity,
    nuclearNorm: spectral.terms.nuclear,
    effectiveRank: spectral.terms.effectiveRank,
    spectral: spectral.terms.spectral,
    heterogeneity,
  };
}
