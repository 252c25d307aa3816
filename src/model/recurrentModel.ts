/**
 * The one interface every trainable agent model implements (BrainInspiredRNN, TinyGRU), so tasks,
 * trainers, actors and analyses never care which network they drive.
 *
 * Layout conventions, shared by every kernel:
 * - a batch of B sequences of T trials stores per-trial vectors session-major: index
 *   `(b * T + t) * width + i` (like PyTorch's [B, T, width]);
 * - a cohort of S sessions stepped together stores `s * width + i`;
 * - `logits[t]` and `values[t]` are read out from the state *after* the update with input u_t,
 *   i.e. h_{t+1} = F(h_t, u_t), logits_t = W_out h_{t+1} + b_out (as in the benchmark workloads).
 */
import type { ParameterSet, Real } from './parameters.js';

/** B sequences of T trials of network inputs, with optional targets and a mask of valid trials. */
export interface SequenceBatch {
  /** Number of sequences (sessions), B. */
  nSessions: number;
  /** Trials per sequence, T. */
  nTrials: number;
  /** Input width per trial. */
  nInputs: number;
  /** B*T*nInputs, session-major. */
  inputs: Real;
  /** B*T target actions in [0, nOutputs) (supervised fitting); -1 where there is none. */
  targets?: Int32Array;
  /** B*T, 1 where the trial counts in the loss (missed trials and padding are 0). Default: all 1. */
  mask?: Uint8Array;
}

/** What a forward pass over a batch keeps for the backward pass and for analysis. */
export interface ForwardResult {
  nSessions: number;
  nTrials: number;
  /** B*T*nHidden: the state after each trial's update, h_{t+1}. */
  hidden: Float64Array;
  /** B*T*nOutputs policy logits. */
  logits: Float64Array;
  /** B*T value estimates (value head). */
  values: Float64Array;
  /** Kernel-specific intermediates needed by `backward` (e.g. tanh outputs, gates). */
  cache: Record<string, Float64Array>;
}

/** Gradients of a scalar loss with respect to the model's outputs. Arrays may be omitted when zero. */
export interface OutputGradients {
  /** B*T*nOutputs. */
  dLogits?: Float64Array;
  /** B*T. */
  dValues?: Float64Array;
  /**
   * B*T*nHidden, gradient with respect to the kernel's per-trial nonlinearity outputs
   * (`cache.activations`, the tanh outputs x_t of the low-rank net). Used by the response
   * heterogeneity term, which depends on x_t.
   */
  dActivations?: Float64Array;
}

/** Serialisable description of a model: enough to rebuild it bit-exactly. */
export interface SerializedModel {
  kind: 'brain_inspired_rnn' | 'tiny_gru';
  /** Model-specific configuration (DevelopmentalConfig, GRU sizes, ...). */
  config: Record<string, unknown>;
  nInputs: number;
  nOutputs: number;
  parameters: import('./parameters.js').SerializedParameters;
}

export interface RecurrentModel {
  readonly kind: SerializedModel['kind'];
  readonly nInputs: number;
  readonly nOutputs: number;
  readonly nHidden: number;
  /** All trainable parameters, in one flat array (optimisers update `parameters.data` in place). */
  readonly parameters: ParameterSet;

  /** S×nHidden zeros (or the model's learned initial state), for a cohort of S sessions. */
  initialState(nSessions: number): Float64Array;

  /**
   * Advance a cohort of S sessions by one trial: reads `state` (S×nHidden) and `inputs`
   * (S×nInputs), writes the new state into `state` in place, and the readouts into `logits`
   * (S×nOutputs) and `values` (S). One call per trial for the whole cohort.
   */
  step(state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array): void;

  /** Forward pass over a batch of sequences from the initial state, keeping what backward needs. */
  forward(batch: SequenceBatch): ForwardResult;

  /**
   * Backpropagation through time: accumulates dLoss/dParameters into `gradients.data`
   * (same layout as `parameters`; the caller zeroes it).
   */
  backward(batch: SequenceBatch, forward: ForwardResult, outputGradients: OutputGradients, gradients: ParameterSet): void;

  /**
   * Optional: record a closed-loop episode of S sessions × T trials as it is played, so that the
   * episode's forward pass comes out of the play itself instead of being run again for BPTT
   * (playEpisode uses it; undefined where the model's kernel cannot, and then step is used).
   */
  beginRollout?(nSessions: number, nTrials: number): RolloutRecorder | undefined;

  toJSON(): SerializedModel;
}

/** A closed-loop episode being recorded (`RecurrentModel.beginRollout`). */
export interface RolloutRecorder {
  /** The next trial for the S sessions: like `step`, with the state kept by the recorder. */
  step(inputs: Real, logits: Float64Array, values: Float64Array): void;
  /** The forward pass over the episode's inputs, exactly as `forward` would compute it. */
  finish(): ForwardResult;
}
