/**
 * The pieces of a Laplace approximation (MacKay 2003, ch. 27; as used by Huys et al. 2011's emfit):
 * the Hessian of a negative log density at its mode by central finite differences, and the
 * inverse and log-determinant of that (symmetric positive definite) Hessian by Cholesky.
 */
import { ConfigError } from '../validation.js';

/**
 * H[i][j] = ∂²f/∂x_i∂x_j at x by central differences with step `step` (O(step²) error):
 * diagonal (f(x+h) − 2f(x) + f(x−h)) / h², off-diagonal from the four corners.
 * @example
 * hessianByFiniteDifferences((x) => x[0] * x[0] + 3 * x[0] * x[1], [1, 2]); // [[2, 3], [3, 0]]
 */
export function hessianByFiniteDifferences(f: (x: Float64Array) => number, x: ArrayLike<number>, step = 1e-3): number[][] {
  const k = x.length;
  const at = Float64Array.from(x);
  const value = (deltas: [number, number][]) => {
    for (const [i, d] of deltas) at[i] += d;
    const fx = f(at);
    for (const [i, d] of deltas) at[i] -= d;
    return fx;
  };
  const f0 = f(at);
  const h = step;
  const H = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    H[i][i] = (value([[i, h]]) - 2 * f0 + value([[i, -h]])) / (h * h);
    for (let j = 0; j < i; j++) {
      const pp = value([[i, h], [j, h]]);
      const pm = value([[i, h], [j, -h]]);
      const mp = value([[i, -h], [j, h]]);
      const mm = value([[i, -h], [j, -h]]);
      H[i][j] = H[j][i] = (pp - pm - mp + mm) / (4 * h * h);
    }
  }
  return H;
}

/**
 * Inverse and log-determinant of a symmetric positive definite matrix (Cholesky L Lᵀ). A matrix
 * that is not positive definite (a mode that is not a strict minimum) is refused.
 * @example
 * const { inverse, logDet } = invertSpd([[2, 0], [0, 4]]); // inverse [[0.5, 0], [0, 0.25]], logDet ln 8
 */
export function invertSpd(A: readonly (readonly number[])[]): { inverse: number[][]; logDet: number } {
  const k = A.length;
  const L = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i][j];
      for (let m = 0; m < j; m++) sum -= L[i][m] * L[j][m];
      if (i === j) {
        if (!(sum > 0)) throw new ConfigError([`the Hessian is not positive definite (pivot ${i} is ${sum}): the mode is not a strict minimum`]);
        L[i][i] = Math.sqrt(sum);
      } else L[i][j] = sum / L[j][j];
    }
  }
  let logDet = 0;
  for (let i = 0; i < k; i++) logDet += 2 * Math.log(L[i][i]);
  // Solve L Lᵀ X = I column by column.
  const inverse = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++) {
    const y = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      let sum = i === c ? 1 : 0;
      for (let m = 0; m < i; m++) sum -= L[i][m] * y[m];
      y[i] = sum / L[i][i];
    }
    for (let i = k - 1; i >= 0; i--) {
      let sum = y[i];
      for (let m = i + 1; m < k; m++) sum -= L[m][i] * inverse[m][c];
      inverse[i][c] = sum / L[i][i];
    }
  }
  return { inverse, logDet };
}
