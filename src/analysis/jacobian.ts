/**
 * Jacobian of the low-rank RNN map F(h, u) = (1 − leak) h + leak tanh(W h + W_in u):
 *
 *   J = ∂F/∂h = (1 − leak) I + leak · D · W,  D = diag(1 − x²),  x = tanh(W h + W_in u).
 *
 * Its spectrum needs no N×N decomposition: with W = A Bᵀ, D W = (D A) Bᵀ, and the non-zero
 * eigenvalues of X Yᵀ equal those of Yᵀ X, so D W has the k eigenvalues of the k×k matrix
 * Bᵀ D A and N − k zeros. Hence eig(J) = (1 − leak) + leak · eig(Bᵀ D A), plus (1 − leak) with
 * multiplicity N − k (Mastrogiuseppe & Ostojic 2018; Golub & Sussillo 2018 linearise the same way).
 */
import { Matrix } from 'ml-matrix';
import { activations, checkStateInput, inputDrive, toLowRankSystem, type LowRankModelLike, type LowRankSystem } from './lowRankSystem.js';
import { matrixEigenvalues, sortSpectrum, type ComplexSpectrum } from './eigenSpectrum.js';

/** The gains 1 − x² of every unit at (h, u). */
export function unitGains(sys: LowRankSystem, h: ArrayLike<number>, u?: ArrayLike<number>): Float64Array {
  const x = new Float64Array(sys.nHidden);
  activations(sys, h, inputDrive(sys, u), x, new Float64Array(sys.k));
  for (let i = 0; i < x.length; i++) x[i] = 1 - x[i] * x[i];
  return x;
}

/**
 * The N×N Jacobian J of F at (h, u), materialised.
 * @example
 * const J = computeJacobian(rnn, h, u); // Matrix, J.get(i, j) = ∂F_i/∂h_j
 */
export function computeJacobian(model: LowRankSystem | LowRankModelLike, h: ArrayLike<number>, u?: ArrayLike<number>): Matrix {
  const sys = toLowRankSystem(model);
  checkStateInput(sys, h, u);
  const { nHidden: N, k, A, B, leak } = sys;
  const gains = unitGains(sys, h, u);
  const J = new Matrix(N, N);
  for (let i = 0; i < N; i++) {
    const scale = leak * gains[i];
    for (let j = 0; j < N; j++) {
      let w = 0;
      for (let a = 0; a < k; a++) w += A[i * k + a] * B[j * k + a];
      J.set(i, j, (i === j ? 1 - leak : 0) + scale * w);
    }
  }
  return J;
}

/** The k×k core Bᵀ D A whose eigenvalues are the non-trivial eigenvalues of D W. */
export function jacobianCore(sys: LowRankSystem, gains: ArrayLike<number>): Matrix {
  const { nHidden: N, k, A, B } = sys;
  const core = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += B[i * k + a] * gains[i] * A[i * k + b];
      core.set(a, b, sum);
    }
  }
  return core;
}

/** (1 − leak) + leak · μ for the k core eigenvalues μ, padded with N − k copies of 1 − leak. */
function liftSpectrum(sys: LowRankSystem, core: ComplexSpectrum): ComplexSpectrum {
  const { nHidden: N, k, leak } = sys;
  const re = new Float64Array(N).fill(1 - leak);
  const im = new Float64Array(N);
  for (let a = 0; a < k; a++) {
    re[a] = 1 - leak + leak * core.re[a];
    im[a] = leak * core.im[a];
  }
  return sortSpectrum(re, im);
}

/**
 * All N eigenvalues of J at (h, u) through the k×k reduction, sorted by descending modulus.
 * @example
 * const { re, im, modulus } = jacobianEigenvalues(rnn, h, u);
 * modulus[0] < 1; // the fixed point h is stable
 */
export function jacobianEigenvalues(model: LowRankSystem | LowRankModelLike, h: ArrayLike<number>, u?: ArrayLike<number>): ComplexSpectrum {
  const sys = toLowRankSystem(model);
  checkStateInput(sys, h, u);
  return liftSpectrum(sys, matrixEigenvalues(jacobianCore(sys, unitGains(sys, h, u))));
}

/**
 * All N eigenvalues of the recurrent weights W = A Bᵀ (the k of Bᵀ A, then N − k zeros), sorted.
 * @example
 * recurrentEigenvalues(rnn).re[0]; // leading eigenvalue of W_rec
 */
export function recurrentEigenvalues(model: LowRankSystem | LowRankModelLike): ComplexSpectrum {
  const sys = toLowRankSystem(model);
  const core = matrixEigenvalues(jacobianCore(sys, new Float64Array(sys.nHidden).fill(1)));
  const re = new Float64Array(sys.nHidden);
  const im = new Float64Array(sys.nHidden);
  re.set(core.re);
  im.set(core.im);
  return sortSpectrum(re, im);
}
