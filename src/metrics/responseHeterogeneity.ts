/**
 * Response heterogeneity: how unequally the units of the network respond to the input.
 *
 * For the one-step map h' = (1 − leak) h + leak tanh(W h + W_in u) (Mastrogiuseppe & Ostojic 2018),
 * ∂h'ᵢ/∂u = leak (1 − xᵢ²) W_in[i, :] with x = tanh(W h + W_in u), so unit i's input sensitivity is
 * rᵢ = ‖∂h'ᵢ/∂u‖₂ = leak (1 − xᵢ²) ‖W_in[i, :]‖₂. Heterogeneity is the population variance of rᵢ
 * across the N units (divided by N), averaged over the visited states. The training loss rewards
 * the same quantity (`heterogeneityPenalty` in src/training/regularizers.ts).
 */
import type { AbstractMatrix } from 'ml-matrix';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { toMatrix, toRowMajor, type MatrixInput } from './matrixInput.js';

/** What the metric needs from a leaky-tanh recurrent network (a `Matrix` return satisfies it). */
export interface LeakyTanhModel {
  /** Number of recurrent units N. */
  readonly nHidden: number;
  /** Input width. */
  readonly nInputs: number;
  /** Leak in (0, 1] of h' = (1 − leak) h + leak tanh(W h + W_in u). */
  readonly leak: number;
  /** N×N recurrent weights W. */
  recurrentWeights(): AbstractMatrix;
  /** N×nInputs input weights W_in. */
  inputWeights(): AbstractMatrix;
}

export interface ResponseHeterogeneity {
  /** Variance across units of rᵢ, averaged over states. */
  heterogeneity: number;
  /** Variance across units of rᵢ at each state (length S). */
  perState: Float64Array;
  /** Each unit's sensitivity rᵢ averaged over states (length N). */
  meanSensitivity: Float64Array;
}

/** States or inputs: any `MatrixInput`, or a bare flat row-major typed array whose width is known from the model. */
export type StateRows = MatrixInput | Float64Array | Float32Array;

function rowsOf(input: StateRows, width: number, name: string): { data: Float64Array; rows: number } {
  if (ArrayBuffer.isView(input)) {
    if (input.length % width !== 0) {
      throw new ConfigError([`${name} must hold whole rows of ${width} values, got length ${input.length}`]);
    }
    return { data: Float64Array.from(input), rows: input.length / width };
  }
  const matrix = toMatrix(input, name);
  if (matrix.columns !== width) throw new ConfigError([`${name} must have ${width} columns, got ${matrix.columns}`]);
  return { data: toRowMajor(matrix), rows: matrix.rows };
}

/**
 * Response heterogeneity of `model` at S visited (state, input) pairs; row s of `inputs` is the
 * input applied at state row s.
 * @example
 * const { heterogeneity } = computeResponseHeterogeneity(model, rowMajor(states, S, N), rowMajor(inputs, S, nIn));
 */
export function computeResponseHeterogeneity(model: LeakyTanhModel, states: StateRows, inputs: StateRows): ResponseHeterogeneity {
  const nHidden = checkInteger('model.nHidden', model.nHidden, 1);
  const nInputs = checkInteger('model.nInputs', model.nInputs, 1);
  const leak = checkNumber('model.leak', model.leak, { min: 0, minExclusive: true, max: 1 });
  const recurrent = model.recurrentWeights();
  const input = model.inputWeights();
  if (recurrent.rows !== nHidden || recurrent.columns !== nHidden) {
    throw new ConfigError([`model.recurrentWeights() must be ${nHidden}×${nHidden}, got ${recurrent.rows}×${recurrent.columns}`]);
  }
  if (input.rows !== nHidden || input.columns !== nInputs) {
    throw new ConfigError([`model.inputWeights() must be ${nHidden}×${nInputs}, got ${input.rows}×${input.columns}`]);
  }
  const h = rowsOf(states, nHidden, 'states');
  const u = rowsOf(inputs, nInputs, 'inputs');
  if (h.rows !== u.rows) throw new ConfigError([`inputs must have one row per state (${h.rows}), got ${u.rows}`]);
  if (h.rows === 0) throw new ConfigError(['states must have at least 1 row, got 0']);

  const W = toRowMajor(recurrent);
  const Win = toRowMajor(input);
  const inputNorm = new Float64Array(nHidden);
  for (let i = 0; i < nHidden; i++) {
    let sq = 0;
    for (let j = 0; j < nInputs; j++) sq += Win[i * nInputs + j] ** 2;
    inputNorm[i] = Math.sqrt(sq);
  }

  const nStates = h.rows;
  const perState = new Float64Array(nStates);
  const meanSensitivity = new Float64Array(nHidden);
  const sensitivity = new Float64Array(nHidden);
  let total = 0;
  for (let s = 0; s < nStates; s++) {
    let mean = 0;
    for (let i = 0; i < nHidden; i++) {
      let drive = 0;
      for (let j = 0; j < nHidden; j++) drive += W[i * nHidden + j] * h.data[s * nHidden + j];
      for (let j = 0; j < nInputs; j++) drive += Win[i * nInputs + j] * u.data[s * nInputs + j];
      const x = Math.tanh(drive);
      sensitivity[i] = leak * (1 - x * x) * inputNorm[i];
      mean += sensitivity[i];
      meanSensitivity[i] += sensitivity[i] / nStates;
    }
    mean /= nHidden;
    let variance = 0;
    for (let i = 0; i < nHidden; i++) variance += (sensitivity[i] - mean) ** 2;
    perState[s] = variance / nHidden;
    total += perState[s];
  }
  return { heterogeneity: total / nStates, perState, meanSensitivity };
}
