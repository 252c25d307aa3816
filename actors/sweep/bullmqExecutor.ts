/**
 * The `bullmq` executor: the cells go on a BullMQ queue in Redis, any number of `brain-rnn worker`
 * processes on any machines take them (bullmqWorker.ts), and their results come back through
 * Redis to the coordinator, which writes the cell files. The plan and the data file are put in
 * Redis once, under the sweep's prefix, for workers that do not share this file system. A job
 * whose worker dies is put back by BullMQ's stalled-job check and run by another worker; its
 * result arrives once.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { CellEvents, SweepExecutor } from './sweepExecutor.js';
import { bullmqConnection, connectRedis, dataKey, planKey } from './redisConnection.js';
import { readPlanData, sha256, type SweepCell, type SweepPlan } from './sweepPlan.js';
import type { CellReply } from './cellProcess.js';

export const DEFAULT_QUEUE = 'cells';
export const DEFAULT_PREFIX = 'brain-rnn';

export interface BullmqOptions {
  /** redis://HOST:PORT */
  redis: string;
  /** Key prefix of the queue and the sweep's keys (default `brain-rnn`). */
  prefix?: string;
  /** Queue name (default `cells`). */
  queue?: string;
  /** Called once the cells are queued (to say how to start workers). */
  onQueued?: (count: number) => void;
}

/** What a job carries: where the plan is, which cell, and the coordinator's version. */
export interface CellJobData {
  planId: string;
  index: number;
  hash: string;
  version: string;
}

export class BullmqExecutor implements SweepExecutor {
  constructor(private readonly options: BullmqOptions) {}

  async run(plan: SweepPlan, cells: readonly SweepCell[], events: CellEvents): Promise<void> {
    const { redis: url, prefix = DEFAULT_PREFIX, queue: queueName = DEFAULT_QUEUE, onQueued } = this.options;
    const redis = await connectRedis(url);
    const planId = sha256(JSON.stringify(plan)).slice(0, 24);
    const connection = bullmqConnection(url);
    const queueEvents = new QueueEvents(queueName, { connection, prefix });
    const queue = new Queue<CellJobData>(queueName, { connection, prefix });
    const byJob = new Map(cells.map((cell) => [`${planId}-${cell.hash}`, cell]));
    const running = new Set<string>();
    try {
      await redis.set(planKey(prefix, planId), JSON.stringify(plan));
      const data = readPlanData(plan);
      if (data && plan.dataSha256) await redis.set(dataKey(prefix, plan.dataSha256), Buffer.from(data));
      await queueEvents.waitUntilReady();
      await new Promise<void>((resolve, reject) => {
        if (byJob.size === 0) return resolve();
        const finish = (jobId: string) => {
          byJob.delete(jobId);
          running.delete(jobId);
          if (byJob.size === 0) resolve();
        };
        queueEvents.on('active', ({ jobId }) => {
          const cell = byJob.get(jobId);
          // A job retried after its worker died becomes active twice; it is running once.
          if (cell && !running.has(jobId)) {
            running.add(jobId);
            events.started(cell, 'bullmq');
          }
        });
        queueEvents.on('completed', ({ jobId, returnvalue }) => {
          const cell = byJob.get(jobId);
          if (!cell) return;
          const reply = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as CellReply;
          finish(jobId);
          events.done(cell, reply);
        });
        queueEvents.on('failed', ({ jobId, failedReason }) => {
          const cell = byJob.get(jobId);
          if (!cell) return;
          finish(jobId);
          events.failed(cell, failedReason, 'bullmq');
        });
        queueEvents.on('error', reject);
        queue
          .addBulk(
            cells.map((cell) => ({
              name: 'cell',
              data: { planId, index: cell.index, hash: cell.hash, version: plan.packageVersion },
              opts: { jobId: `${planId}-${cell.hash}`, attempts: 1, removeOnComplete: true, removeOnFail: true },
            })),
          )
          .then(() => onQueued?.(cells.length), reject);
      });
    } finally {
      await redis.del(planKey(prefix, planId), ...(plan.dataSha256 ? [dataKey(prefix, plan.dataSha256)] : [])).catch(() => {});
      await Promise.allSettled([queueEvents.close(), queue.close()]);
      redis.disconnect();
    }
  }
}
