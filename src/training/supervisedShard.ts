/**
 * One shard's part of a supervised step's gradient: forward, cross-entropy and BPTT over some of a
 * batch's sessions. The two batch means in the Trainer's loss are reweighted so that the shards'
 * gradients add up to the whole batch's: the cross-entropy is a mean over the batch's scored
 * trials, so the shard divides by the batch's count; the response heterogeneity is a mean over all
 * B·T rows, so a shard's mean over its own rows is weighted by its share of the sessions. The
 * spectral terms depend on W alone and are added once, by the caller. The Trainer steps the wasm
 * kernel through a batch in such shards (cache blocking), and every thread of actors/parallel's
 * ParallelSupervisedStep computes its chunks with them.
 */
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { LowRankWasmForward } from '../model/kernels/lowRankWasmKernel.js';
import type { ParameterSet } from '../model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../model/recurrentModel.js';
import { maskedCrossEntropy } from './crossEntropy.js';
import { addSpectralRegularizers, developmentalLossTerms } from './developmentalLoss.js';
import type { DevelopmentalRegularizerResult } from './regularizers.js';
import type { StepGradients } from './trainer.js';

/**
 * Sessions per block when the wasm kernel steps through a batch (two SIMD lane groups). A block's
 * forward pass writes its states and BPTT reads them back at once, while they are still in the
 * core's L2 cache; over the whole bench batch (80 sessions × 150 trials, 1.5 MB for each array of
 * states) they are not. Blocks of 8-20 sessions ran 6-9% faster than one pass of 80 on a 1 MiB-L2
 * AMD EPYC (docs/benchmarks.md); 8 keeps a block's states well inside smaller L2 caches too. The
 * Trainer steps in blocks of it; ParallelSupervisedStep's chunks are mostly of its size.
 */
export const BLOCK_SESSIONS = 8;

export interface ShardWeights {
  /** Scored trials (mask 1, target ≥ 0) in the whole batch: the cross-entropy's denominator. */
  batchCount: number;
  /** The shard's sessions over the batch's sessions. */
  sessionFraction: number;
  /** Add the response-heterogeneity term (the Trainer's regularisers are on). */
  regularize: boolean;
  /** λ of −λ·heterogeneity in the batch loss (config weight × warm-up); used when `regularize`. */
  heterogeneityWeight: number;
}

export interface ShardResult {
  /** Sum of −log p(target) over the shard's scored trials. */
  totalNll: number;
  /** The shard's scored trials. */
  count: number;
  /** Response heterogeneity over the shard's rows, unweighted (NaN without `regularize`). */
  heterogeneity: number;
}

/**
 * Adds the shard's share of d loss / d parameters into `gradients` (the parameters' layout).
 * @example
 * const own = accumulateShardGradients(model, firstSessions, { batchCount, sessionFraction: 0.5, regularize: true, heterogeneityWeight: 1e-3 }, grads);
 */
export function accumulateShardGradients(
  model: RecurrentModel,
  shard: SequenceBatch,
  { batchCount, sessionFraction, regularize, heterogeneityWeight }: ShardWeights,
  gradients: ParameterSet,
): ShardResult {
  const forward = model.forward(shard);
  const task = maskedCrossEntropy(shard, forward.logits, model.nOutputs, { gradient: true });
  const dLogits = task.dLogits!;
  if (task.count > 0 && task.count !== batchCount) {
    const rescale = task.count / batchCount;
    for (let i = 0; i < dLogits.length; i++) dLogits[i] *= rescale;
  }
  let heterogeneity = NaN;
  if (regularize && model instanceof BrainInspiredRNN) {
    const hetero = model.responseHeterogeneity(forward);
    heterogeneity = hetero.value;
    // The loss subtracts λ·heterogeneity: heterogeneity is rewarded (developmentalLoss.ts).
    const lambda = heterogeneityWeight * sessionFraction;
    if (lambda !== 0) {
      const gradInput = gradients.view('W_in');
      for (let i = 0; i < gradInput.length; i++) gradInput[i] -= lambda * hetero.dInputWeights[i];
    }
    model.backward(shard, forward, { dLogits, heterogeneityWeight: -lambda }, gradients);
  } else {
    model.backward(shard, forward, { dLogits }, gradients);
  }
  if (forward instanceof LowRankWasmForward) forward.release();
  return { totalNll: task.totalNll, count: task.count, heterogeneity };
}

/**
 * Scored trials of a batch: the rows maskedCrossEntropy counts.
 * @example
 * const batchCount = countScoredTrials(batch);
 */
export function countScoredTrials(batch: SequenceBatch): number {
  const { targets, mask } = batch;
  if (!targets) throw new RangeError('a supervised step needs batch.targets');
  let count = 0;
  for (let row = 0; row < targets.length; row++) {
    if (targets[row] >= 0 && (mask === undefined || mask[row] !== 0)) count += 1;
  }
  return count;
}

/**
 * Sessions [start, start + count) of a batch as views, no copy.
 * @example
 * const firstFour = sessionRange(batch, 0, 4);
 */
export function sessionRange(batch: SequenceBatch, start: number, count: number): SequenceBatch {
  const { nTrials, nInputs, inputs, targets, mask } = batch;
  const rows = [start * nTrials, (start + count) * nTrials];
  return {
    nSessions: count,
    nTrials,
    nInputs,
    inputs: inputs.subarray(rows[0] * nInputs, rows[1] * nInputs),
    targets: targets?.subarray(rows[0], rows[1]),
    mask: mask?.subarray(rows[0], rows[1]),
  };
}

/**
 * One sharded supervised step's batch-wide weights and the sum of its shards' results. The
 * Trainer's cache blocks and ParallelSupervisedStep's chunks both combine their shards through it,
 * so that the two cannot weight the loss terms differently: the spectral terms once, the
 * cross-entropy summed over the batch's scored trials, the heterogeneity weighted by each shard's
 * share of the sessions.
 * @example
 * const step = new ShardedStep(model, batch, warmup);
 * step.addSpectralTerms(gradients);
 * for (const [start, count] of shards) step.add(accumulateShardGradients(model, sessionRange(batch, start, count), step.weights(count), gradients), count);
 * const { taskLoss, regularizers } = step.result();
 */
export class ShardedStep {
  /** Scored trials in the whole batch. */
  readonly batchCount: number;
  /** The model, when its developmental regularisers are on in this step. */
  readonly lowRank: BrainInspiredRNN | undefined;
  /** λ of −λ·heterogeneity: the config's weight × the regulariser scale (0 when they are off). */
  readonly heterogeneityWeight: number;
  private totalNll = 0;
  private heterogeneity = 0;
  private spectral: DevelopmentalRegularizerResult | undefined;

  constructor(
    model: RecurrentModel,
    private readonly batch: SequenceBatch,
    private readonly regularizerScale: number,
  ) {
    this.batchCount = countScoredTrials(batch);
    this.lowRank = model instanceof BrainInspiredRNN && regularizerScale > 0 ? model : undefined;
    this.heterogeneityWeight = this.lowRank ? regularizerScale * this.lowRank.config.heterogeneityWeight : 0;
  }

  /** The weights of a shard of `sessions` sessions. */
  weights(sessions: number): ShardWeights {
    const { batchCount, lowRank, heterogeneityWeight } = this;
    return { batchCount, sessionFraction: sessions / this.batch.nSessions, regularize: lowRank !== undefined, heterogeneityWeight };
  }

  /** Adds the spectral terms' gradients (they depend on W alone): once per step, whatever the shards. */
  addSpectralTerms(gradients: ParameterSet): void {
    if (this.lowRank && this.spectral === undefined) this.spectral = addSpectralRegularizers(this.lowRank, this.regularizerScale, gradients);
  }

  /** Counts a shard of `sessions` sessions in: its NLL sum and its own heterogeneity. */
  add({ totalNll, heterogeneity }: Pick<ShardResult, 'totalNll' | 'heterogeneity'>, sessions: number): void {
    this.totalNll += totalNll;
    if (this.lowRank) this.heterogeneity += heterogeneity * (sessions / this.batch.nSessions);
  }

  /** The step's mean NLL per scored trial and, with the regularisers on, their terms. */
  result(): StepGradients {
    const { batchCount, lowRank, spectral } = this;
    if (lowRank && spectral === undefined) throw new Error('ShardedStep.result before addSpectralTerms: the regularisers are on in this step');
    return {
      taskLoss: batchCount > 0 ? this.totalNll / batchCount : NaN,
      regularizers: spectral ? developmentalLossTerms(spectral, this.heterogeneityWeight, this.heterogeneity) : undefined,
    };
  }
}
