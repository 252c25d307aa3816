/**
 * Runs one cell of a sweep plan in this process, whoever asked (a local worker process, a BullMQ
 * worker, a SLURM task through `brain-rnn sweep cell`). The kind's context (parsed data, folds,
 * configurations) is built once per sweep and kept for the next cell of the same sweep.
 */
import type { SweepDefinition } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';
import { sha256, type SweepPlan } from './sweepPlan.js';

type AnyKind = SweepKind<SweepDefinition, unknown>;

/**
 * Each kind's module, imported when a cell of that kind first runs, so that a cell process loads
 * its own sweep's kind only: a fit cell none of the run and live machinery (the coordinator's
 * sweepKinds.ts imports them all).
 */
const KIND_MODULES: { [Kind in SweepDefinition['kind']]: () => Promise<AnyKind> } = {
  fit: async () => (await import('./fitSweep.js')).fitSweepKind as unknown as AnyKind,
  run: async () => (await import('./runSweepKind.js')).runSweepKind as unknown as AnyKind,
  live: async () => (await import('./liveSweepKind.js')).liveSweepKind as unknown as AnyKind,
};

export interface CellOutcome {
  result: unknown;
  seconds: number;
}

let cached: { id: string; context: unknown } | undefined;

/** The context of a plan of `kind` (built once per process and plan). */
export function planContext(kind: AnyKind, plan: SweepPlan, data?: Uint8Array): unknown {
  const id = sha256(JSON.stringify([plan.definition, plan.dataSha256]));
  if (cached?.id !== id) {
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
  // Loading the kind's code (on a process's first cell) is not the cell's time.
  const kind = await KIND_MODULES[plan.definition.kind]();
  const started = performance.now();
  const result = await kind.runCell(planContext(kind, plan, data), cell.key);
  return { result, seconds: Math.round(performance.now() - started) / 1000 };
}
