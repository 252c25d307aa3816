/**
 * Runs one cell of a sweep plan in this process, whoever asked (a local worker process, a BullMQ
 * worker, a SLURM task through `brain-rnn sweep cell`). The kind's context (parsed data, folds,
 * configurations) is built once per sweep and kept for the next cell of the same sweep.
 */
import { sha256, type SweepPlan } from './sweepPlan.js';
import { kindOf } from './sweepKinds.js';

export interface CellOutcome {
  result: unknown;
  seconds: number;
}

let cached: { id: string; context: unknown } | undefined;

/** The kind's context of a plan (built once per process and plan). */
export function planContext(plan: SweepPlan, data?: Uint8Array): unknown {
  const id = sha256(JSON.stringify([plan.definition, plan.dataSha256]));
  if (cached?.id !== id) {
    const kind = kindOf(plan.definition);
    if (kind.readsData && !data) throw new Error(`the cells of sweep ${plan.definition.name} need its data file`);
    cached = { id, context: kind.prepare(plan.definition, data) };
  }
  return cached.context;
}

/**
 * Run cell `index` of `plan`; `data` is the data file's bytes (kinds that read one).
 * @example
 * const { result, seconds } = await runSweepCell(plan, 3, readFileSync(plan.definition.data));
 */
export async function runSweepCell(plan: SweepPlan, index: number, data?: Uint8Array): Promise<CellOutcome> {
  const cell = plan.cells[index];
  if (!cell) throw new Error(`--index must be an integer in [0, ${plan.cells.length - 1}], got ${index}`);
  const started = performance.now();
  const result = await kindOf(plan.definition).runCell(planContext(plan, data), cell.key);
  return { result, seconds: Math.round(performance.now() - started) / 1000 };
}
