/**
 * The loop of one ParallelA2C worker thread: rebuild the model once, then at every update claim
 * shards (sharedStepMemory.ts's chunks) until none are left, playing and differentiating each
 * (src/training/a2cShard.ts) into its slot of the shared memory. Loaded by shardWorkerBootstrap.mjs.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LowRankKernelName } from '../../src/model/brainInspiredRnn.js';
import type { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel, SerializedModel } from '../../src/model/recurrentModel.js';
import { playA2CShard, shardRandom, type A2CShardOptions } from '../../src/training/a2cShard.js';
import { rebuildModel } from './shardWorker.js';
import { claimChunk, finishChunk, sharedStepViews, type SharedStepMemory, type SharedStepViews } from './sharedStepMemory.js';
import { serveSteps } from './workerPool.js';

/** Float64 slots of an update's settings in the shared `scalars`. */
export const A2CScalar = { update: 0, heterogeneityWeight: 1 } as const;
/** Float64 results per shard in `chunkScalars`, at `A2C_SHARD_SCALARS · shard + ...`. */
export const A2CShardScalar = { policyLoss: 0, valueLoss: 1, entropy: 2, meanReward: 3, heterogeneity: 4 } as const;
export const A2C_SHARD_SCALARS = 5;

/** What every update of one engine shares: the shards' cut and options (heterogeneityWeight comes per update). */
export interface A2CShardPlan {
  seed: number;
  nSessions: number;
  shardSessions: number;
  options: Omit<A2CShardOptions, 'heterogeneityWeight'>;
}

export interface A2CWorkerData {
  /** This worker's number, 1, 2, ... (the calling thread is 0). */
  worker: number;
  model: SerializedModel;
  kernel?: LowRankKernelName;
  memory: SharedStepMemory;
  /** Int32 per shard: how often it was claimed in the current update (the caller zeroes them). */
  claims: SharedArrayBuffer;
  plan: A2CShardPlan;
  /** Failures are reported here. */
  port: MessagePort;
  /** Module the bootstrap imports (this file) and the function it calls. */
  entry: string;
  main: 'runA2CWorker';
  /** Control slot of this worker's WorkerState. */
  stateSlot: number;
}

/**
 * Play shard `shard` of the update the shared memory describes, with the weights already in
 * `model`, and write its gradient and scalars into the shard's slots. `scratch` (the parameters'
 * layout, float64) is overwritten.
 * @example
 * computeA2CShard(model, plan, views, 1, scratch);
 */
export function computeA2CShard(model: RecurrentModel, plan: A2CShardPlan, views: SharedStepViews, shard: number, scratch: ParameterSet): void {
  const { scalars, chunkGradients, chunkScalars } = views;
  const sessions = Math.min(plan.shardSessions, plan.nSessions - shard * plan.shardSessions);
  const options: A2CShardOptions = { ...plan.options, heterogeneityWeight: scalars[A2CScalar.heterogeneityWeight] };
  scratch.data.fill(0);
  const result = playA2CShard(model, sessions, shardRandom(plan.seed, scalars[A2CScalar.update], shard), options, scratch);
  chunkGradients.set(scratch.data, shard * scratch.size);
  const at = A2C_SHARD_SCALARS * shard;
  chunkScalars[at + A2CShardScalar.policyLoss] = result.policyLoss;
  chunkScalars[at + A2CShardScalar.valueLoss] = result.valueLoss;
  chunkScalars[at + A2CShardScalar.entropy] = result.entropy;
  chunkScalars[at + A2CShardScalar.meanReward] = result.meanReward;
  chunkScalars[at + A2CShardScalar.heterogeneity] = result.heterogeneity;
}

/**
 * Serve updates until close; returns when closed.
 * @example
 * runA2CWorker(workerData as A2CWorkerData); // inside the worker thread
 */
export function runA2CWorker({ worker, model: serialized, kernel, memory, claims: claimsMemory, plan, port, stateSlot }: A2CWorkerData): void {
  const model = rebuildModel(serialized, kernel);
  const scratch = model.parameters.zerosLike().withDtype('float64');
  const views = sharedStepViews(memory);
  const claims = new Int32Array(claimsMemory);
  const { control } = views;
  serveSteps(control, stateSlot, (epoch) => {
    let loaded = false;
    for (let shard = claimChunk(control, epoch); shard >= 0; shard = claimChunk(control, epoch)) {
      Atomics.add(claims, shard, 1);
      let failed = false;
      try {
        // A claim holds the update open, so its weights and settings stay as written until the shard is done.
        if (!loaded) model.parameters.data.set(views.parameters);
        loaded = true;
        computeA2CShard(model, plan, views, shard, scratch);
      } catch (error) {
        port.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
        failed = true;
      }
      finishChunk(views.chunkState, shard, epoch, worker, failed);
    }
  });
  port.close();
}
