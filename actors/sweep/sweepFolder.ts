/**
 * A sweep's output folder: `sweep.json` (the plan), then one file per cell under `cells/`, each
 * written atomically (io/outputFolder.ts writeAtomically): `<hash>.json` once the cell is done,
 * `<hash>.failed.json` (its error kept) when it failed, `<hash>.running.json` while a process has
 * it. A cell's state is read from these files alone, so any process (the coordinator, a SLURM
 * task, `sweep status`) sees the same thing, and a rerun skips what is done.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from '../io/outputFolder.js';
import { SWEEP_FORMAT, type SweepCell, type SweepPlan } from './sweepPlan.js';

export const PLAN_FILE = 'sweep.json';
export type CellState = 'done' | 'failed' | 'running' | 'pending';

export interface CellRecord {
  hash: string;
  index: number;
  key: Record<string, unknown>;
  /** Who ran it: `host:pid` of the worker. */
  worker: string;
  seconds: number;
  result: unknown;
}

export interface CellFailure {
  hash: string;
  index: number;
  key: Record<string, unknown>;
  worker: string;
  error: string;
}

interface RunningMark {
  worker: string;
  host: string;
  pid: number;
  startedAt: string;
}

const cellsDir = (dir: string) => join(dir, 'cells');
const json = (value: unknown) => `${JSON.stringify(value)}\n`;

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** This process as a worker name. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** Write the plan (and create cells/). */
export function writePlan(dir: string, plan: SweepPlan): void {
  mkdirSync(cellsDir(dir), { recursive: true });
  writeAtomically(dir, PLAN_FILE, `${JSON.stringify(plan, null, 1)}\n`);
}

/** The plan of a sweep folder; a folder without one is refused, naming it. */
export function readPlan(dir: string): SweepPlan {
  const plan = readJson<SweepPlan>(join(dir, PLAN_FILE));
  if (plan?.format !== SWEEP_FORMAT || !Array.isArray(plan.cells)) throw new Error(`${dir} is not a sweep folder (no ${PLAN_FILE} written by brain-rnn sweep)`);
  return plan;
}

export function readCellRecord(dir: string, cell: SweepCell): CellRecord | undefined {
  return readJson<CellRecord>(join(cellsDir(dir), `${cell.hash}.json`));
}

export function readCellFailure(dir: string, cell: SweepCell): CellFailure | undefined {
  return readJson<CellFailure>(join(cellsDir(dir), `${cell.hash}.failed.json`));
}

function alive(mark: RunningMark): boolean {
  if (mark.host !== hostname()) return true;
  try {
    process.kill(mark.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** done / failed / running / pending; a running mark left by a dead process of this host is pending. */
export function cellState(dir: string, cell: SweepCell): CellState {
  const exists = (name: string) => statSync(join(cellsDir(dir), name), { throwIfNoEntry: false }) !== undefined;
  if (exists(`${cell.hash}.json`)) return 'done';
  if (exists(`${cell.hash}.failed.json`)) return 'failed';
  const mark = readJson<RunningMark>(join(cellsDir(dir), `${cell.hash}.running.json`));
  return mark && alive(mark) ? 'running' : 'pending';
}

/** Mark a cell as taken by `worker`, on behalf of process `pid` of this host (whose death frees it). */
export function markRunning(dir: string, cell: SweepCell, worker: string, pid = process.pid): void {
  writeAtomically(cellsDir(dir), `${cell.hash}.running.json`, json({ worker, host: hostname(), pid, startedAt: new Date().toISOString() }));
}

export function writeCellDone(dir: string, record: CellRecord): void {
  writeAtomically(cellsDir(dir), `${record.hash}.json`, json(record));
  rmSync(join(cellsDir(dir), `${record.hash}.failed.json`), { force: true });
  rmSync(join(cellsDir(dir), `${record.hash}.running.json`), { force: true });
}

export function writeCellFailed(dir: string, failure: CellFailure): void {
  writeAtomically(cellsDir(dir), `${failure.hash}.failed.json`, json(failure));
  rmSync(join(cellsDir(dir), `${failure.hash}.running.json`), { force: true });
}

/** Forget a failure (before `--retry-failed` runs the cell again). */
export function clearFailure(dir: string, cell: SweepCell): void {
  rmSync(join(cellsDir(dir), `${cell.hash}.failed.json`), { force: true });
}

/** Count of cells in each state. */
export function sweepStatus(dir: string, plan: SweepPlan = readPlan(dir)): Record<CellState, number> & { total: number; states: CellState[] } {
  const states = plan.cells.map((cell) => cellState(dir, cell));
  const count = (s: CellState) => states.filter((x) => x === s).length;
  return { total: states.length, done: count('done'), running: count('running'), failed: count('failed'), pending: count('pending'), states };
}
