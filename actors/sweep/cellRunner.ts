/**
 * Runs one cell of a sweep plan in this process, whoever asked (a local worker process, a BullMQ
 * worker, a SLURM task through `brain-rnn sweep cell`). The kind's plan (parsed data, folds) is
 * built once per sweep and kept for the next cell of the same sweep.
 */
import { sha256, type SweepPlan } from './sweepPlan.js';
import { planFitSweep, runFitSweepCell } from './fitSweep.js';
import type { FitPlan } from '../../src/experiments/fitCells.js';

export interface CellOutcome {
  result: unknown;
  seconds: number;
}

let cached: { id: string; plan: FitPlan } | undefined;

/**
 * Run cell `index` of `plan`; `data` is the data file's bytes (kinds that read one).
 * @example
 * const { result, seconds } = runSweepCell(plan, 3, readFileSync(plan.definition.data));
 */
export function runSweepCell(plan: SweepPlan, index: number, data?: Uint8Array): CellOutcome {
  const cell = plan.cells[index];
  if (!cell) throw new Error(`--index must be an integer in [0, ${plan.cells.length - 1}], got ${index}`);
  const started = performance.now();
  const id = sha256(JSON.stringify([plan.definition, plan.dataSha256]));
  if (cached?.id !== id) {
    if (!data) throw new Error(`cell ${index} needs the data file ${plan.definition.data}`);
    cached = { id, plan: planFitSweep(plan.definition, data).plan };
  }
  const result = runFitSweepCell(cached.plan, cell.key);
  return { result, seconds: Math.round(performance.now() - started) / 1000 };
}
