/**
 * The `local` executor: `workers` cell processes on this machine (default: one per core), each
 * given one cell at a time. A worker that dies mid-cell fails that cell (with its exit code or
 * signal) and is replaced, so the other cells go on.
 */
import { availableParallelism } from 'node:os';
import { CellProcess } from './cellProcess.js';
import type { CellEvents, SweepExecutor } from './sweepExecutor.js';
import { sha256, type SweepCell, type SweepPlan } from './sweepPlan.js';

export class LocalExecutor implements SweepExecutor {
  readonly workers: number;

  /** @param workers worker processes, default the number of cores. */
  constructor(options: { workers?: number } = {}) {
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new Error(`--workers must be an integer >= 1, got ${this.workers}`);
  }

  async run(plan: SweepPlan, cells: readonly SweepCell[], events: CellEvents): Promise<void> {
    const queue = [...cells];
    const planId = sha256(JSON.stringify(plan));
    const lane = async () => {
      let process = new CellProcess();
      for (let cell = queue.shift(); cell; cell = queue.shift()) {
        if (process.dead) process = new CellProcess();
        try {
          await process.started();
        } catch (error) {
          // A process that cannot start would fail every cell the same way.
          for (const rest of [cell, ...queue.splice(0)]) events.failed(rest, (error as Error).message, process.name);
          break;
        }
        events.started(cell, process.name);
        try {
          events.done(cell, await process.run(plan, planId, cell.index));
        } catch (error) {
          events.failed(cell, (error as Error).message, process.name);
        }
      }
      process.close();
    };
    await Promise.all(Array.from({ length: Math.min(this.workers, queue.length) }, lane));
  }
}
