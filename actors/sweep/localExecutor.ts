/**
 * The `local` executor: `workers` child processes on this machine (default: one per core), each
 * given one cell at a time. A worker that dies mid-cell fails that cell (with its exit code or
 * signal) and is replaced, so the other cells go on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CellEvents, SweepExecutor } from './sweepExecutor.js';
import type { SweepCell, SweepPlan } from './sweepPlan.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./localWorkerProcess.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

type Reply = { type: 'ready'; worker: string } | { type: 'done'; index: number; worker: string; result: unknown; seconds: number } | { type: 'failed'; index: number; worker: string; error: string };

export class LocalExecutor implements SweepExecutor {
  readonly workers: number;

  /** @param workers worker processes, default the number of cores. */
  constructor(options: { workers?: number } = {}) {
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new Error(`--workers must be an integer >= 1, got ${this.workers}`);
  }

  run(plan: SweepPlan, cells: readonly SweepCell[], events: CellEvents): Promise<void> {
    const queue = [...cells];
    let finished = 0;
    return new Promise((resolve) => {
      if (queue.length === 0) return resolve();
      const start = () => {
        const child: ChildProcess = fork(WORKER_SCRIPT, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        let current: SweepCell | undefined;
        let ready = false;
        let name = `local:${child.pid}`;
        const next = () => {
          current = queue.shift();
          if (!current) return child.disconnect();
          events.started(current, name);
          child.send({ type: 'cell', index: current.index });
        };
        child.on('message', (reply: Reply) => {
          if (reply.type === 'ready') {
            ready = true;
            name = reply.worker;
            child.send({ type: 'plan', plan });
            return next();
          }
          if (reply.type === 'done') events.done(current!, reply);
          else events.failed(current!, reply.error, reply.worker);
          current = undefined;
          if (++finished === cells.length) resolve();
          next();
        });
        child.on('exit', (code, signal) => {
          if (!ready && queue.length > 0) {
            // A worker that cannot even start would fail every cell the same way: say so once per cell and stop.
            for (const cell of queue.splice(0)) events.failed(cell, `worker process could not start (${signal ?? `code ${code}`})`, name);
            finished = cells.length - (current ? 1 : 0);
          }
          if (!current) {
            if (finished === cells.length) resolve();
            return;
          }
          // Died mid-cell: that cell fails, a fresh worker takes the rest.
          events.failed(current, `worker process ${name} exited (${signal ?? `code ${code}`}) while running the cell`, name);
          current = undefined;
          if (++finished === cells.length) return resolve();
          if (queue.length > 0) start();
        });
      };
      for (let i = 0; i < Math.min(this.workers, queue.length); i++) start();
    });
  }
}
