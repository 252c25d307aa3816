/**
 * Data-parallel meta-RL (Wang et al. 2018): the episode's sessions are cut into fixed shards, each
 * played on its own task and random stream (src/training/a2cShard.ts), and the calling thread and
 * persistent worker threads, each with its own model copy, claim the shards one at a time from an
 * atomic counter in shared memory (sharedStepMemory.ts, the protocol of ParallelSupervisedStep), so
 * a worker the machine has not scheduled yet simply takes fewer shards instead of holding the update
 * up. Each shard's gradient and scalars go to its own shared slot; the caller adds them in shard
 * order after the spectral regularisers, clips and takes the Adam step. A shard's episode and
 * gradient depend only on (seed, update, shard), so the result is the same, bit for bit, for any
 * number of threads and whoever took which shard.
 *
 * Unlike A2CTrainer, which updates from an episode someone else played (the live system's agent
 * actor), this engine plays the episodes itself: the rollout, about half of an update's time, is
 * what two threads must share to be twice as fast.
 */
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { Adam, clipGradientNorm } from '../../src/training/adam.js';
import type { A2COptions, A2CUpdate } from '../../src/training/a2cTrainer.js';
import type { A2CShardResult, ShardTaskSpec } from '../../src/training/a2cShard.js';
import { addSpectralRegularizers, developmentalLossTerms } from '../../src/training/developmentalLoss.js';
import { checkInteger, checkNumber, ConfigError } from '../../src/validation.js';
import { A2CScalar, A2CShardScalar, A2C_SHARD_SCALARS, computeA2CShard, type A2CShardPlan, type A2CWorkerData } from './a2cWorker.js';
import {
  MAX_CHUNKS, Slot, WorkerState, chunksLeft, claimOwnChunks, createSharedStepMemory, epochOf, openChunks, sharedStepViews, waitForChunks,
  type SharedStepViews,
} from './sharedStepMemory.js';
import { closeWorkers, startWorker, stoppedWorker, workerMessage, type PooledWorker } from './workerPool.js';

/** Sessions per SIMD vector of the wasm kernel: shards are cut at multiples of it. */
const LANES = 4;
/** How often a waiting caller checks that the workers are still alive (ms). */
const LIVENESS_CHECK_MS = 250;

export interface ParallelA2COptions extends A2COptions {
  /** The task every shard plays (a fresh cohort of it per shard and update). */
  task: ShardTaskSpec;
  /** Sessions per episode (B). */
  nSessions: number;
  /** Trials per episode (T). */
  nTrials: number;
  /** Seed of the shards' streams. */
  seed: number;
  /** Threads sharing each update, the calling one included, an integer in [1, 16] (default 2). */
  threads?: number;
  /** Sessions per shard, a multiple of 4 (default 16); the last shard may be smaller. */
  shardSessions?: number;
  /**
   * Whether the calling thread plays shards too (default true). With false it only adds the
   * spectral terms and the sums, and every shard goes to a worker (needs threads ≥ 2).
   */
  callerComputes?: boolean;
}

/**
 * @example
 * const engine = new ParallelA2C(model, { task: { type: 'reversal' }, nSessions: 64, nTrials: 150, seed: 1 });
 * await engine.ready();
 * const update = await engine.update();
 * await engine.close();
 */
export class ParallelA2C {
  readonly threads: number;
  readonly shardSessions: number;
  private readonly workers: PooledWorker[] = [];
  private readonly optimizer: Adam;
  private readonly gradients: ParameterSet;
  /** The caller's scratch for one shard's gradient. */
  private readonly scratch: ParameterSet;
  private readonly learningRate: number;
  private readonly clipNorm: number;
  private readonly regularize: boolean;
  private readonly callerComputes: boolean;
  private readonly plan: A2CShardPlan;
  private readonly nShards: number;
  private readonly views: SharedStepViews;
  /** Per shard, how often it was claimed in the current update: exactly once, or the update fails. */
  private readonly claims: Int32Array;
  /** Shards each thread has played so far (index 0: the calling thread). */
  private readonly played: number[];
  private updates = 0;
  private closed = false;
  /** Why no further update may run (a worker died holding shards of an update). */
  private broken: string | undefined;

  constructor(readonly model: RecurrentModel, private readonly options: ParallelA2COptions) {
    const { learningRate = 1e-3, discount = 0.9, valueWeight = 0.05, entropyWeight = 0.05, clipNorm = 1, regularize = true, callerComputes = true } = options;
    this.threads = checkInteger('threads', options.threads ?? 2, 1, 16);
    if (!callerComputes && this.threads < 2) {
      throw new ConfigError([`ParallelA2C with callerComputes false needs threads >= 2, got ${this.threads}`]);
    }
    this.callerComputes = callerComputes;
    this.shardSessions = checkInteger('shardSessions', options.shardSessions ?? 16, 1);
    if (this.shardSessions % LANES !== 0) {
      throw new ConfigError([`shardSessions must be a multiple of ${LANES} (the kernel's SIMD lanes), got ${this.shardSessions}`]);
    }
    checkInteger('nSessions', options.nSessions, 1);
    checkInteger('nTrials', options.nTrials, 1);
    checkInteger('seed', options.seed, 0);
    this.nShards = Math.ceil(options.nSessions / this.shardSessions);
    if (this.nShards > MAX_CHUNKS) {
      throw new ConfigError([`nSessions / shardSessions must give at most ${MAX_CHUNKS} shards, got ${this.nShards} (${options.nSessions} / ${this.shardSessions})`]);
    }
    this.learningRate = checkNumber('learningRate', learningRate, { min: 0, minExclusive: true });
    this.clipNorm = checkNumber('clipNorm', clipNorm, { min: 0, minExclusive: true });
    this.regularize = regularize;
    this.plan = {
      seed: options.seed, nSessions: options.nSessions, shardSessions: this.shardSessions,
      options: {
        task: options.task, nTrials: options.nTrials, totalSessions: options.nSessions,
        discount: checkNumber('discount', discount, { min: 0, max: 1 }),
        valueWeight: checkNumber('valueWeight', valueWeight, { min: 0 }),
        entropyWeight: checkNumber('entropyWeight', entropyWeight, { min: 0 }),
      },
    };
    this.optimizer = new Adam(model.parameters.size, { learningRate: this.learningRate });
    this.gradients = model.parameters.zerosLike().withDtype('float64');
    this.scratch = model.parameters.zerosLike().withDtype('float64');
    this.played = new Array<number>(this.threads).fill(0);
    const memory = createSharedStepMemory(model.parameters.size, this.threads - 1, this.nShards, A2C_SHARD_SCALARS);
    this.views = sharedStepViews(memory);
    const claims = new SharedArrayBuffer(4 * this.nShards);
    this.claims = new Int32Array(claims);
    const source = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const entry = new URL(`./a2cWorker${source}`, import.meta.url).href;
    const serialized = model.toJSON();
    const kernel = model instanceof BrainInspiredRNN ? model.kernel : undefined;
    for (let w = 1; w < this.threads; w++) {
      this.workers.push(startWorker(w, (port, stateSlot): A2CWorkerData => ({
        worker: w, model: serialized, kernel, memory, claims, plan: this.plan, port, entry, main: 'runA2CWorker', stateSlot,
      })));
    }
  }

  /** Updates taken so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** Shards each thread has played so far (index 0: the calling thread); they add up to shards × updates. */
  get shardCounts(): readonly number[] {
    return [...this.played];
  }

  /**
   * Resolves when every worker has loaded its model; rejects if one failed to. Updates do not wait
   * for it: a worker not loaded yet claims no shards.
   */
  async ready(): Promise<void> {
    const { control } = this.views;
    for (const [index, shard] of this.workers.entries()) {
      // Polled on a timer: a timer keeps the event loop alive (the workers and their ports do not).
      while (Atomics.load(control, shard.stateSlot) === WorkerState.loading) await new Promise((resolve) => setTimeout(resolve, 2));
      if (Atomics.load(control, shard.stateSlot) === WorkerState.exited) throw new Error(`ParallelA2C worker ${index + 1} failed to load: ${this.message(index + 1)}`);
    }
  }

  /**
   * Play one episode (all shards) and take one Adam step on its A2C loss plus, for low-rank models,
   * the developmental regularisers scaled by `warmup` (0..1).
   */
  async update(warmup = 1): Promise<A2CUpdate> {
    if (this.closed) throw new Error('ParallelA2C.update after close()');
    if (this.broken !== undefined) throw new Error(this.broken);
    this.throwIfWorkerStopped();
    const { model, gradients, views, nShards } = this;
    const { control, scalars } = views;
    const lowRank = this.regularize && warmup > 0 && model instanceof BrainInspiredRNN ? model : undefined;
    const heterogeneityWeight = lowRank ? warmup * lowRank.config.heterogeneityWeight : 0;
    const epoch = epochOf(this.updates + 1);
    this.claims.fill(0);
    views.parameters.set(model.parameters.data);
    scalars[A2CScalar.update] = this.updates;
    scalars[A2CScalar.heterogeneityWeight] = heterogeneityWeight;
    openChunks(control, epoch, nShards);
    if (this.workers.length > 0) {
      Atomics.store(control, Slot.command, this.updates + 1);
      Atomics.notify(control, Slot.command);
    }

    // Once shards are open, leave only after every claimed one is finished: otherwise a worker
    // could still be writing this update's slots when the next update reuses them.
    let ownFailure: unknown;
    let spectral: ReturnType<typeof addSpectralRegularizers> | undefined;
    gradients.data.fill(0);
    try {
      // The spectral terms depend on W alone: added first, while the workers wake and claim.
      if (lowRank) spectral = addSpectralRegularizers(lowRank, warmup, gradients);
    } catch (error) {
      ownFailure = error;
    }
    if (this.callerComputes || ownFailure !== undefined) {
      ownFailure = claimOwnChunks(control, views.chunkState, epoch, ownFailure, (shard) => computeA2CShard(model, this.plan, views, shard, this.scratch), (shard) => Atomics.add(this.claims, shard, 1));
    }
    let stalls = 0;
    waitForChunks(views.chunkState, epoch, nShards, LIVENESS_CHECK_MS, () => {
      this.throwIfWorkerStopped();
      // Twice in a row, a quarter of a second apart: a claim is counted just after it is taken.
      if (this.unclaimedShard(epoch) === undefined) stalls = 0;
      else if (++stalls >= 2) {
        this.broken = `ParallelA2C: shard ${this.unclaimedShard(epoch)} of update ${this.updates} was never claimed`;
        throw new Error(this.broken);
      }
    });
    if (ownFailure !== undefined) throw ownFailure;

    const failures: string[] = [];
    for (let shard = 0; shard < nShards; shard++) {
      const thread = views.chunkState[3 * shard + 1];
      if (views.chunkState[3 * shard + 2] !== 0) failures.push(`worker ${thread}: ${this.message(thread)}`);
    }
    if (failures.length > 0) throw new Error(`ParallelA2C: ${failures.join('; ')}`);
    // Every shard played exactly once (a second play would go unseen in the sum: same slot, same values).
    const twice = [...this.claims.keys()].filter((shard) => this.claims[shard] !== 1);
    if (twice.length > 0) {
      this.broken = `ParallelA2C: shards claimed other than once in update ${this.updates}: ${twice.map((shard) => `${shard} (${this.claims[shard]}×)`).join(', ')}`;
      throw new Error(this.broken);
    }
    for (let shard = 0; shard < nShards; shard++) this.played[views.chunkState[3 * shard + 1]] += 1;

    const total: A2CShardResult = { policyLoss: 0, valueLoss: 0, entropy: 0, meanReward: 0, heterogeneity: 0 };
    const sum = gradients.data;
    const size = sum.length;
    const { chunkGradients, chunkScalars } = views;
    for (let shard = 0; shard < nShards; shard++) {
      const offset = shard * size;
      for (let i = 0; i < size; i++) sum[i] += chunkGradients[offset + i];
      const at = A2C_SHARD_SCALARS * shard;
      total.policyLoss += chunkScalars[at + A2CShardScalar.policyLoss];
      total.valueLoss += chunkScalars[at + A2CShardScalar.valueLoss];
      total.entropy += chunkScalars[at + A2CShardScalar.entropy];
      total.meanReward += chunkScalars[at + A2CShardScalar.meanReward];
      total.heterogeneity += chunkScalars[at + A2CShardScalar.heterogeneity];
    }
    const gradientNorm = clipGradientNorm(gradients, this.clipNorm);
    this.optimizer.step(model.parameters, gradients);
    this.updates += 1;
    const { valueWeight, entropyWeight } = this.plan.options;
    const regularizers = spectral && lowRank ? developmentalLossTerms(spectral, heterogeneityWeight, total.heterogeneity) : undefined;
    const taskLoss = total.policyLoss + valueWeight * total.valueLoss - entropyWeight * total.entropy;
    return {
      loss: taskLoss + (regularizers?.value ?? 0),
      policyLoss: total.policyLoss,
      valueLoss: total.valueLoss,
      entropy: total.entropy,
      meanReward: total.meanReward,
      gradientNorm,
      regularizers,
    };
  }

  /**
   * Stop the workers; resolves once they have exited. Idempotent. Workers never keep the process
   * alive on their own, so not awaiting it (or never closing) is safe, only wasteful.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      return closeWorkers(this.views.control, this.workers);
    }
    return Promise.all(this.workers.map((shard) => shard.exited)).then(() => undefined);
  }

  private throwIfWorkerStopped(): void {
    const stopped = stoppedWorker(this.views.control, this.workers);
    if (stopped === undefined) return;
    // Shards it held will never finish: no further update may reuse the shared memory.
    this.broken ??= `ParallelA2C: worker ${stopped} stopped: ${this.message(stopped)}`;
    throw new Error(this.broken);
  }

  /** A shard that no one claimed, unfinished, though none is left to claim (it would never finish: a claiming bug). */
  private unclaimedShard(epoch: number): number | undefined {
    if (chunksLeft(this.views.control, epoch) > 0) return undefined;
    for (let shard = 0; shard < this.nShards; shard++) {
      if (Atomics.load(this.claims, shard) === 0 && Atomics.load(this.views.chunkState, 3 * shard) !== epoch) return shard;
    }
    return undefined;
  }

  private message(thread: number): string {
    return workerMessage(this.workers, thread);
  }
}
