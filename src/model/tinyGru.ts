/**
 * TinyGRU: the tiny gated recurrent network of Ji-An, Benna & Mattar (2025, Nature, "Discovering
 * cognitive strategies with tiny recurrent neural networks"), whose 1-4 unit GRUs fit animal
 * choices better than classic cognitive models. Here it is the unconstrained baseline against
 * which the developmental low-rank RNN is compared. The arithmetic lives in the kernels:
 * `kernels/gruKernel.ts` (float64 JavaScript, the reference) and `kernels/gruWasmKernel.ts` (float32
 * WebAssembly SIMD, four sessions per vector).
 */
import { z } from 'zod';
import type { Random } from '../random.js';
import { ConfigError } from '../validation.js';
import { parseWith, zInteger } from '../schemaValidation.js';
import {
  createGruStepScratch, gruBackward, gruForward, gruParameterSpec, gruStep,
  type GruDims, type GruStepScratch,
} from './kernels/gruKernel.js';
import { GruWasmKernel } from './kernels/gruWasmKernel.js';
import { gruSimdAvailable } from './kernels/gruSimdModule.js';
import { initialisationRandom, recurrentModelOptionsShape, type RecurrentModelOptions } from './modelOptions.js';
import { ParameterSet, type Dtype, type Real } from './parameters.js';
import { maskedCrossEntropy } from '../training/crossEntropy.js';
import type { ForwardResult, OutputGradients, RecurrentModel, SequenceBatch, SerializedModel } from './recurrentModel.js';

/** Ji-An et al. use 1-4 units; 32 keeps the model "tiny" next to the 32-unit low-rank RNN. */
export const MAX_TINY_GRU_HIDDEN = 32;

export interface TinyGRUOptions extends RecurrentModelOptions {
  /** Hidden units H, an integer in [1, 32]. */
  nHidden: number;
  /** Storage precision of the parameters (default 'float64'). */
  dtype?: Dtype;
  /**
   * Which kernel computes step, forward and backward: 'js' (float64 arithmetic, whatever the dtype)
   * or 'wasm' (float32 WebAssembly SIMD, several times faster on batches). Default: 'wasm' for
   * float32 models where WebAssembly SIMD is available (a float32 model asks for float32
   * precision, which the SIMD kernel delivers), otherwise 'js', so float64 models stay exact.
   */
  kernel?: TinyGRUKernelName;
}

/** The kernels a TinyGRU can run on. */
export type TinyGRUKernelName = 'js' | 'wasm';

const optionsSchema = z
  .object({
    nHidden: zInteger(1, MAX_TINY_GRU_HIDDEN),
    ...recurrentModelOptionsShape,
    kernel: z.enum(['js', 'wasm'], { error: (issue) => `must be "js" or "wasm", got ${JSON.stringify(issue.input)}` }).optional(),
  })
  .strict();

/**
 * @example
 * const gru = new TinyGRU({ nHidden: 2, nInputs: 3, seed: 1 });
 * const state = gru.initialState(80);
 * gru.step(state, inputs, logits, values); // one trial for 80 sessions
 */
export class TinyGRU implements RecurrentModel {
  readonly kind = 'tiny_gru' as const;
  readonly nHidden: number;
  readonly nInputs: number;
  readonly nOutputs: number;
  readonly parameters: ParameterSet;
  /** The kernel in use (see `TinyGRUOptions.kernel`). */
  readonly kernel: TinyGRUKernelName;
  private readonly dims: GruDims;
  private readonly scratch: GruStepScratch;
  private readonly wasm: GruWasmKernel | undefined;

  constructor(options: TinyGRUOptions) {
    const parsed = parseWith(optionsSchema, options, 'TinyGRU');
    const { nHidden, nInputs, nOutputs = 2, seed, rng, dtype = 'float64', kernel } = parsed;
    const draw = initialisationRandom('TinyGRU', seed, rng);
    this.nHidden = nHidden;
    this.nInputs = nInputs;
    this.nOutputs = nOutputs;
    this.dims = { nHidden, nInputs, nOutputs };
    this.parameters = new ParameterSet(gruParameterSpec(this.dims), dtype);
    this.scratch = createGruStepScratch(nHidden);
    if (kernel === 'wasm' && !gruSimdAvailable()) {
      throw new ConfigError(['TinyGRU.kernel "wasm" needs WebAssembly SIMD, which this runtime lacks; use kernel "js"']);
    }
    this.kernel = kernel ?? (dtype === 'float32' && gruSimdAvailable() ? 'wasm' : 'js');
    this.wasm = this.kernel === 'wasm' ? new GruWasmKernel(this.dims) : undefined;
    initialiseUniform(this.parameters, draw, 1 / Math.sqrt(nHidden));
  }

  initialState(nSessions: number): Float64Array {
    return new Float64Array(nSessions * this.nHidden);
  }

  step(state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array): void {
    if (this.wasm) this.wasm.step(this.parameters, state, inputs, logits, values);
    else gruStep(this.parameters, this.dims, state, inputs, logits, values, this.scratch);
  }

  /** Forward pass; with the wasm kernel, `hidden` and the gates in `cache` unpack when first read. */
  forward(batch: SequenceBatch): ForwardResult {
    return this.wasm ? this.wasm.forward(this.parameters, batch) : gruForward(this.parameters, this.dims, batch);
  }

  /** Exact BPTT; see `gruBackward` (dActivations is taken with respect to the hidden state). */
  backward(batch: SequenceBatch, forward: ForwardResult, outputGradients: OutputGradients, gradients: ParameterSet): void {
    if (this.wasm) this.wasm.backward(this.parameters, batch, forward, outputGradients, gradients);
    else gruBackward(this.parameters, this.dims, batch, forward, outputGradients, gradients);
  }

  /**
   * Forward pass, masked cross-entropy of the choices (`maskedCrossEntropy`: mean NLL over the
   * trials with a target and mask 1) and its exact BPTT in one call, adding d(mean NLL)/d params
   * into `gradients`. On the wasm kernel the three run fused in float32; on the js kernel they are
   * gruForward, maskedCrossEntropy and gruBackward.
   * @example
   * const { meanNll } = gru.crossEntropyGradients(batch, grads);
   */
  crossEntropyGradients(batch: SequenceBatch, gradients: ParameterSet): { meanNll: number; count: number } {
    if (this.wasm) {
      const { totalNll, count } = this.wasm.crossEntropyGradients(this.parameters, batch, gradients);
      return { meanNll: count > 0 ? totalNll / count : NaN, count };
    }
    const forward = this.forward(batch);
    const { meanNll, count, dLogits } = maskedCrossEntropy(batch, forward.logits, this.nOutputs, { gradient: true });
    this.backward(batch, forward, { dLogits }, gradients);
    return { meanNll, count };
  }

  /** A deep copy with its own parameters (and the same kernel). */
  clone(): TinyGRU {
    const copy = new TinyGRU({ ...this.dims, dtype: this.parameters.dtype, kernel: this.kernel });
    copy.parameters.copyFrom(this.parameters);
    return copy;
  }

  toJSON(): SerializedModel {
    return {
      kind: this.kind,
      config: { nHidden: this.nHidden },
      nInputs: this.nInputs,
      nOutputs: this.nOutputs,
      parameters: this.parameters.toJSON(),
    };
  }

  /** Bit-exact inverse of `toJSON`; checks the kind and every tensor's name and shape. */
  static fromJSON(json: SerializedModel): TinyGRU {
    if (json?.kind !== 'tiny_gru') throw new ConfigError([`model kind must be "tiny_gru", got ${JSON.stringify(json?.kind)}`]);
    const saved = ParameterSet.fromJSON(json.parameters);
    const model = new TinyGRU({
      nHidden: json.config?.nHidden as number,
      nInputs: json.nInputs,
      nOutputs: json.nOutputs,
      dtype: saved.dtype,
    });
    model.parameters.copyFromSameLayout(saved, 'TinyGRU');
    return model;
  }
}

/** PyTorch's default for nn.GRU and nn.Linear(H, ·): every entry ~ U(−1/√H, 1/√H). */
function initialiseUniform(parameters: ParameterSet, rng: Random, bound: number): void {
  const data = parameters.data;
  for (let i = 0; i < data.length; i++) data[i] = (2 * rng.uniform() - 1) * bound;
}
