/**
 * The factor form of the low-rank recurrent weights: W = m nᵀ + M Nᵀ = A Bᵀ with A = [m | M] and
 * B = [n | N] (N×k row-major, k = rank + 1). The spectrum and the regularisers work on A and B;
 * these two functions move values and gradients between that packing and the named parameters.
 */
import { Matrix } from 'ml-matrix';
import type { ParameterSet } from './parameters.js';
import { ConfigError } from '../validation.js';

/** The factors of W = m nᵀ + M Nᵀ = A Bᵀ, packed as A = [m | M] and B = [n | N]. */
export interface LowRankFactors {
  /** N×k row-major [m | M]. */
  A: Float64Array;
  /** N×k row-major [n | N]. */
  B: Float64Array;
  /** N. */
  nHidden: number;
  /** k = rank + 1. */
  k: number;
}

/**
 * Pack the parameters 'm' (N), 'n' (N), 'M' (N×rank) and 'N' (N×rank) of a low-rank model into A, B.
 * @example
 * const { A, B, nHidden, k } = packLowRankFactors(model.parameters);
 */
export function packLowRankFactors(parameters: ParameterSet): LowRankFactors {
  const m = parameters.view('m');
  const n = parameters.view('n');
  const bigM = parameters.view('M');
  const bigN = parameters.view('N');
  const nHidden = m.length;
  const rank = bigM.length / nHidden;
  if (n.length !== nHidden || !Number.isInteger(rank) || bigN.length !== bigM.length) {
    throw new ConfigError([`parameters m, n, M, N must have sizes N, N, N×rank, N×rank, got ${m.length}, ${n.length}, ${bigM.length}, ${bigN.length}`]);
  }
  const k = rank + 1;
  const A = new Float64Array(nHidden * k);
  const B = new Float64Array(nHidden * k);
  for (let i = 0; i < nHidden; i++) {
    A[i * k] = m[i];
    B[i * k] = n[i];
    for (let r = 0; r < rank; r++) {
      A[i * k + 1 + r] = bigM[i * rank + r];
      B[i * k + 1 + r] = bigN[i * rank + r];
    }
  }
  return { A, B, nHidden, k };
}

/** Views of the four factor tensors (row-major; M and N are N×rank). */
export interface FactorViews {
  m: ArrayLike<number> & { [i: number]: number };
  n: ArrayLike<number> & { [i: number]: number };
  M: ArrayLike<number> & { [i: number]: number };
  N: ArrayLike<number> & { [i: number]: number };
}

/**
 * Add scale · (gradA, gradB), packed N×k as A = [m | M], B = [n | N], onto the four factor views.
 * The kernels call this with their gradient views; `addLowRankGradients` with a ParameterSet's.
 * @example
 * addFactorGradients({ m, n, M, N }, gradA, gradB);
 */
export function addFactorGradients(views: FactorViews, gradA: ArrayLike<number>, gradB: ArrayLike<number>, scale = 1): void {
  const { m, n, M: bigM, N: bigN } = views;
  const nHidden = m.length;
  const rank = bigM.length / nHidden;
  const k = rank + 1;
  if (gradA.length !== nHidden * k || gradB.length !== nHidden * k) {
    throw new ConfigError([`gradA and gradB must have N×k = ${nHidden * k} entries, got ${gradA.length} and ${gradB.length}`]);
  }
  for (let i = 0; i < nHidden; i++) {
    m[i] += scale * gradA[i * k];
    n[i] += scale * gradB[i * k];
    for (let r = 0; r < rank; r++) {
      bigM[i * rank + r] += scale * gradA[i * k + 1 + r];
      bigN[i * rank + r] += scale * gradB[i * k + 1 + r];
    }
  }
}

/**
 * Add scale · (gradA, gradB) into the 'm', 'n', 'M', 'N' entries of a gradient ParameterSet
 * (the inverse layout of `packLowRankFactors`).
 * @example
 * addLowRankGradients(gradients, reg.gradA, reg.gradB, warmupScale);
 */
export function addLowRankGradients(gradients: ParameterSet, gradA: ArrayLike<number>, gradB: ArrayLike<number>, scale = 1): void {
  addFactorGradients({ m: gradients.view('m'), n: gradients.view('n'), M: gradients.view('M'), N: gradients.view('N') }, gradA, gradB, scale);
}

/**
 * The dense N×N product W = A Bᵀ of packed factors (N×k row-major), for analyses and checks; the
 * hot paths never form it.
 * @example
 * const W = factorProduct(A, B, N, k);
 */
export function factorProduct(A: ArrayLike<number>, B: ArrayLike<number>, N: number, k: number): Matrix {
  const W = new Matrix(N, N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let a = 0; a < k; a++) sum += A[i * k + a] * B[j * k + a];
      W.set(i, j, sum);
    }
  }
  return W;
}
