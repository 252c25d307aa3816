/**
 * The autonomous-map view of a low-rank RNN that the dynamics analyses work on:
 *
 *   F(h, u) = (1 − leak) h + leak · tanh(W h + W_in u),  W = m nᵀ + M Nᵀ = A Bᵀ
 *
 * (Mastrogiuseppe & Ostojic 2018), with A = [m | M] and B = [n | N] kept as N×k factors so that
 * W h = A (Bᵀ h) costs O(N k). Built from a trained BrainInspiredRNN (its ParameterSet views, or
 * its `factors()`), or by hand for tests.
 */
import { Matrix } from 'ml-matrix';
import type { ParameterSet } from '../model/parameters.js';
import { ConfigError, checkInteger, checkNumber, checkFiniteArray, showValue } from '../validation.js';
import { factorProduct, packLowRankFactors } from '../model/lowRankFactors.js';

/** A low-rank network as the map F(h, u); all matrices flat row-major float64. */
export interface LowRankSystem {
  /** Number of units N. */
  readonly nHidden: number;
  /** Number of factor columns k (rank + 1 for m nᵀ + M Nᵀ). */
  readonly k: number;
  /** Input width. */
  readonly nInputs: number;
  /** Leak in (0, 1]. */
  readonly leak: number;
  /** N×k left factor [m | M]. */
  readonly A: Float64Array;
  /** N×k right factor [n | N]. */
  readonly B: Float64Array;
  /** N×nInputs input weights. */
  readonly inputWeights: Float64Array;
}

export interface LowRankSystemSpec {
  /** N×k left factor, row-major (or an ml-matrix Matrix). */
  A: ArrayLike<number> | Matrix;
  /** N×k right factor, row-major (or an ml-matrix Matrix). */
  B: ArrayLike<number> | Matrix;
  /** Number of units N. */
  nHidden: number;
  /** Leak in (0, 1]. */
  leak: number;
  /** N×nInputs input weights, row-major (or a Matrix); default none (nInputs 0). */
  inputWeights?: ArrayLike<number> | Matrix;
  /** Input width; required with `inputWeights` given as a flat array. */
  nInputs?: number;
}

/** What a BrainInspiredRNN offers (any one of the three routes is enough). */
export interface LowRankModelLike {
  readonly nHidden: number;
  readonly leak?: number;
  readonly config?: { leak: number };
  readonly parameters?: ParameterSet;
  factors?(): { A: ArrayLike<number> | Matrix; B: ArrayLike<number> | Matrix; k: number };
  readonly layer?: { factors(): { A: ArrayLike<number> | Matrix; B: ArrayLike<number> | Matrix; k: number } };
  inputWeights?(): Matrix;
}

function flatten(values: ArrayLike<number> | Matrix, rows: number, cols: number, name: string): Float64Array {
  if (values instanceof Matrix) {
    if (values.rows !== rows || values.columns !== cols) {
      throw new ConfigError([`${name} must be ${rows}×${cols}, got ${values.rows}×${values.columns}`]);
    }
    return Float64Array.from(values.to1DArray());
  }
  if (values.length !== rows * cols) throw new ConfigError([`${name} must have ${rows}×${cols} = ${rows * cols} entries, got ${values.length}`]);
  const out = Float64Array.from(values);
  checkFiniteArray(name, out);
  return out;
}

/**
 * A checked, copied low-rank system (the caller's arrays are never kept).
 * @example
 * // rank-1 network W = m nᵀ with m = [1, 1], n = [0.5, 0.5], no input
 * const sys = createLowRankSystem({ A: [1, 1], B: [0.5, 0.5], nHidden: 2, leak: 1 });
 */
export function createLowRankSystem(spec: LowRankSystemSpec): LowRankSystem {
  const { A, B, nHidden, leak, inputWeights, nInputs } = spec;
  checkInteger('nHidden', nHidden, 1);
  checkNumber('leak', leak, { min: 0, minExclusive: true, max: 1 });
  const size = A instanceof Matrix ? A.rows * A.columns : A.length;
  const k = A instanceof Matrix ? A.columns : size / nHidden;
  if (!Number.isInteger(k) || k < 1 || k > nHidden) {
    throw new ConfigError([`A must be nHidden×k with k in [1, ${nHidden}], got ${size} entries for nHidden ${nHidden}`]);
  }
  let width = 0;
  if (inputWeights !== undefined) {
    width = inputWeights instanceof Matrix ? inputWeights.columns : checkInteger('nInputs', nInputs, 0);
  }
  return {
    nHidden,
    k,
    nInputs: width,
    leak,
    A: flatten(A, nHidden, k, 'A'),
    B: flatten(B, nHidden, k, 'B'),
    inputWeights: inputWeights === undefined ? new Float64Array(0) : flatten(inputWeights, nHidden, width, 'inputWeights'),
  };
}

function isSystem(model: unknown): model is LowRankSystem {
  return typeof model === 'object' && model !== null && (model as LowRankSystem).A instanceof Float64Array && 'inputWeights' in model && typeof (model as LowRankSystem).k === 'number';
}

/**
 * The low-rank system of a model: a LowRankSystem is returned as is; a BrainInspiredRNN is read
 * through its ParameterSet ('m', 'n', 'M', 'N', 'W_in'; A = [m | M], B = [n | N]) or, lacking
 * those, through `factors()` / `layer.factors()` and `inputWeights()`.
 * @example
 * const sys = toLowRankSystem(rnn); // rnn: BrainInspiredRNN
 */
export function toLowRankSystem(model: LowRankSystem | LowRankModelLike): LowRankSystem {
  if (isSystem(model)) return model;
  const N = model.nHidden;
  const leak = model.leak ?? model.config?.leak;
  if (typeof leak !== 'number') throw new ConfigError([`model must expose leak (or config.leak), got ${showValue(leak)}`]);
  const params = model.parameters;
  if (params !== undefined && params.has('m') && params.has('n') && params.has('M') && params.has('N') && params.has('W_in')) {
    const { A, B } = packLowRankFactors(params);
    const nInputs = params.entry('W_in').shape[1];
    return createLowRankSystem({ A, B, nHidden: N, leak, inputWeights: params.view('W_in'), nInputs });
  }
  const factors = model.factors?.() ?? model.layer?.factors();
  if (factors === undefined || model.inputWeights === undefined) {
    throw new ConfigError(['model must have parameters m, n, M, N, W_in, or factors() and inputWeights()']);
  }
  return createLowRankSystem({ A: factors.A, B: factors.B, nHidden: N, leak, inputWeights: model.inputWeights() });
}

/** Check a state vector (length N) and an input (length nInputs; empty for no input). */
export function checkStateInput(sys: LowRankSystem, h: ArrayLike<number>, u: ArrayLike<number> | undefined): void {
  if (h.length !== sys.nHidden) throw new ConfigError([`h must have length nHidden = ${sys.nHidden}, got ${h.length}`]);
  const width = u?.length ?? 0;
  if (width !== sys.nInputs && !(width === 0 && u === undefined)) {
    throw new ConfigError([`u must have length nInputs = ${sys.nInputs}, got ${width}`]);
  }
}

/** The input drive W_in u (length N); zeros without input. */
export function inputDrive(sys: LowRankSystem, u: ArrayLike<number> | undefined): Float64Array {
  const { nHidden: N, nInputs, inputWeights } = sys;
  const out = new Float64Array(N);
  if (u === undefined || nInputs === 0) return out;
  for (let i = 0; i < N; i++) {
    let sum = 0;
    for (let j = 0; j < nInputs; j++) sum += inputWeights[i * nInputs + j] * u[j];
    out[i] = sum;
  }
  return out;
}

/**
 * x = tanh(A (Bᵀ h) + drive) into `out` (length N); `overlaps` (length k) receives κ = Bᵀ h.
 * Hot path of the fixed-point search: no allocation, no checks.
 */
export function activations(sys: LowRankSystem, h: ArrayLike<number>, drive: Float64Array, out: Float64Array, overlaps: Float64Array): void {
  const { nHidden: N, k, A, B } = sys;
  overlaps.fill(0);
  for (let i = 0; i < N; i++) {
    const hi = h[i];
    for (let a = 0; a < k; a++) overlaps[a] += B[i * k + a] * hi;
  }
  for (let i = 0; i < N; i++) {
    let pre = drive[i];
    for (let a = 0; a < k; a++) pre += A[i * k + a] * overlaps[a];
    out[i] = Math.tanh(pre);
  }
}

/**
 * h ← F(h, u) = (1 − leak) h + leak tanh(W h + drive) in place, `scratch` (length N) and `overlaps`
 * (length k) as workspace. Hot path of trajectories and settling: no allocation, no checks.
 */
export function advanceState(sys: LowRankSystem, h: Float64Array, drive: Float64Array, scratch: Float64Array, overlaps: Float64Array): void {
  activations(sys, h, drive, scratch, overlaps);
  for (let i = 0; i < sys.nHidden; i++) h[i] = (1 - sys.leak) * h[i] + sys.leak * scratch[i];
}

/**
 * One step of the map, F(h, u) = (1 − leak) h + leak tanh(W h + W_in u).
 * @example
 * stepDynamics(sys, Float64Array.of(0.1, -0.2)); // the next state, no input
 */
export function stepDynamics(model: LowRankSystem | LowRankModelLike, h: ArrayLike<number>, u?: ArrayLike<number>): Float64Array {
  const sys = toLowRankSystem(model);
  checkStateInput(sys, h, u);
  const next = Float64Array.from(h);
  advanceState(sys, next, inputDrive(sys, u), new Float64Array(sys.nHidden), new Float64Array(sys.k));
  return next;
}

/** W = A Bᵀ as an N×N Matrix (for checks and full decompositions; analyses avoid it). */
export function recurrentMatrix(model: LowRankSystem | LowRankModelLike): Matrix {
  const { nHidden, k, A, B } = toLowRankSystem(model);
  return factorProduct(A, B, nHidden, k);
}
