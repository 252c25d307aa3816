/**
 * The developmental terms of the training loss, with analytic gradients:
 *   α ‖W‖* + β D_eff(W) + w_s Σ_{i<nSpectral} (σᵢ − σ₀ e^{−γ i})²   (on W = m nᵀ + M Nᵀ = A Bᵀ)
 * and the response heterogeneity Var_i(rᵢ), which the loss subtracts (heterogeneity is rewarded;
 * `heterogeneityPenalty`, from src/metrics/activationHeterogeneity.ts).
 * They follow `regularizers` in shared/bench/torch_reference.py, including its 1e-8 in D_eff's
 * denominator and the detached σ₀ of the spectral target.
 *
 * Gradients: for distinct non-zero singular values, dσᵢ/dW = uᵢ vᵢᵀ, so a loss L(σ) has
 * dL/dW = U diag(g) Vᵀ with gᵢ = ∂L/∂σᵢ; then dL/dA = (dL/dW) B and dL/dB = (dL/dW)ᵀ A. U, V come
 * from the k×k spectrum (src/metrics/spectrum.ts), and the products are taken as
 * U (diag(g) (Vᵀ B)), so no N×N matrix is formed. With repeated or zero singular values the
 * spectrum is not differentiable; the same formula then gives a subgradient.
 */
import type { Matrix } from 'ml-matrix';
import { checkInteger, checkNumber } from '../validation.js';
import { rowMajor, toMatrix, toRowMajor } from '../metrics/matrixInput.js';
import { lowRankSpectrum } from '../metrics/spectrum.js';

/** Added to Σσ² in D_eff, as in the PyTorch reference, so the zero matrix does not divide by 0. */
export const EFFECTIVE_RANK_EPSILON = 1e-8;

export interface DevelopmentalRegularizerOptions {
  /** Weight α of the nuclear norm ‖W‖* = Σσᵢ. */
  nuclearWeight: number;
  /** Weight β of D_eff(W) = (Σσᵢ)² / (Σσᵢ² + 1e-8). */
  effectiveRankWeight: number;
  /** Weight w_s of the spectral term Σ_{i<nSpectral} (σᵢ − σ₀ e^{−γ i})². */
  spectralWeight: number;
  /** Target decay γ of the spectral term. */
  targetGamma: number;
  /** How many leading singular values the spectral term constrains, in [0, k]. Default k. */
  nSpectral?: number;
}

export interface DevelopmentalRegularizerResult {
  /** α·nuclear + β·effectiveRank + w_s·spectral. */
  value: number;
  /** The unweighted terms. */
  terms: { nuclear: number; effectiveRank: number; spectral: number };
  /** The singular values of W = A Bᵀ, descending (length k). */
  singularValues: Float64Array;
  /**
   * Gradient with respect to A, N×k row-major. As in the reference, σ₀ inside the spectral target
   * is held constant, so with spectralWeight > 0 this is not the full derivative of `value`.
   */
  gradA: Float64Array;
  /** Gradient with respect to B, N×k row-major (same convention as gradA). */
  gradB: Float64Array;
}

/**
 * Value and gradients of the developmental regularisers of W = A Bᵀ.
 * @param A - N×k row-major left factor [m | M].
 * @param B - N×k row-major right factor [n | N].
 * @example
 * const { A, B, nHidden, k } = packLowRankFactors(model.parameters);
 * const reg = developmentalRegularizers(A, B, nHidden, k, config); // config: DevelopmentalConfig
 * addLowRankGradients(gradients, reg.gradA, reg.gradB);
 */
export function developmentalRegularizers(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  N: number,
  k: number,
  options: DevelopmentalRegularizerOptions,
): DevelopmentalRegularizerResult {
  checkInteger('N', N, 1);
  checkInteger('k', k, 1, N);
  const { nuclearWeight, effectiveRankWeight, spectralWeight, targetGamma, nSpectral = k } = options;
  checkNumber('nuclearWeight', nuclearWeight);
  checkNumber('effectiveRankWeight', effectiveRankWeight);
  checkNumber('spectralWeight', spectralWeight);
  checkNumber('targetGamma', targetGamma);
  checkInteger('nSpectral', nSpectral, 0, k);
  const factorA = toMatrix(rowMajor(A, N, k, 'A'));
  const factorB = toMatrix(rowMajor(B, N, k, 'B'));
  const { values: sigma, left, right } = lowRankSpectrum(factorA, factorB);

  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < k; i++) {
    sum += sigma[i];
    sumOfSquares += sigma[i] * sigma[i];
  }
  const denominator = sumOfSquares + EFFECTIVE_RANK_EPSILON;
  const effectiveRank = (sum * sum) / denominator;
  let spectral = 0;
  const gradSigma = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const dEffectiveRank = (2 * sum) / denominator - (2 * sigma[i] * sum * sum) / (denominator * denominator);
    gradSigma[i] = nuclearWeight + effectiveRankWeight * dEffectiveRank;
    if (i < nSpectral) {
      // σ₀ in the target is a constant (detached in the reference), so only σᵢ carries gradient.
      const gap = sigma[i] - sigma[0] * Math.exp(-targetGamma * i);
      spectral += gap * gap;
      gradSigma[i] += spectralWeight * 2 * gap;
    }
  }
  return {
    value: nuclearWeight * sum + effectiveRankWeight * effectiveRank + spectralWeight * spectral,
    terms: { nuclear: sum, effectiveRank, spectral },
    singularValues: sigma,
    gradA: toRowMajor(weightedProduct(left, gradSigma, right, factorB)),
    gradB: toRowMajor(weightedProduct(right, gradSigma, left, factorA)),
  };
}

/** X diag(g) Yᵀ Z, evaluated right to left so the largest intermediate is k×k. */
function weightedProduct(X: Matrix, g: Float64Array, Y: Matrix, Z: Matrix): Matrix {
  return X.mmul(Y.transpose().mmul(Z).mulColumnVector(Array.from(g)));
}

// The packing of m, n, M, N into A, B lives with the model; re-exported here for the loss's users.
export { packLowRankFactors, addLowRankGradients, type LowRankFactors } from '../model/lowRankFactors.js';

// The response heterogeneity and its gradients live in src/metrics/, so the model can use them
// without importing training; re-exported here as the loss's heterogeneity term.
export { heterogeneityPenalty, type HeterogeneityPenaltyResult } from '../metrics/activationHeterogeneity.js';
