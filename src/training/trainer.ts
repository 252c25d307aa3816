/**
 * Offline trainer: fits a recurrent model to predict choices (cross-entropy) plus, for low-rank
 * models, the developmental regularisers with a linear warm-up. Adam, gradient clipping, early
 * stopping on validation NLL with best-weights restore. Every step is a handful of kernel calls.
 */
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { TinyGRU } from '../model/tinyGru.js';
import { LowRankWasmForward } from '../model/kernels/lowRankWasmKernel.js';
import type { ParameterSet } from '../model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../model/recurrentModel.js';
import { createRandom, type Random } from '../random.js';
import { ConfigError } from '../validation.js';
import { Adam, clipGradientNorm } from './adam.js';
import { maskedCrossEntropy } from './crossEntropy.js';
import { developmentalLoss, type DevelopmentalLossTerms } from './developmentalLoss.js';
import { accumulateShardGradients, BLOCK_SESSIONS, sessionRange, ShardedStep } from './supervisedShard.js';
import { createTrainingConfig, type TrainingConfig } from './trainingConfig.js';
import { sliceBatch } from './sliceBatch.js';

export interface StepResult {
  /** Task loss + regularisers, the quantity minimised. */
  loss: number;
  /** Mean NLL per choice of the batch. */
  taskLoss: number;
  /** Regulariser terms (low-rank models with regularize on). */
  regularizers?: DevelopmentalLossTerms;
  /** Gradient norm before clipping. */
  gradientNorm: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  trainLoss: number;
  /** Mean training NLL per choice over the epoch's steps. */
  trainNll: number;
  /** Validation NLL per choice (NaN without validation data). */
  validationNll: number;
  /** Regulariser terms at the end of the epoch (low-rank models). */
  regularizers?: DevelopmentalLossTerms;
  /** Warm-up factor applied to the regularisers this epoch. */
  warmup: number;
}

export interface TrainingHistory {
  epochs: EpochRecord[];
  /** Epoch whose weights were kept (best validation NLL, or the last without validation). */
  bestEpoch: number;
  bestValidationNll: number;
  stoppedEarly: boolean;
}

export interface FitData {
  /** Training sequences (split into mini-batches of `batchSize` sessions). */
  train: SequenceBatch;
  /** Held-out sequences for early stopping. */
  validation?: SequenceBatch;
}

export interface FitOptions {
  /** Called after every epoch (progress bars, live metrics). */
  onEpoch?: (record: EpochRecord) => void;
}

/** The loss terms of one step whose gradients a GradientEngine accumulated. */
export interface StepGradients {
  /** Mean NLL per counted choice of the whole batch. */
  taskLoss: number;
  /** Regulariser terms (present when `regularizerScale` > 0). */
  regularizers?: DevelopmentalLossTerms;
}

/**
 * Computes a step's gradients for the Trainer, which then clips them and applies Adam. Without one
 * the Trainer runs forward, loss and BPTT on the calling thread; actors/parallel's
 * ParallelSupervisedStep splits the sessions over worker threads instead.
 */
export interface GradientEngine {
  /** The model the gradients belong to: must be the Trainer's. */
  readonly model: RecurrentModel;
  /**
   * Add d loss / d parameters of `batch` into `gradients` (float64, the parameters' layout, zeroed
   * by the caller). The loss is the masked cross-entropy plus, when `regularizerScale` > 0 (only
   * for BrainInspiredRNN), the developmental regularisers of the model's config scaled by it.
   */
  accumulate(batch: SequenceBatch, regularizerScale: number, gradients: ParameterSet): StepGradients;
  /**
   * Optional: the sessions `sessions` of `source` as a batch placed where `accumulate` reads its
   * batches, so that a step need not copy it there again (Trainer.fit slices each step's batch with
   * it). The batch is valid until the next call.
   */
  sliceBatch?(source: SequenceBatch, sessions: readonly number[]): SequenceBatch;
}

export interface TrainerOptions {
  /** Computes each step's gradients (default: forward, loss and BPTT on the calling thread). */
  gradientEngine?: GradientEngine;
}

/**
 * The Trainer's loss and gradients of a batch, computed block by block (supervisedShard.ts): the
 * spectral terms once, each block's cross-entropy, heterogeneity and BPTT added straight into
 * `gradients`, in block order. Equal to one pass over the batch up to float32 summation order.
 */
function accumulateInBlocks(model: BrainInspiredRNN, batch: SequenceBatch, regularizerScale: number, gradients: ParameterSet): StepGradients {
  const step = new ShardedStep(model, batch, regularizerScale);
  step.addSpectralTerms(gradients);
  for (let start = 0; start < batch.nSessions; start += BLOCK_SESSIONS) {
    const count = Math.min(BLOCK_SESSIONS, batch.nSessions - start);
    step.add(accumulateShardGradients(model, sessionRange(batch, start, count), step.weights(count), gradients), count);
  }
  return step.result();
}

export class Trainer {
  readonly config: TrainingConfig;
  private readonly optimizer: Adam;
  private readonly gradients: ParameterSet;
  private readonly rng: Random;
  private readonly engine: GradientEngine;

  constructor(readonly model: RecurrentModel, config: Partial<TrainingConfig> = {}, { gradientEngine }: TrainerOptions = {}) {
    if (gradientEngine !== undefined && gradientEngine.model !== model) {
      throw new ConfigError(["Trainer gradientEngine must compute the gradients of the Trainer's own model, got an engine bound to another model"]);
    }
    this.engine = gradientEngine ?? { model, accumulate: (batch, scale, gradients) => this.accumulate(batch, scale, gradients) };
    this.config = createTrainingConfig(config);
    this.optimizer = new Adam(model.parameters.size, { learningRate: this.config.learningRate });
    this.gradients = model.parameters.zerosLike().withDtype('float64');
    this.rng = createRandom(this.config.seed);
  }

  /** Regulariser warm-up factor for an epoch (0-based): ramps linearly over the config's warm-up. */
  warmupFactor(epoch: number): number {
    if (!(this.model instanceof BrainInspiredRNN) || !this.config.regularize) return 0;
    const epochs = this.model.config.regularizerWarmupEpochs;
    return epochs === 0 ? 1 : Math.min(1, (epoch + 1) / epochs);
  }

  /** One optimisation step on one batch: forward, loss, BPTT, clip, Adam. */
  step(batch: SequenceBatch, warmup = 1): StepResult {
    const { model, gradients } = this;
    gradients.data.fill(0);
    const regularizerScale = model instanceof BrainInspiredRNN && this.config.regularize && warmup > 0 ? warmup : 0;
    const { taskLoss, regularizers } = this.engine.accumulate(batch, regularizerScale, gradients);
    const gradientNorm = clipGradientNorm(gradients, this.config.clipNorm);
    // Adam computes in float64 and stores into the parameters' own precision.
    this.optimizer.step(model.parameters, gradients);
    return { loss: taskLoss + (regularizers?.value ?? 0), taskLoss, regularizers, gradientNorm };
  }

  /** The default GradientEngine: the whole batch on the calling thread. */
  private accumulate(batch: SequenceBatch, regularizerScale: number, gradients: ParameterSet): StepGradients {
    const { model } = this;
    // The TinyGRU's wasm kernel fuses forward, masked cross-entropy and BPTT into one call (about a
    // third off a fit's step); on the js kernel this is the same three steps as below.
    if (model instanceof TinyGRU) return { taskLoss: model.crossEntropyGradients(batch, gradients).meanNll };
    if (model instanceof BrainInspiredRNN && model.kernel === 'wasm' && batch.nSessions > BLOCK_SESSIONS) {
      return accumulateInBlocks(model, batch, regularizerScale, gradients);
    }
    const forward = model.forward(batch);
    const task = maskedCrossEntropy(batch, forward.logits, model.nOutputs, { gradient: true });
    let regularizers: DevelopmentalLossTerms | undefined;
    if (model instanceof BrainInspiredRNN && regularizerScale > 0) {
      // The heterogeneity gradient on x_t is formed inside backward (fused in the wasm kernel).
      const developmental = developmentalLoss(model, forward, gradients, regularizerScale, { deferActivationGradient: true });
      regularizers = developmental.terms;
      model.backward(batch, forward, { dLogits: task.dLogits, heterogeneityWeight: developmental.heterogeneityWeight }, gradients);
    } else {
      model.backward(batch, forward, { dLogits: task.dLogits }, gradients);
    }
    // Nothing reads this pass's states again: the next forward pass may reuse the wasm buffers.
    if (forward instanceof LowRankWasmForward) forward.release();
    return { taskLoss: task.meanNll, regularizers };
  }

  /** NLL per choice and accuracy of the current weights on a batch (no update). */
  evaluate(batch: SequenceBatch): { nll: number; accuracy: number; count: number } {
    const forward = this.model.forward(batch);
    const { meanNll, accuracy, count } = maskedCrossEntropy(batch, forward.logits, this.model.nOutputs);
    return { nll: meanNll, accuracy, count };
  }

  /**
   * Train for `nEpochs` epochs (or until early stopping), keeping the best weights.
   * @example
   * const history = new Trainer(model, { nEpochs: 20 }).fit({ train, validation });
   */
  fit({ train, validation }: FitData, { onEpoch }: FitOptions = {}): TrainingHistory {
    const { nEpochs, batchSize, earlyStoppingPatience, earlyStoppingMinDelta } = this.config;
    const epochs: EpochRecord[] = [];
    let best = { nll: Infinity, epoch: -1, parameters: this.model.parameters.clone() };
    let stoppedEarly = false;
    const order = Array.from({ length: train.nSessions }, (_, i) => i);
    for (let epoch = 0; epoch < nEpochs; epoch++) {
      shuffleInPlace(order, this.rng);
      const warmup = this.warmupFactor(epoch);
      let lossSum = 0;
      let nllSum = 0;
      let steps = 0;
      let last: StepResult | undefined;
      for (let start = 0; start < order.length; start += batchSize) {
        const sessions = order.slice(start, start + batchSize);
        last = this.step(this.engine.sliceBatch?.(train, sessions) ?? sliceBatch(train, sessions), warmup);
        lossSum += last.loss;
        nllSum += last.taskLoss;
        steps += 1;
      }
      const validationNll = validation ? this.evaluate(validation).nll : NaN;
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / steps,
        trainNll: nllSum / steps,
        validationNll,
        regularizers: last?.regularizers,
        warmup,
      };
      epochs.push(record);
      onEpoch?.(record);
      const score = validation ? validationNll : record.trainNll;
      if (score < best.nll - earlyStoppingMinDelta) {
        best = { nll: score, epoch, parameters: this.model.parameters.clone() };
      } else if (validation && earlyStoppingPatience > 0 && epoch - best.epoch >= earlyStoppingPatience) {
        stoppedEarly = true;
        break;
      }
    }
    if (validation) this.model.parameters.copyFrom(best.parameters);
    return {
      epochs,
      bestEpoch: validation ? best.epoch : epochs.length - 1,
      bestValidationNll: validation ? best.nll : NaN,
      stoppedEarly,
    };
  }
}

function shuffleInPlace(values: number[], rng: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}
