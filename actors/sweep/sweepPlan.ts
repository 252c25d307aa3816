/**
 * A sweep expanded into cells (the plan a sweep folder keeps as sweep.json). Each cell is keyed by
 * a hash of its full configuration (the sweep's options with their defaults, the data's sha256 and
 * the cell's own key), so a rerun finds the cells it has already done and a changed option or data
 * file never reuses a stale result. (Expanding a definition into a plan is expandSweep.ts.)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SweepDefinition } from './sweepFile.js';

export const SWEEP_FORMAT = 'brain-rnn-sweep';

export interface SweepCell {
  index: number;
  /** sha256 (first 20 hex digits) of the cell's full configuration. */
  hash: string;
  /** The cell's own key within the sweep, e.g. `{ model: 'tiny_gru:1', fold: 2, run: 0 }`. */
  key: Record<string, unknown>;
}

export interface SweepPlan {
  format: typeof SWEEP_FORMAT;
  version: 1;
  /** Package version of the coordinator that wrote the plan. */
  packageVersion: string;
  definition: SweepDefinition;
  /** sha256 of the data file (kinds that read one), how workers elsewhere ask for it. */
  dataSha256?: string;
  cells: SweepCell[];
}

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The data file of a plan, checked against the sha256 the plan was made with (a changed file would
 * mix cells of two data sets).
 */
export function readPlanData(plan: SweepPlan): Uint8Array | undefined {
  if (plan.dataSha256 === undefined || !('data' in plan.definition)) return undefined;
  const data = readFileSync(plan.definition.data);
  const actual = sha256(data);
  if (actual !== plan.dataSha256) throw new Error(`${plan.definition.data} has changed since the sweep was planned (sha256 ${actual.slice(0, 12)}…, planned ${plan.dataSha256.slice(0, 12)}…); run brain-rnn sweep FILE again`);
  return data;
}
