/**
 * `brain-rnn worker --redis URL`: takes cells off the BullMQ queue (bullmqExecutor.ts) and runs
 * each in a cell process (cellProcess.ts), so that this process's event loop keeps renewing the job
 * lock while the cell computes; a worker killed outright stops renewing it, and BullMQ's stalled
 * check gives the cell to another worker. SIGTERM (or Ctrl-C) lets the cells in hand finish, then
 * the worker leaves. A cell queued by a coordinator of another package version is refused, naming
 * both versions, and the worker stops.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { CellError, CellProcess, type CellReply } from './cellProcess.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, type CellJobData } from './bullmqExecutor.js';
import { PACKAGE_VERSION } from './packageVersion.js';
import { bullmqConnection, connectRedis, dataKey, planKey } from './redisConnection.js';
import { describeCell } from './sweepExecutor.js';
import { workerName } from './sweepFolder.js';
import type { SweepPlan } from './sweepPlan.js';

export interface SweepWorkerOptions {
  redis: string;
  /** Cells run at once, each in its own process. Default 1. */
  concurrency?: number;
  prefix?: string;
  queue?: string;
  /**
   * Seconds a job's lock lasts without renewal, and between stalled checks: how soon the cell of
   * a killed worker is given to another. Default 30 (BullMQ's).
   */
  lockSeconds?: number;
  /** Also log BullMQ's events and the Redis connections' closes and reconnects, with times (a worker that seems stuck). */
  verbose?: boolean;
  log?: (line: string) => void;
}

export interface SweepWorker {
  /** Resolves with the exit code once the worker has stopped (SIGTERM, or a version refusal). */
  stopped: Promise<number>;
  /** Finish the cells in hand, then stop. */
  stop(): Promise<void>;
}

/**
 * @example
 * const worker = await startSweepWorker({ redis: 'redis://10.0.0.5:6379', concurrency: 2 });
 * process.exitCode = await worker.stopped;
 */
export async function startSweepWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  const { redis: url, concurrency = 1, prefix = DEFAULT_PREFIX, queue = DEFAULT_QUEUE, lockSeconds = 30, verbose = false, log = () => {} } = options;
  const redis: Redis = await connectRedis(url);
  const name = workerName();
  // One cell process per slot, started now: the first cell does not wait for a process to start.
  const idle: CellProcess[] = Array.from({ length: concurrency }, () => new CellProcess());
  const plans = new Map<string, { plan: SweepPlan; data?: Uint8Array }>();
  let exitCode = 0;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));

  async function planOf(planId: string) {
    const known = plans.get(planId);
    if (known) return known;
    const text = await redis.get(planKey(prefix, planId));
    if (text === null) throw new Error(`the plan ${planId} is not in Redis (its coordinator has gone)`);
    const plan = JSON.parse(text) as SweepPlan;
    const data = plan.dataSha256 ? await redis.getBuffer(dataKey(prefix, plan.dataSha256)) : undefined;
    if (data === null) throw new Error(`the data of plan ${planId} is not in Redis (its coordinator has gone)`);
    const entry = { plan, data: data ? new Uint8Array(data) : undefined };
    plans.set(planId, entry);
    return entry;
  }

  const processor = async (job: Job<CellJobData>): Promise<CellReply> => {
    const { planId, index, version } = job.data;
    if (version !== PACKAGE_VERSION) {
      const message = `worker ${name} runs brain-rnn ${PACKAGE_VERSION} but the coordinator of this sweep runs brain-rnn ${version}; install the same version on both`;
      log(`refused cell ${index}: ${message}`);
      exitCode = 1;
      void stop();
      throw new UnrecoverableError(message);
    }
    const { plan, data } = await planOf(planId);
    const cell = plan.cells[index];
    const process = idle.pop() ?? new CellProcess();
    const started = Date.now();
    log(`${name}: cell ${index} (${describeCell(cell)}) started`);
    try {
      const reply = await process.run(plan, planId, index, data);
      log(`${name}: cell ${index} (${describeCell(cell)}) done in ${reply.seconds.toFixed(1)} s`);
      return { ...reply, worker: name };
    } catch (error) {
      log(`${name}: cell ${index} (${describeCell(cell)}) failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${(error as Error).message}`);
      throw error instanceof CellError ? new Error(error.message) : error;
    } finally {
      if (!process.dead) idle.push(process);
    }
  };

  const worker = new Worker<CellJobData, CellReply>(queue, processor, {
    connection: bullmqConnection(url),
    prefix,
    concurrency,
    name,
    lockDuration: lockSeconds * 1000,
    stalledInterval: lockSeconds * 1000,
    maxStalledCount: 2,
  });
  worker.on('error', (error) => log(`${name}: ${error.message}`));
  if (verbose) traceWorker(worker, (line) => log(`${name} ${new Date().toISOString()}: ${line}`));
  await worker.waitUntilReady();
  log(`${name}: brain-rnn ${PACKAGE_VERSION} worker on ${url} (queue ${prefix}:${queue}, concurrency ${concurrency})`);

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      await worker.close();
      for (const process of idle) process.close();
      redis.disconnect();
      resolveStopped(exitCode);
    })();
    return stopping;
  }
  return { stopped, stop };
}

/** What `--verbose` logs: BullMQ's events and its Redis connections' state changes. */
function traceWorker(worker: Worker<CellJobData, CellReply>, trace: (line: string) => void): void {
  worker.on('active', (job) => trace(`took job ${job.id} (cell ${job.data.index})`));
  worker.on('completed', (job) => trace(`finished job ${job.id}`));
  worker.on('failed', (job, error) => trace(`job ${job?.id ?? '?'} failed: ${error.message}`));
  worker.on('stalled', (jobId) => trace(`job ${jobId} stalled (its lock ran out) and went back to the queue`));
  worker.on('lockRenewalFailed', (jobIds) => trace(`could not renew the locks of jobs ${jobIds.join(', ')}`));
  worker.on('drained', () => trace('the queue is empty: waiting for jobs'));
  worker.on('closing', (message) => trace(`closing: ${message}`));
  void worker.waitUntilReady().then(() => {
    const backend = worker.getBackend() as unknown as { client?: Promise<Redis>; blockingClient?: Promise<Redis> };
    for (const [what, client] of [['connection', backend.client], ['blocking connection', backend.blockingClient]] as const) {
      void client?.then((redis) => {
        for (const event of ['close', 'reconnecting', 'end', 'ready'] as const) redis.on(event, () => trace(`${what}: ${event}`));
      });
    }
  });
}
