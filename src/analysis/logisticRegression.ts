/**
 * Binary logistic regression fitted by iteratively reweighted least squares (Newton's method on
 * the log-likelihood), with a small ridge penalty ½ ridge ‖w‖² on every weight so that perfectly
 * separable designs (e.g. a deterministic agent) still have a finite optimum.
 *
 *   μ = σ(X w),  g = Xᵀ (y − μ) − ridge w,  H = Xᵀ diag(μ (1 − μ)) X + ridge I,  w ← w + H⁻¹ g
 */
import { CholeskyDecomposition, LuDecomposition, Matrix } from 'ml-matrix';
import { logSigmoid, sigmoid } from '../cognitive/cognitiveModel.js';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';

export interface LogisticRegressionOptions {
  /** Ridge penalty on every weight, intercept included (default 1e-6). */
  ridge?: number;
  /** Most Newton iterations (default 100). */
  maxIterations?: number;
  /** Converged when every weight moves less than this in one iteration (default 1e-10). */
  tolerance?: number;
}

export interface LogisticFit {
  /** Fitted weights, one per column of X. */
  weights: Float64Array;
  /** √diag(H⁻¹) at the optimum (Wald standard errors of the penalised fit). */
  standardErrors: Float64Array;
  /** Log-likelihood Σ log P(y | x) at the optimum (without the penalty). */
  logLikelihood: number;
  /** Newton iterations run. */
  iterations: number;
  converged: boolean;
  /** Number of rows. */
  nObservations: number;
}

/**
 * Fit P(y = 1 | x) = σ(xᵀ w) to rows of X (row-major n×nFeatures) and labels y ∈ {0, 1}.
 * @example
 * // intercept and one regressor
 * const fit = fitLogisticRegression(Float64Array.of(1, -1, 1, 1, 1, 1), 2, [0, 1, 1]);
 * fit.weights; // [w_intercept, w_x]
 */
export function fitLogisticRegression(X: ArrayLike<number>, nFeatures: number, y: ArrayLike<number>, options: LogisticRegressionOptions = {}): LogisticFit {
  const { ridge = 1e-6, maxIterations = 100, tolerance = 1e-10 } = options;
  const p = checkInteger('nFeatures', nFeatures, 1);
  checkNumber('ridge', ridge, { min: 0 });
  checkInteger('maxIterations', maxIterations, 1);
  checkNumber('tolerance', tolerance, { min: 0 });
  const n = y.length;
  if (X.length !== n * p) throw new ConfigError([`X must have y.length × nFeatures = ${n} × ${p} = ${n * p} entries, got ${X.length}`]);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new ConfigError([`y[${i}] must be 0 or 1, got ${y[i]}`]);
  }
  const w = new Float64Array(p);
  const hessian = new Matrix(p, p);
  const gradient = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  let solver: CholeskyDecomposition | LuDecomposition | undefined;
  for (let it = 0; it < maxIterations && !converged; it++) {
    iterations = it + 1;
    accumulate(X, p, y, w, ridge, hessian, gradient);
    solver = factorise(hessian);
    const step = solver.solve(Matrix.columnVector(Array.from(gradient)));
    let largest = 0;
    for (let j = 0; j < p; j++) {
      const delta = step.get(j, 0);
      w[j] += delta;
      largest = Math.max(largest, Math.abs(delta));
    }
    converged = largest < tolerance;
  }
  const logLikelihood = accumulate(X, p, y, w, ridge, hessian, gradient);
  const covariance = factorise(hessian).solve(Matrix.eye(p));
  const standardErrors = Float64Array.from({ length: p }, (_, j) => Math.sqrt(Math.max(0, covariance.get(j, j))));
  return { weights: w, standardErrors, logLikelihood, iterations, converged, nObservations: n };
}

function factorise(hessian: Matrix): CholeskyDecomposition | LuDecomposition {
  const cholesky = new CholeskyDecomposition(hessian);
  if (cholesky.isPositiveDefinite()) return cholesky;
  const lu = new LuDecomposition(hessian);
  if (lu.isSingular()) throw new ConfigError(['the design matrix is singular; use a ridge > 0']);
  return lu;
}

/** Fill the penalised Hessian and gradient at w; returns the (unpenalised) log-likelihood. */
function accumulate(X: ArrayLike<number>, p: number, y: ArrayLike<number>, w: Float64Array, ridge: number, hessian: Matrix, gradient: Float64Array): number {
  const n = y.length;
  const h = new Float64Array(p * p);
  gradient.fill(0);
  let logLikelihood = 0;
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j] * w[j];
    const mu = sigmoid(eta);
    const residual = y[i] - mu;
    const weight = mu * (1 - mu);
    logLikelihood += logSigmoid(y[i] === 1 ? eta : -eta);
    for (let j = 0; j < p; j++) {
      const xj = X[i * p + j];
      if (xj === 0) continue;
      gradient[j] += xj * residual;
      const wx = weight * xj;
      for (let l = j; l < p; l++) h[j * p + l] += wx * X[i * p + l];
    }
  }
  for (let j = 0; j < p; j++) {
    gradient[j] -= ridge * w[j];
    for (let l = j; l < p; l++) {
      const value = h[j * p + l] + (j === l ? ridge : 0);
      hessian.set(j, l, value);
      hessian.set(l, j, value);
    }
  }
  return logLikelihood;
}
