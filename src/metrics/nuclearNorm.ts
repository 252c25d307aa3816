/**
 * Nuclear norm ‖W‖* = Σᵢ σᵢ, the convex surrogate of rank that the developmental loss penalises
 * to keep the recurrent weights low-dimensional.
 */
import { checkFiniteArray } from '../validation.js';
import type { MatrixInput } from './matrixInput.js';
import { singularValues } from './spectrum.js';

/**
 * Nuclear norm of a precomputed spectrum (e.g. `lowRankSpectrum(A, B).values`).
 * @example
 * nuclearNormFromSingularValues([3, 1]); // 4
 */
export function nuclearNormFromSingularValues(values: ArrayLike<number>): number {
  checkFiniteArray('singular values', values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]);
  return sum;
}

/**
 * Nuclear norm ‖W‖* = Σσᵢ from the full SVD of W.
 * @example
 * nuclearNorm([[3, 0], [0, -4]]); // 7
 */
export function nuclearNorm(W: MatrixInput): number {
  return nuclearNormFromSingularValues(singularValues(W));
}
