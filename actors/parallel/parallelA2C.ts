/**
 * Data-parallel meta-RL (Wang et al. 2018): the episode's sessions are cut into fixed shards, each
 * played on its own task and random stream (src/training/a2cShard.ts), and the shards are shared
 * out between the calling thread and persistent worker threads, each with its own model copy. The
 * caller adds the shards' gradients in shard order after the spectral regularisers, clips and takes
 * the Adam step. A shard's episode and gradient depend only on (seed, update, shard), so the result
 * is the same, bit for bit, for any number of threads.
 *
 * Unlike A2CTrainer, which updates from an episode someone else played (the live system's agent
 * actor), this engine plays the episodes itself: the rollout, about half of an update's time, is
 * what two threads must share to be twice as fast.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { Adam, clipGradientNorm } from '../../src/training/adam.js';
import type { A2COptions, A2CUpdate } from '../../src/training/a2cTrainer.js';
import { playA2CShard, shardRandom, type A2CShardOptions, type A2CShardResult, type ShardTaskSpec } from '../../src/training/a2cShard.js';
import { addSpectralRegularizers, developmentalLossTerms } from '../../src/training/developmentalLoss.js';
import { checkInteger, checkNumber, ConfigError } from '../../src/validation.js';
import type { A2CShardReply, A2CWorkerData, A2CWorkReply, A2CWorkRequest } from './a2cWorker.js';

/** Sessions per SIMD vector of the wasm kernel: shards are cut at multiples of it. */
const LANES = 4;

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
}

interface A2CWorker {
  worker: Worker;
  port: MessagePort;
  exited: Promise<void>;
  failure: string | undefined;
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
  private readonly workers: A2CWorker[] = [];
  private readonly optimizer: Adam;
  private readonly gradients: ParameterSet;
  private readonly learningRate: number;
  private readonly clipNorm: number;
  private readonly regularize: boolean;
  private readonly shardOptions: Omit<A2CShardOptions, 'heterogeneityWeight'>;
  private updates = 0;
  private closed = false;
  /** Settles when every worker has posted that it loaded (its first message). */
  private loaded: Promise<void> = Promise.resolve();

  constructor(readonly model: RecurrentModel, private readonly options: ParallelA2COptions) {
    const { learningRate = 1e-3, discount = 0.9, valueWeight = 0.05, entropyWeight = 0.05, clipNorm = 1, regularize = true } = options;
    this.threads = checkInteger('threads', options.threads ?? 2, 1, 16);
    this.shardSessions = checkInteger('shardSessions', options.shardSessions ?? 16, 1);
    if (this.shardSessions % LANES !== 0) {
      throw new ConfigError([`shardSessions must be a multiple of ${LANES} (the kernel's SIMD lanes), got ${this.shardSessions}`]);
    }
    checkInteger('nSessions', options.nSessions, 1);
    checkInteger('nTrials', options.nTrials, 1);
    checkInteger('seed', options.seed, 0);
    this.learningRate = checkNumber('learningRate', learningRate, { min: 0, minExclusive: true });
    this.clipNorm = checkNumber('clipNorm', clipNorm, { min: 0, minExclusive: true });
    this.regularize = regularize;
    this.shardOptions = {
      task: options.task, nTrials: options.nTrials, totalSessions: options.nSessions,
      discount: checkNumber('discount', discount, { min: 0, max: 1 }),
      valueWeight: checkNumber('valueWeight', valueWeight, { min: 0 }),
      entropyWeight: checkNumber('entropyWeight', entropyWeight, { min: 0 }),
    };
    this.optimizer = new Adam(model.parameters.size, { learningRate: this.learningRate });
    this.gradients = model.parameters.zerosLike().withDtype('float64');
    const source = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const entry = new URL(`./a2cWorker${source}`, import.meta.url).href;
    const kernel = model instanceof BrainInspiredRNN ? model.kernel : undefined;
    for (let w = 1; w < this.threads; w++) {
      const { port1, port2 } = new MessageChannel();
      const data: A2CWorkerData = { model: model.toJSON(), kernel, port: port2, entry, main: 'runA2CWorker' };
      const worker = new Worker(new URL('./shardWorkerBootstrap.mjs', import.meta.url), { workerData: data, transferList: [port2], execArgv: [] });
      const shard: A2CWorker = { worker, port: port1, exited: Promise.resolve(), failure: undefined };
      worker.on('error', (error) => (shard.failure ??= error.message));
      shard.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.unref();
      port1.unref();
      this.workers.push(shard);
    }
    // Listen from the start, so the "loaded" message is never taken for an update's reply.
    this.loaded = Promise.all(this.workers.map((worker) => this.nextMessage(worker))).then(() => undefined);
    this.loaded.catch(() => {}); // reported by ready() or the next update
  }

  /** Updates taken so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** Resolves when every worker has loaded its model (updates also wait for it). */
  ready(): Promise<void> {
    return this.loaded;
  }

  /**
   * Play one episode (all shards) and take one Adam step on its A2C loss plus, for low-rank models,
   * the developmental regularisers scaled by `warmup` (0..1).
   */
  async update(warmup = 1): Promise<A2CUpdate> {
    if (this.closed) throw new Error('ParallelA2C.update after close()');
    await this.loaded;
    const { model, gradients, options } = this;
    const lowRank = this.regularize && warmup > 0 && model instanceof BrainInspiredRNN ? model : undefined;
    const shardOptions: A2CShardOptions = { ...this.shardOptions, heterogeneityWeight: lowRank ? warmup * lowRank.config.heterogeneityWeight : 0 };
    const nShards = Math.ceil(options.nSessions / this.shardSessions);
    const sessionsOf = (shard: number) => Math.min(this.shardSessions, options.nSessions - shard * this.shardSessions);
    const update = this.updates;
    const assigned = (thread: number) => {
      const shards: { shard: number; sessions: number }[] = [];
      for (let shard = thread; shard < nShards; shard += this.threads) shards.push({ shard, sessions: sessionsOf(shard) });
      return shards;
    };
    const parameters = Float64Array.from(model.parameters.data);
    const replies = this.workers.map((worker, w) => {
      const request: A2CWorkRequest = { parameters, seed: options.seed, update, shards: assigned(w + 1), options: shardOptions };
      const reply = this.nextMessage(worker) as Promise<A2CWorkReply>;
      worker.port.postMessage(request);
      return reply;
    });
    // The caller plays its own shards meanwhile.
    const all: A2CShardReply[] = assigned(0).map(({ shard, sessions }) => {
      const shardGradients = model.parameters.zerosLike().withDtype('float64');
      const result = playA2CShard(model, sessions, shardRandom(options.seed, update, shard), shardOptions, shardGradients);
      return { shard, gradient: shardGradients.data as Float64Array, result };
    });
    // The spectral terms depend on W alone: added (first, as before the shards) while the workers finish.
    gradients.data.fill(0);
    const spectral = lowRank ? addSpectralRegularizers(lowRank, warmup, gradients) : undefined;
    for (const reply of await Promise.all(replies)) {
      if (!reply.ok) throw new Error(`ParallelA2C worker: ${reply.error}`);
      all.push(...reply.shards);
    }
    all.sort((a, b) => a.shard - b.shard);

    const total: A2CShardResult = { policyLoss: 0, valueLoss: 0, entropy: 0, meanReward: 0, heterogeneity: 0 };
    const sum = gradients.data;
    for (const { gradient, result } of all) {
      for (let i = 0; i < sum.length; i++) sum[i] += gradient[i];
      total.policyLoss += result.policyLoss;
      total.valueLoss += result.valueLoss;
      total.entropy += result.entropy;
      total.meanReward += result.meanReward;
      total.heterogeneity += result.heterogeneity;
    }
    const gradientNorm = clipGradientNorm(gradients, this.clipNorm);
    this.optimizer.step(model.parameters, gradients);
    this.updates += 1;
    const { valueWeight, entropyWeight } = shardOptions;
    const regularizers = spectral && lowRank ? developmentalLossTerms(spectral, shardOptions.heterogeneityWeight, total.heterogeneity) : undefined;
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

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { port, worker } of this.workers) {
      port.close();
      await worker.terminate();
    }
  }

  /** The next message a worker posts; rejects if it exits first. */
  private nextMessage(worker: A2CWorker): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`ParallelA2C worker exited${worker.failure ? `: ${worker.failure}` : ''}`));
      worker.worker.once('exit', onExit);
      worker.port.once('message', (message: unknown) => {
        worker.worker.off('exit', onExit);
        resolve(message);
      });
    });
  }
}
