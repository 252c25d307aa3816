/**
 * One shard's part of a supervised step's gradient: forward, cross-entropy and BPTT over some of a
 * batch's sessions, the work every thread of ParallelSupervisedStep does. The two batch means in the
 * Trainer's loss are reweighted so that the shards' gradients add up to the whole batch's: the
 * cross-entropy is a mean over the batch's scored trials, so the shard divides by the batch's count;
 * the response heterogeneity is a mean over all B·T rows, so a shard's mean over its own rows is
 * weighted by its share of the sessions. The spectral terms depend on W alone and are added once,
 * by the caller.
 */
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { LowRankWasmForward } from '../../src/model/kernels/lowRankWasmKernel.js';
import { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../../src/model/recurrentModel.js';
import { maskedCrossEntropy } from '../../src/training/crossEntropy.js';
import { ChunkScalar, Scalar, Slot, type SharedBatchViews, type SharedStepViews } from './sharedStepMemory.js';

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
 * The batch a step's control block describes, as views of the shared batch buffers.
 * @example
 * const batch = sharedBatch(views, buffers, model.nInputs);
 */
export function sharedBatch(views: SharedStepViews, batch: SharedBatchViews, nInputs: number): SequenceBatch {
  const { control } = views;
  const rows = control[Slot.sessions] * control[Slot.trials];
  return {
    nSessions: control[Slot.sessions],
    nTrials: control[Slot.trials],
    nInputs,
    inputs: batch.inputs.subarray(0, rows * nInputs),
    targets: batch.targets.subarray(0, rows),
    mask: (control[Slot.flags] & 1) !== 0 ? batch.mask.subarray(0, rows) : undefined,
  };
}

/**
 * Compute chunk `chunk` of the step the shared memory describes into its gradient and result slots.
 * @example
 * computeChunk(model, batch, views, 3);
 */
export function computeChunk(model: RecurrentModel, batch: SequenceBatch, views: SharedStepViews, chunk: number): void {
  const { control, scalars, chunkGradients, chunkScalars } = views;
  const size = model.parameters.size;
  const chunkSessions = control[Slot.chunkSessions];
  const start = chunk * chunkSessions;
  const count = Math.min(chunkSessions, batch.nSessions - start);
  const gradients = new ParameterSet(model.parameters.entries, 'float64', chunkGradients.subarray(chunk * size, (chunk + 1) * size));
  gradients.data.fill(0);
  const result = accumulateShardGradients(model, sessionRange(batch, start, count), {
    batchCount: scalars[Scalar.batchCount],
    sessionFraction: count / batch.nSessions,
    regularize: scalars[Scalar.regularize] !== 0,
    heterogeneityWeight: scalars[Scalar.heterogeneityWeight],
  }, gradients);
  chunkScalars[3 * chunk + ChunkScalar.totalNll] = result.totalNll;
  chunkScalars[3 * chunk + ChunkScalar.count] = result.count;
  chunkScalars[3 * chunk + ChunkScalar.heterogeneity] = result.heterogeneity;
}
