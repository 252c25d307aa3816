/**
 * Effective rank of the recurrent weights: the participation ratio of the singular values,
 * D(W) = (Σᵢ σᵢ)² / Σᵢ σᵢ² (the seed's D_eff). It equals r when W has r equal non-zero singular
 * values and falls towards 1 as the spectrum concentrates on its top value.
 */
import { checkFiniteArray } from '../validation.js';
import type { MatrixInput } from './matrixInput.js';
import { singularValues } from './spectrum.js';

/**
 * Participation ratio (Σσ)² / Σσ² of a precomputed spectrum (e.g. `lowRankSpectrum(A, B).values`).
 * Returns 0 for an empty or all-zero spectrum (the zero matrix has rank 0), where the ratio
 * itself is 0/0. No epsilon is added: the training regulariser's 1e-8 (as in the PyTorch
 * reference) lives in `developmentalRegularizers`, not in the metric.
 * @example
 * effectiveRankFromSingularValues([1, 1, 0]); // 2
 */
export function effectiveRankFromSingularValues(values: ArrayLike<number>): number {
  checkFiniteArray('singular values', values);
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const sigma = Math.abs(values[i]);
    sum += sigma;
    sumOfSquares += sigma * sigma;
  }
  return sumOfSquares === 0 ? 0 : (sum * sum) / sumOfSquares;
}

/**
 * Effective rank D(W) of a matrix, from its full SVD. All-zero W gives 0.
 * @example
 * computeEffectiveRank([[2, 0], [0, 2]]); // 2
 */
export function computeEffectiveRank(W: MatrixInput): number {
  return effectiveRankFromSingularValues(singularValues(W));
}
