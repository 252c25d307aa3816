/**
 * BrainInspiredRNN: the developmental low-rank RNN. Leaky tanh units whose recurrent weights are
 * W_rec = m nᵀ + M Nᵀ (Mastrogiuseppe & Ostojic 2018), a policy readout and a value readout; the
 * rank and leak come from a DevelopmentalConfig (premature vs mature). The arithmetic lives in the
 * kernels: `kernels/lowRankKernel.ts` (float64 JavaScript) and `kernels/lowRankWasmKernel.ts`
 * (float32 WebAssembly SIMD, four sessions per vector); this class holds parameters, the kernel
 * choice, validation and serialisation.
 */
import { Matrix } from 'ml-matrix';
import { z } from 'zod';
import { ConfigError } from '../validation.js';
import { parseWith } from '../schemaValidation.js';
import { validateDevelopmentalConfig, type DevelopmentalConfig } from './config.js';
import { fillNormal } from './init.js';
import { initialisationRandom, recurrentModelOptionsShape, type RecurrentModelOptions } from './modelOptions.js';
import {
  LowRankWorkspace, lowRankBackward, lowRankForward, lowRankParameterSpec, lowRankStep, type LowRankDims,
} from './kernels/lowRankKernel.js';
import { LowRankWasmForward, LowRankWasmKernel, type LowRankOutputGradients } from './kernels/lowRankWasmKernel.js';
import { wasmSimdAvailable } from './kernels/lowRankSimdModule.js';
import { LowRankRecurrentLayer } from './lowRankRecurrentLayer.js';
import {
  heterogeneityPenalty, inputNormGradient, inputRowNorms, type HeterogeneityPenaltyResult,
} from '../metrics/activationHeterogeneity.js';
import { ParameterSet, type Real } from './parameters.js';
import type { ForwardResult, OutputGradients, RecurrentModel, RolloutRecorder, SequenceBatch, SerializedModel } from './recurrentModel.js';

export interface BrainInspiredRNNOptions extends RecurrentModelOptions {
  /**
   * Which kernel computes step, forward and backward: 'js' (float64 arithmetic) or 'wasm' (float32
   * WebAssembly SIMD, about 10–20× faster on batches). Default: 'wasm' for float32 models where
   * WebAssembly SIMD is available, otherwise 'js' (so float64 models stay exact).
   */
  kernel?: LowRankKernelName;
}

/** The kernels a BrainInspiredRNN can run on. */
export type LowRankKernelName = 'js' | 'wasm';

const optionsSchema = z
  .object({
    ...recurrentModelOptionsShape,
    kernel: z.enum(['js', 'wasm'], { error: (issue) => `must be "js" or "wasm", got ${JSON.stringify(issue.input)}` }).optional(),
  })
  .strict();

/**
 * @example
 * const rnn = new BrainInspiredRNN(createPrematureConfig(), { nInputs: 4, seed: 1 });
 * const state = rnn.initialState(64);
 * rnn.step(state, inputs, logits, values); // one trial for 64 sessions
 */
export class BrainInspiredRNN implements RecurrentModel {
  readonly kind = 'brain_inspired_rnn' as const;
  readonly config: DevelopmentalConfig;
  readonly nHidden: number;
  readonly nInputs: number;
  readonly nOutputs: number;
  readonly parameters: ParameterSet;
  /** W_rec in factor form, as live views of `parameters`. */
  readonly layer: LowRankRecurrentLayer;
  /** The kernel in use (see `BrainInspiredRNNOptions.kernel`). */
  readonly kernel: LowRankKernelName;
  private readonly dims: LowRankDims;
  private readonly workspace: LowRankWorkspace;
  private readonly wasm: LowRankWasmKernel | undefined;
  /** heterogeneityPenalty of recent JS-kernel forward passes, so backward does not recompute it. */
  private readonly heterogeneityCache = new WeakMap<ForwardResult, HeterogeneityPenaltyResult>();

  /**
   * Initialisation (Mastrogiuseppe & Ostojic 2018 scaling): m, n, M, N entries ~ N(0, g²/N) with
   * g = connectivityGain; W_in ~ N(0, inputGain²/nInputs); W_out, w_value ~ N(0, 1/N); biases 0.
   * Drawn in that order, each tensor row-major.
   */
  constructor(config: DevelopmentalConfig, options: BrainInspiredRNNOptions) {
    this.config = validateDevelopmentalConfig(config, 'config');
    const { nInputs, nOutputs = 2, seed, rng, dtype = 'float64', kernel } = parseWith(optionsSchema, options, 'BrainInspiredRNN');
    const draw = initialisationRandom('BrainInspiredRNN', seed, rng);
    const { nHidden, rank, leak, connectivityGain, inputGain } = this.config;
    this.nHidden = nHidden;
    this.nInputs = nInputs;
    this.nOutputs = nOutputs;
    this.dims = { N: nHidden, r: rank, nInputs, nOutputs, leak };
    this.parameters = new ParameterSet(lowRankParameterSpec(this.dims), dtype);
    this.layer = new LowRankRecurrentLayer(this.parameters);
    this.workspace = new LowRankWorkspace(this.dims);
    if (kernel === 'wasm' && !wasmSimdAvailable()) {
      throw new ConfigError(['BrainInspiredRNN.kernel "wasm" needs WebAssembly SIMD, which this runtime lacks; use kernel "js"']);
    }
    this.kernel = kernel ?? (dtype === 'float32' && wasmSimdAvailable() ? 'wasm' : 'js');
    this.wasm = this.kernel === 'wasm' ? new LowRankWasmKernel(this.dims) : undefined;

    const factorStd = connectivityGain / Math.sqrt(nHidden);
    for (const name of ['m', 'n', 'M', 'N']) fillNormal(this.parameters.view(name), draw, factorStd);
    fillNormal(this.parameters.view('W_in'), draw, inputGain / Math.sqrt(nInputs));
    fillNormal(this.parameters.view('W_out'), draw, 1 / Math.sqrt(nHidden));
    fillNormal(this.parameters.view('w_value'), draw, 1 / Math.sqrt(nHidden));
  }

  /** Leak (dt/τ) of the units: h' = (1 − leak) h + leak tanh(W_rec h + W_in u). */
  get leak(): number {
    return this.config.leak;
  }

  initialState(nSessions: number): Float64Array {
    return new Float64Array(nSessions * this.nHidden);
  }

  step(state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array): void {
    const S = values.length;
    if (state.length !== S * this.nHidden || inputs.length !== S * this.nInputs || logits.length !== S * this.nOutputs) {
      throw new RangeError(
        `step for ${S} sessions needs state ${S * this.nHidden}, inputs ${S * this.nInputs}, logits ${S * this.nOutputs}; ` +
          `got ${state.length}, ${inputs.length}, ${logits.length}`,
      );
    }
    if (this.wasm) this.wasm.step(this.parameters, state, inputs, logits, values);
    else lowRankStep(this.parameters, this.dims, state, inputs, logits, values, this.workspace);
  }

  /**
   * Forward pass over a batch. With the wasm kernel, `hidden` and `cache.activations`/`cache.kappa`
   * are unpacked to float64 on first read (logits and values are plain arrays).
   */
  forward(batch: SequenceBatch): ForwardResult {
    this.checkBatch(batch);
    if (this.wasm) return this.wasm.forward(this.parameters, batch);
    return lowRankForward(this.parameters, this.dims, batch, this.workspace);
  }

  /**
   * With the wasm kernel, a recorder whose trials run the batch forward pass's own code into its
   * buffers, so an A2C update can backpropagate through the episode without a second forward pass
   * (`finish()` equals `forward` over the played inputs bit for bit); undefined on the js kernel.
   * @example
   * const rollout = rnn.beginRollout(64, 150);
   */
  beginRollout(nSessions: number, nTrials: number): RolloutRecorder | undefined {
    return this.wasm?.beginRollout(this.parameters, nSessions, nTrials);
  }

  /**
   * Exact BPTT; `outputGradients.dActivations` is taken with respect to x_t = tanh(pre_t), and
   * `heterogeneityWeight` w adds w · d(responseHeterogeneity(forward).value)/dx_t to it.
   */
  backward(batch: SequenceBatch, forward: ForwardResult, outputGradients: LowRankOutputGradients, gradients: ParameterSet): void {
    this.checkBatch(batch);
    if (gradients.size !== this.parameters.size) {
      throw new RangeError(`gradients must have the parameters' layout (${this.parameters.size} values), got ${gradients.size}`);
    }
    if (this.wasm) {
      this.wasm.backward(this.parameters, batch, forward, outputGradients, gradients);
      return;
    }
    const { heterogeneityWeight = 0, ...plain } = outputGradients;
    if (heterogeneityWeight !== 0) {
      const extra = this.responseHeterogeneity(forward).dActivations;
      const dActivations = new Float64Array(extra.length);
      for (let i = 0; i < extra.length; i++) dActivations[i] = extra[i] * heterogeneityWeight;
      if (plain.dActivations !== undefined) for (let i = 0; i < extra.length; i++) dActivations[i] += plain.dActivations[i];
      plain.dActivations = dActivations;
    }
    lowRankBackward(this.parameters, this.dims, batch, forward, plain, gradients, this.workspace);
  }

  /**
   * The response heterogeneity of a forward pass's activations (`heterogeneityPenalty` of
   * src/metrics/activationHeterogeneity.ts over its B·T rows) with its gradients. The wasm kernel
   * computes value and dInputWeights inside the forward pass; its `dActivations` then unpack only
   * when read, and `backward({ heterogeneityWeight })` applies that gradient without them.
   * @example
   * const { value, dInputWeights } = model.responseHeterogeneity(model.forward(batch));
   */
  responseHeterogeneity(forward: ForwardResult): HeterogeneityPenaltyResult {
    const cached = this.heterogeneityCache.get(forward);
    if (cached) return cached;
    const fused = forward instanceof LowRankWasmForward ? forward.heterogeneity : undefined;
    let result: HeterogeneityPenaltyResult;
    if (fused !== undefined) {
      const inputWeights = this.parameters.view('W_in');
      const inputNorms = inputRowNorms(inputWeights, this.nHidden, this.nInputs);
      const dInputWeights = inputNormGradient(fused.dInputNorm, inputWeights, inputNorms, this.nInputs);
      let dActivations: Float64Array | undefined;
      const model = this;
      result = {
        value: fused.value,
        dInputWeights,
        get dActivations() {
          return (dActivations ??= jsHeterogeneity(model, forward).dActivations);
        },
      };
    } else {
      result = jsHeterogeneity(this, forward);
    }
    this.heterogeneityCache.set(forward, result);
    return result;
  }

  /** The dense N×N W_rec = m nᵀ + M Nᵀ (for analysis). */
  recurrentWeights(): Matrix {
    return this.layer.recurrentWeights();
  }

  /** W_in as an N×nInputs matrix (a copy). */
  inputWeights(): Matrix {
    return Matrix.from1DArray(this.nHidden, this.nInputs, Array.from(this.parameters.view('W_in')));
  }

  /** A deep copy with its own parameters. */
  clone(): BrainInspiredRNN {
    const copy = new BrainInspiredRNN(this.config, { nInputs: this.nInputs, nOutputs: this.nOutputs, dtype: this.parameters.dtype, kernel: this.kernel });
    copy.parameters.copyFrom(this.parameters);
    return copy;
  }

  toJSON(): SerializedModel {
    return {
      kind: this.kind,
      config: { ...this.config },
      nInputs: this.nInputs,
      nOutputs: this.nOutputs,
      parameters: this.parameters.toJSON(),
    };
  }

  /** Bit-exact inverse of `toJSON`; checks the kind, the config and every tensor's name and shape. */
  static fromJSON(json: SerializedModel): BrainInspiredRNN {
    if (json?.kind !== 'brain_inspired_rnn') {
      throw new ConfigError([`model kind must be "brain_inspired_rnn", got ${JSON.stringify(json?.kind)}`]);
    }
    const saved = ParameterSet.fromJSON(json.parameters);
    const config = validateDevelopmentalConfig(json.config, 'config');
    const model = new BrainInspiredRNN(config, { nInputs: json.nInputs, nOutputs: json.nOutputs, dtype: saved.dtype });
    model.parameters.copyFromSameLayout(saved, 'BrainInspiredRNN');
    return model;
  }

  private checkBatch(batch: SequenceBatch): void {
    const { nSessions, nTrials, nInputs, inputs } = batch;
    if (nInputs !== this.nInputs || inputs.length !== nSessions * nTrials * nInputs) {
      throw new RangeError(
        `batch must have nInputs ${this.nInputs} and ${nSessions}×${nTrials}×${this.nInputs} inputs, got nInputs ${nInputs} and ${inputs.length}`,
      );
    }
  }
}

function jsHeterogeneity(model: BrainInspiredRNN, forward: ForwardResult): HeterogeneityPenaltyResult {
  const rows = forward.nSessions * forward.nTrials;
  return heterogeneityPenalty(forward.cache.activations, rows, model.nHidden, model.parameters.view('W_in'), model.nInputs, model.leak);
}
