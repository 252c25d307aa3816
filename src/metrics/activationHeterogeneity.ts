/**
 * The one computation behind the response-heterogeneity metric and the training loss's reward:
 * at tanh outputs x of the map h' = (1 − leak) h + leak tanh(W h + W_in u) (Mastrogiuseppe &
 * Ostojic 2018), unit i's input sensitivity is rᵢ = leak (1 − xᵢ²) ‖W_in[i, :]‖₂, and each row of
 * x contributes the population variance of rᵢ across the N units. `computeResponseHeterogeneity`
 * (responseHeterogeneity.ts) first forms x from visited states; `heterogeneityPenalty` (re-exported
 * by src/training/regularizers.ts, used by the model's backward pass) takes x from a forward pass
 * and adds the gradients. Living here, below both, it lets src/model/ use it without importing
 * src/training/.
 */
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { rowMajor } from './matrixInput.js';

export interface ActivationHeterogeneityOptions {
  /** count×N row-major tanh outputs x. */
  activations: ArrayLike<number>;
  /** Rows of `activations` (visited states, or B·T trials of a batch), an integer >= 1. */
  count: number;
  /** Units N, an integer >= 1. */
  nHidden: number;
  /** ‖W_in[i, :]‖₂ of each unit (length N), as `inputRowNorms` returns them. */
  inputNorms: ArrayLike<number>;
  /** Leak in (0, 1]. */
  leak: number;
  /** Also return the gradients of the mean over rows of `perRow` (default false). */
  gradients?: boolean;
}

export interface ActivationHeterogeneity {
  /** Population variance across units of rᵢ at each row (length count). */
  perRow: Float64Array;
  /** Each unit's rᵢ averaged over rows (length N). */
  meanSensitivity: Float64Array;
  /** With `gradients`: d mean(perRow) / d x, count×N row-major. */
  dActivations?: Float64Array;
  /** With `gradients`: d mean(perRow) / d ‖W_in[i, :]‖₂ (length N). */
  dInputNorms?: Float64Array;
}

/**
 * ‖W_in[i, :]‖₂ of each row of an N×nIn row-major input-weight matrix.
 * @example
 * inputRowNorms(Float64Array.of(3, 4, 0, 1), 2, 2); // Float64Array [5, 1]
 */
export function inputRowNorms(inputWeights: ArrayLike<number>, N: number, nIn: number): Float64Array {
  const norms = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let sq = 0;
    for (let j = 0; j < nIn; j++) sq += inputWeights[i * nIn + j] ** 2;
    norms[i] = Math.sqrt(sq);
  }
  return norms;
}

/**
 * Chain d/d‖W_in[i, :]‖ down to d/dW_in (N×nIn row-major). Where a row is zero its norm is not
 * differentiable; that row's gradient is left 0 (the minimum-norm subgradient, and what PyTorch's
 * `norm` backward returns there).
 * @example
 * inputNormGradient(Float64Array.of(1), Float64Array.of(3, 4), Float64Array.of(5), 2); // [0.6, 0.8]
 */
export function inputNormGradient(
  dInputNorms: ArrayLike<number>,
  inputWeights: ArrayLike<number>,
  inputNorms: ArrayLike<number>,
  nIn: number,
): Float64Array {
  const N = inputNorms.length;
  const dInputWeights = new Float64Array(N * nIn);
  for (let i = 0; i < N; i++) {
    if (inputNorms[i] === 0) continue;
    for (let j = 0; j < nIn; j++) dInputWeights[i * nIn + j] = (dInputNorms[i] * inputWeights[i * nIn + j]) / inputNorms[i];
  }
  return dInputWeights;
}

/**
 * Variance across units of the input sensitivities rᵢ = leak (1 − xᵢ²) ‖W_in[i, :]‖₂ at each row
 * of tanh outputs x, optionally with the gradients of their mean over rows.
 * @example
 * const { perRow } = activationHeterogeneity({ activations: x, count: S, nHidden: N, inputNorms: inputRowNorms(Win, N, nIn), leak: 0.2 });
 */
export function activationHeterogeneity(options: ActivationHeterogeneityOptions): ActivationHeterogeneity {
  const { activations, count, nHidden: N, inputNorms, leak, gradients = false } = options;
  checkInteger('count', count, 1);
  checkInteger('nHidden', N, 1);
  checkNumber('leak', leak, { min: 0, minExclusive: true, max: 1 });
  rowMajor(activations, count, N, 'activations');
  if (inputNorms.length !== N) throw new ConfigError([`inputNorms must have length nHidden = ${N}, got ${inputNorms.length}`]);

  const perRow = new Float64Array(count);
  const meanSensitivity = new Float64Array(N);
  const sensitivity = new Float64Array(N);
  const dActivations = gradients ? new Float64Array(count * N) : undefined;
  const dInputNorms = gradients ? new Float64Array(N) : undefined;
  for (let s = 0; s < count; s++) {
    const base = s * N;
    let mean = 0;
    for (let i = 0; i < N; i++) {
      const x = activations[base + i];
      sensitivity[i] = leak * (1 - x * x) * inputNorms[i];
      mean += sensitivity[i];
      meanSensitivity[i] += sensitivity[i] / count;
    }
    mean /= N;
    let variance = 0;
    for (let i = 0; i < N; i++) variance += (sensitivity[i] - mean) ** 2;
    perRow[s] = variance / N;
    if (dActivations === undefined || dInputNorms === undefined) continue;
    // d Var / d rᵢ = 2 (rᵢ − r̄) / N: the mean's own dependence on rᵢ sums to zero.
    for (let i = 0; i < N; i++) {
      const dSensitivity = (2 * (sensitivity[i] - mean)) / N / count;
      const x = activations[base + i];
      dActivations[base + i] = dSensitivity * leak * -2 * x * inputNorms[i];
      dInputNorms[i] += dSensitivity * leak * (1 - x * x);
    }
  }
  return gradients ? { perRow, meanSensitivity, dActivations, dInputNorms } : { perRow, meanSensitivity };
}

export interface HeterogeneityPenaltyResult {
  /** Mean over rows of the population variance across units of rᵢ = leak (1 − xᵢ²) ‖W_in[i, :]‖₂. */
  value: number;
  /** d value / d activations, count×N row-major. */
  dActivations: Float64Array;
  /** d value / d W_in, N×nIn row-major. */
  dInputWeights: Float64Array;
}

/**
 * Response heterogeneity of a batch of tanh activations x (the `computeResponseHeterogeneity`
 * metric, computed from x directly), with its gradients. The loss subtracts λ · value.
 * @param activations - count×N row-major tanh outputs x.
 * @param inputWeights - N×nIn row-major W_in.
 * @example
 * const het = heterogeneityPenalty(forward.cache.activations, B * T, N, parameters.view('W_in'), nIn, leak);
 */
export function heterogeneityPenalty(
  activations: ArrayLike<number>,
  count: number,
  N: number,
  inputWeights: ArrayLike<number>,
  nIn: number,
  leak: number,
): HeterogeneityPenaltyResult {
  checkInteger('count', count, 1);
  checkInteger('N', N, 1);
  checkInteger('nIn', nIn, 1);
  checkNumber('leak', leak, { min: 0, minExclusive: true, max: 1 });
  rowMajor(activations, count, N, 'activations');
  rowMajor(inputWeights, N, nIn, 'inputWeights');

  const inputNorms = inputRowNorms(inputWeights, N, nIn);
  const { perRow, dActivations, dInputNorms } = activationHeterogeneity({ activations, count, nHidden: N, inputNorms, leak, gradients: true });
  let value = 0;
  for (let s = 0; s < count; s++) value += perRow[s] / count;
  return { value, dActivations: dActivations!, dInputWeights: inputNormGradient(dInputNorms!, inputWeights, inputNorms, nIn) };
}
