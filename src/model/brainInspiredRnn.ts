/**
 * BrainInspiredRNN: the developmental low-rank RNN. Leaky tanh units whose recurrent weights are
 * W_rec = m nᵀ + M Nᵀ (Mastrogiuseppe & Ostojic 2018), a policy readout and a value readout; the
 * rank and leak come from a DevelopmentalConfig (premature vs mature). The arithmetic lives in
 * `kernels/lowRankKernel.ts`; this class holds parameters, validation and serialisation.
 */
import { Matrix } from 'ml-matrix';
import { z } from 'zod';
import { createRandom, type Random } from '../random.js';
import { ConfigError, parseWith, showValue, zInteger } from '../validation.js';
import { validateDevelopmentalConfig, type DevelopmentalConfig } from './config.js';
import { fillNormal } from './init.js';
import {
  LowRankWorkspace, lowRankBackward, lowRankForward, lowRankParameterSpec, lowRankStep, type LowRankDims,
} from './kernels/lowRankKernel.js';
import { LowRankRecurrentLayer } from './lowRankRecurrentLayer.js';
import { ParameterSet, type Dtype, type Real } from './parameters.js';
import type { ForwardResult, OutputGradients, RecurrentModel, SequenceBatch, SerializedModel } from './recurrentModel.js';

export interface BrainInspiredRNNOptions {
  /** Input width per trial. */
  nInputs: number;
  /** Policy logits per trial (default 2, one per action). */
  nOutputs?: number;
  /** Seed of the initialisation (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initialisation from (advanced by the draws); give `seed` or `rng`, not both. */
  rng?: Random;
  /** Storage precision of the parameters (default 'float64'); arithmetic is always float64. */
  dtype?: Dtype;
}

const optionsSchema = z
  .object({
    nInputs: zInteger(1, 4096),
    nOutputs: zInteger(1, 4096).optional(),
    seed: zInteger(-Number.MAX_SAFE_INTEGER).optional(),
    rng: z
      .custom<Random>((v) => typeof v === 'object' && v !== null && typeof (v as Random).normal === 'function', {
        error: (issue) => `must be a Random (from createRandom), got ${showValue(issue.input)}`,
      })
      .optional(),
    dtype: z.enum(['float32', 'float64'], { error: (issue) => `must be "float32" or "float64", got ${JSON.stringify(issue.input)}` }).optional(),
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
  private readonly dims: LowRankDims;
  private readonly workspace: LowRankWorkspace;

  /**
   * Initialisation (Mastrogiuseppe & Ostojic 2018 scaling): m, n, M, N entries ~ N(0, g²/N) with
   * g = connectivityGain; W_in ~ N(0, inputGain²/nInputs); W_out, w_value ~ N(0, 1/N); biases 0.
   * Drawn in that order, each tensor row-major.
   */
  constructor(config: DevelopmentalConfig, options: BrainInspiredRNNOptions) {
    this.config = validateDevelopmentalConfig(config, 'config');
    const { nInputs, nOutputs = 2, seed, rng, dtype = 'float64' } = parseWith(optionsSchema, options, 'BrainInspiredRNN');
    if (seed !== undefined && rng !== undefined) throw new ConfigError(['BrainInspiredRNN takes seed or rng, not both']);
    const { nHidden, rank, leak, connectivityGain, inputGain } = this.config;
    this.nHidden = nHidden;
    this.nInputs = nInputs;
    this.nOutputs = nOutputs;
    this.dims = { N: nHidden, r: rank, nInputs, nOutputs, leak };
    this.parameters = new ParameterSet(lowRankParameterSpec(this.dims), dtype);
    this.layer = new LowRankRecurrentLayer(this.parameters);
    this.workspace = new LowRankWorkspace(this.dims);

    const draw = rng ?? createRandom(seed ?? 0);
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
    lowRankStep(this.parameters, this.dims, state, inputs, logits, values, this.workspace);
  }

  forward(batch: SequenceBatch): ForwardResult {
    this.checkBatch(batch);
    return lowRankForward(this.parameters, this.dims, batch, this.workspace);
  }

  /** Exact BPTT; `outputGradients.dActivations` is taken with respect to x_t = tanh(pre_t). */
  backward(batch: SequenceBatch, forward: ForwardResult, outputGradients: OutputGradients, gradients: ParameterSet): void {
    this.checkBatch(batch);
    if (gradients.size !== this.parameters.size) {
      throw new RangeError(`gradients must have the parameters' layout (${this.parameters.size} values), got ${gradients.size}`);
    }
    lowRankBackward(this.parameters, this.dims, batch, forward, outputGradients, gradients, this.workspace);
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
    const copy = new BrainInspiredRNN(this.config, { nInputs: this.nInputs, nOutputs: this.nOutputs, dtype: this.parameters.dtype });
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
    const expected = model.parameters.entries;
    const layoutMatches =
      saved.entries.length === expected.length &&
      saved.entries.every((e, i) => e.name === expected[i].name && e.shape.join(',') === expected[i].shape.join(','));
    if (!layoutMatches) {
      const describe = (set: ParameterSet) => set.entries.map((e) => `${e.name}[${e.shape}]`).join(', ');
      throw new ConfigError([`BrainInspiredRNN parameters must be ${describe(model.parameters)}, got ${describe(saved)}`]);
    }
    model.parameters.copyFrom(saved);
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
