/**
 * Response heterogeneity: how unequally the units of the network respond to the input.
 *
 * For the one-step map h' = (1 − leak) h + leak tanh(W h + W_in u) (Mastrogiuseppe & Ostojic 2018),
 * ∂h'ᵢ/∂u = leak (1 − xᵢ²) W_in[i, :] with x = tanh(W h + W_in u), so unit i's input sensitivity is
 * rᵢ = ‖∂h'ᵢ/∂u‖₂ = leak (1 − xᵢ²) ‖W_in[i, :]‖₂. Heterogeneity is the population variance of rᵢ
 * across the N units (divided by N), averaged over the visited states. The training loss rewards
 * the same quantity (`heterogeneityPenalty`); both are computed by `activationHeterogeneity`
 * (activationHeterogeneity.ts), this metric from the tanh outputs of the states it is given.
 */
import type { AbstractMatrix } from 'ml-matrix';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { activationHeterogeneity, inputRowNorms } from './activationHeterogeneity.js';
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
  const nStates = h.rows;
  const activations = new Float64Array(nStates * nHidden);
  for (let s = 0; s < nStates; s++) {
    for (let i = 0; i < nHidden; i++) {
      let drive = 0;
      for (let j = 0; j < nHidden; j++) drive += W[i * nHidden + j] * h.data[s * nHidden + j];
      for (let j = 0; j < nInputs; j++) drive += Win[i * nInputs + j] * u.data[s * nInputs + j];
      activations[s * nHidden + i] = Math.tanh(drive);
    }
  }
  const { perRow: perState, meanSensitivity } = activationHeterogeneity({
    activations, count: nStates, nHidden, inputNorms: inputRowNorms(Win, nHidden, nInputs), leak,
  });
  // Summed, then divided once: the metric's order since its first version (heterogeneityPenalty
  // divides each row first; the two agree to rounding).
  let total = 0;
  for (let s = 0; s < nStates; s++) total += perState[s];
  return { heterogeneity: total / nStates, perState, meanSensitivity };
}
