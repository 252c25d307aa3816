/**
 * Dimensionality of the hidden-state activity: the participation ratio of the eigenvalues λ of
 * the covariance C of the states, PR = (Σλ)² / Σλ² (Gao et al. 2017; Recanatesi et al. 2019).
 * It equals d for activity spread evenly over d orthogonal directions and 1 for activity on a line.
 *
 * Since C is symmetric, Σλ = tr C and Σλ² = tr C² = ‖C‖²_F, so no eigendecomposition is needed
 * (and none of its round-off); the tests check the identity against ml-matrix's eigenvalues.
 */
import { Matrix } from 'ml-matrix';
import { ConfigError } from '../validation.js';
import { toMatrix, type MatrixInput } from './matrixInput.js';

/**
 * Participation ratio of the covariance spectrum of hidden states H (rows = samples, e.g. trials,
 * columns = units). Returns 0 when the activity does not vary at all (C = 0); throws for fewer
 * than 2 samples, where a covariance is undefined.
 * @example
 * activityDimensionality(rowMajor(forward.hidden, nSessions * nTrials, nHidden, 'hidden'));
 */
export function activityDimensionality(H: MatrixInput): number {
  const states = toMatrix(H, 'H');
  if (states.rows < 2) throw new ConfigError([`H must have at least 2 rows (samples), got ${states.rows}`]);
  const centred = states.clone().subRowVector(states.mean('column'));
  // The 1/(S − 1) of the covariance cancels in the ratio, so the scatter matrix is enough.
  const scatter: Matrix = centred.transpose().mmul(centred);
  let trace = 0;
  let traceOfSquare = 0;
  for (let i = 0; i < scatter.rows; i++) {
    trace += scatter.get(i, i);
    for (let j = 0; j < scatter.columns; j++) traceOfSquare += scatter.get(i, j) ** 2;
  }
  return traceOfSquare === 0 ? 0 : (trace * trace) / traceOfSquare;
}
