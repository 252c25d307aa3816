/**
 * The loop of one ParallelA2C worker thread: rebuild the model once, then for every update message
 * load the weights, play and differentiate the shards it was given (src/training/a2cShard.ts), and
 * post their gradients back, in the order asked. Loaded by shardWorkerBootstrap.mjs.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LowRankKernelName } from '../../src/model/brainInspiredRnn.js';
import type { SerializedModel } from '../../src/model/recurrentModel.js';
import { playA2CShard, shardRandom, type A2CShardOptions, type A2CShardResult } from '../../src/training/a2cShard.js';
import { rebuildModel } from './shardWorker.js';

export interface A2CWorkerData {
  model: SerializedModel;
  kernel?: LowRankKernelName;
  /** Updates arrive and gradients leave here. */
  port: MessagePort;
  /** Module the bootstrap imports (this file) and the function it calls. */
  entry: string;
  main: 'runA2CWorker';
}

/** What the caller asks of a worker for one update. */
export interface A2CWorkRequest {
  parameters: Float64Array;
  seed: number;
  update: number;
  /** Shard indices to play, with their session counts. */
  shards: { shard: number; sessions: number }[];
  options: A2CShardOptions;
}

/** One shard's gradient (parameters' layout, float64) and its weighted scalars. */
export interface A2CShardReply {
  shard: number;
  gradient: Float64Array;
  result: A2CShardResult;
}

export type A2CWorkReply = { ok: true; shards: A2CShardReply[] } | { ok: false; error: string };

/**
 * Serve updates until the port closes.
 * @example
 * runA2CWorker(workerData as A2CWorkerData); // inside the worker thread
 */
export function runA2CWorker({ model: serialized, kernel, port }: A2CWorkerData): void {
  const model = rebuildModel(serialized, kernel);
  port.on('message', (request: A2CWorkRequest) => {
    try {
      model.parameters.data.set(request.parameters);
      const shards = request.shards.map(({ shard, sessions }) => {
        const gradients = model.parameters.zerosLike().withDtype('float64');
        const result = playA2CShard(model, sessions, shardRandom(request.seed, request.update, shard), request.options, gradients);
        return { shard, gradient: gradients.data as Float64Array, result };
      });
      const reply: A2CWorkReply = { ok: true, shards };
      port.postMessage(reply, shards.map((s) => s.gradient.buffer as ArrayBuffer));
    } catch (error) {
      const reply: A2CWorkReply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      port.postMessage(reply);
    }
  });
  port.postMessage({ ready: true });
}
