/**
 * Singular values of the recurrent weights, either from a full SVD of W or, for the low-rank
 * connectivity W = m nᵀ + M Nᵀ = A Bᵀ (Mastrogiuseppe & Ostojic 2018), from a k×k problem.
 *
 * Why the k×k route is exact: with thin QR factorisations A = Qa Ra and B = Qb Rb (Qa, Qb have
 * orthonormal columns), A Bᵀ = Qa (Ra Rbᵀ) Qbᵀ. If Ra Rbᵀ = U' S V'ᵀ then A Bᵀ = (Qa U') S (Qb V')ᵀ,
 * and Qa U', Qb V' still have orthonormal columns, so this is an SVD of A Bᵀ. The other N − k
 * singular values of A Bᵀ are exactly zero. Cost O(N k²) instead of O(N³).
 */
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { ConfigError } from '../validation.js';
import { toMatrix, type MatrixInput } from './matrixInput.js';

/** The k non-trivial singular triplets of W = A Bᵀ: W = left · diag(values) · rightᵀ. */
export interface LowRankSpectrum {
  /** The k singular values, descending (may include zeros when A or B is rank-deficient). */
  values: Float64Array;
  /** N×k left singular vectors U (orthonormal columns), column i pairs with values[i]. */
  left: Matrix;
  /** N×k right singular vectors V (orthonormal columns), column i pairs with values[i]. */
  right: Matrix;
}

/** ml-matrix's SVD (Golub-Kahan) sorts descending; sort anyway so no caller depends on that. */
function descendingOrder(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a]);
}

/**
 * All singular values of W (full SVD), descending. For a non-square W there are min(rows, cols).
 * @example
 * singularValues([[3, 0], [0, -4]]); // Float64Array [4, 3]
 */
export function singularValues(W: MatrixInput): Float64Array {
  const matrix = toMatrix(W, 'W');
  if (matrix.rows === 0 || matrix.columns === 0) return new Float64Array(0);
  const svd = new SingularValueDecomposition(matrix, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  const diagonal = svd.diagonal;
  return Float64Array.from(descendingOrder(diagonal), (i) => Math.max(0, diagonal[i]));
}

/**
 * Singular values and vectors of W = A Bᵀ from the thin QR of A and B and the SVD of a k×k matrix,
 * never forming the N×N matrix W.
 *
 * @param A - N×k left factor ([m | M] for the low-rank RNN).
 * @param B - N×k right factor ([n | N]); must have the same shape as A, with k ≤ N.
 * @example
 * const { values, left, right } = lowRankSpectrum(rowMajor(A, N, k, 'A'), rowMajor(B, N, k, 'B'));
 * // left.mmul(Matrix.diag(Array.from(values))).mmul(right.transpose()) ≈ A Bᵀ
 */
export function lowRankSpectrum(A: MatrixInput, B: MatrixInput): LowRankSpectrum {
  const a = toMatrix(A, 'A');
  const b = toMatrix(B, 'B');
  if (a.rows !== b.rows || a.columns !== b.columns) {
    throw new ConfigError([`B must have the shape of A (${a.rows}×${a.columns}), got ${b.rows}×${b.columns}`]);
  }
  const n = a.rows;
  const k = a.columns;
  if (k < 1 || k > n) throw new ConfigError([`A must have between 1 and ${n} (its row count) columns, got ${k}`]);

  const qrA = new QrDecomposition(a);
  const qrB = new QrDecomposition(b);
  const core = qrA.upperTriangularMatrix.mmul(qrB.upperTriangularMatrix.transpose());
  const svd = new SingularValueDecomposition(core, { autoTranspose: false });
  const order = descendingOrder(svd.diagonal);
  const values = Float64Array.from(order, (i) => Math.max(0, svd.diagonal[i]));
  // Reorder the columns of U', V' to match the sorted values before rotating back to N dims.
  const coreLeft = new Matrix(k, k);
  const coreRight = new Matrix(k, k);
  order.forEach((from, to) => {
    coreLeft.setColumn(to, svd.leftSingularVectors.getColumn(from));
    coreRight.setColumn(to, svd.rightSingularVectors.getColumn(from));
  });
  return {
    values,
    left: qrA.orthogonalMatrix.mmul(coreLeft),
    right: qrB.orthogonalMatrix.mmul(coreRight),
  };
}
