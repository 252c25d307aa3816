/**
 * The loop of one ParallelSupervisedStep worker thread: rebuild the model once, then at every step
 * claim chunks of the batch (sharedStepMemory.ts) until none are left, computing each chunk's
 * gradient into its slot. Loaded by shardWorkerBootstrap.mjs.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { BrainInspiredRNN, type LowRankKernelName } from '../../src/model/brainInspiredRnn.js';
import { modelFromJSON } from '../../src/model/checkpoint.js';
import { validateDevelopmentalConfig } from '../../src/model/config.js';
import type { RecurrentModel, SequenceBatch, SerializedModel } from '../../src/model/recurrentModel.js';
import { computeChunk, sharedBatch } from './shardGradients.js';
import {
  Slot, claimChunk, finishChunk, sharedBatchViews, sharedStepViews,
  type SharedBatchMemory, type SharedBatchViews, type SharedStepMemory,
} from './sharedStepMemory.js';
import { serveSteps } from './workerPool.js';

export interface ShardWorkerData {
  /** This worker's number, 1, 2, ... (the calling thread is 0). */
  worker: number;
  /** The model to rebuild (its parameters are replaced every step). */
  model: SerializedModel;
  /** The kernel of a BrainInspiredRNN (each worker owns its own wasm instance). */
  kernel?: LowRankKernelName;
  memory: SharedStepMemory;
  /** Batch buffers arrive here; failures are reported here. */
  port: MessagePort;
  /** Module the bootstrap imports (this file). */
  entry: string;
  /** Control slot of this worker's WorkerState (for the bootstrap). */
  stateSlot: number;
}

/** Rebuild a model with the same architecture, dtype and kernel. */
export function rebuildModel(json: SerializedModel, kernel: LowRankKernelName | undefined): RecurrentModel {
  if (json.kind !== 'brain_inspired_rnn') return modelFromJSON(json);
  return new BrainInspiredRNN(validateDevelopmentalConfig(json.config, 'config'), {
    nInputs: json.nInputs, nOutputs: json.nOutputs, dtype: json.parameters.dtype, kernel,
  });
}

/**
 * Serve steps until close; returns when closed.
 * @example
 * runShardWorker(workerData as ShardWorkerData); // inside the worker thread
 */
export function runShardWorker({ worker, model: serialized, kernel, memory, port, stateSlot }: ShardWorkerData): void {
  const model = rebuildModel(serialized, kernel);
  const views = sharedStepViews(memory);
  const { control } = views;
  let buffers: SharedBatchViews | undefined;
  serveSteps(control, stateSlot, (epoch) => {
    let batch: SequenceBatch | undefined;
    for (let chunk = claimChunk(control, epoch); chunk >= 0; chunk = claimChunk(control, epoch)) {
      let failed = false;
      try {
        if (batch === undefined) {
          // A claim holds the step open, so the step's fields stay as written until this chunk is done.
          buffers = currentBuffers(buffers, control[Slot.generation], port);
          batch = sharedBatch(views, buffers, model.nInputs);
          model.parameters.data.set(views.parameters);
        }
        computeChunk(model, batch, views, chunk);
      } catch (error) {
        port.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
        failed = true;
      }
      finishChunk(views.chunkState, chunk, epoch, worker, failed);
    }
  });
  port.close();
}

function currentBuffers(batch: SharedBatchViews | undefined, generation: number, port: MessagePort): SharedBatchViews {
  // The caller posts the buffers before it bumps the generation, so they are already queued.
  while (batch === undefined || batch.generation !== generation) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error(`shard worker: batch buffers of generation ${generation} were not posted`);
    batch = sharedBatchViews(received.message as SharedBatchMemory);
  }
  return batch;
}
