/**
 * A chunk of ParallelSupervisedStep's batch, computed by any of its threads into the chunk's own
 * slots of the shared memory (the shard arithmetic is src/training/supervisedShard.ts).
 */
import { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../../src/model/recurrentModel.js';
import { accumulateShardGradients, sessionRange } from '../../src/training/supervisedShard.js';
import { ChunkScalar, Scalar, Slot, type SharedBatchViews, type SharedStepViews } from './sharedStepMemory.js';

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
  const { scalars, chunkGradients, chunkScalars, chunkBounds } = views;
  const size = model.parameters.size;
  const start = chunkBounds[chunk];
  const count = chunkBounds[chunk + 1] - start;
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
