/**
 * What every executor (local processes, BullMQ, SLURM) does for the coordinator: run the given
 * cells of a plan and say when each starts, finishes or fails. The coordinator (runSweep.ts) writes
 * the cell files; an executor only moves work and results.
 */
import type { SweepCell, SweepPlan } from './sweepPlan.js';

export interface CellEvents {
  started(cell: SweepCell, worker: string): void;
  done(cell: SweepCell, outcome: { result: unknown; seconds: number; worker: string }): void;
  failed(cell: SweepCell, error: string, worker: string): void;
}

export interface SweepExecutor {
  /** Resolves once every cell has finished or failed; rejects only when the executor itself cannot go on. */
  run(plan: SweepPlan, cells: readonly SweepCell[], events: CellEvents): Promise<void>;
}

/** A cell's key in a log line: `tiny_gru:1 fold 2 run 0`. */
export function describeCell(cell: SweepCell): string {
  return Object.entries(cell.key)
    .map(([name, value]) => (name === 'model' || name === 'stage' ? String(value) : `${name} ${String(value)}`))
    .join(' ');
}
