/**
 * The `slurm` executor: writes DIR/sweep.sbatch, a job array with one task per cell to run
 * (`--array=0-(cells-1)` for a fresh sweep; the indices left to do on a rerun), each task running
 * `brain-rnn sweep cell DIR --index $SLURM_ARRAY_TASK_ID` into the shared sweep folder; submits it
 * with sbatch and follows the cell files until every task has written its cell or left the queue.
 * The coordinator then reduces as for any executor (`brain-rnn sweep reduce DIR` does the same by
 * hand, e.g. after `--no-submit`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from './packageVersion.js';
import type { CellEvents, SweepExecutor } from './sweepExecutor.js';
import { cellState, readCellFailure, readCellRecord, type CellState } from './sweepFolder.js';
import type { SweepCell, SweepPlan } from './sweepPlan.js';

// The package's own bin.js (it builds or finds dist/), also when this module runs from dist/.
const BIN = join(PACKAGE_ROOT, 'actors', 'cli', 'bin.js');

export interface SlurmOptions {
  /** The sweep folder (shared by the coordinator and the compute nodes). */
  outputDir: string;
  partition?: string;
  /** Wall-time limit per task, e.g. `01:00:00`. */
  time?: string;
  cpusPerTask?: number;
  /** Memory per task, e.g. `4G`. */
  mem?: string;
  /** At most this many tasks at once (`--array=...%N`). */
  maxParallel?: number;
  /** Write the script without submitting it (default false). */
  noSubmit?: boolean;
  /** Seconds between looks at the cell files and the queue. Default 1. */
  pollSeconds?: number;
  /** Says what was written or submitted. */
  log?: (line: string) => void;
}

/** Compact `--array` ranges: [0,1,2,5,7,8] → `0-2,5,7-8`. */
export function arraySpec(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j;
  }
  return parts.join(',');
}

/** The sbatch script of the cells `indices` of the sweep folder `dir`. */
export function sbatchScript(plan: SweepPlan, indices: readonly number[], options: SlurmOptions): string {
  const dir = resolve(options.outputDir);
  const directives = [
    `--job-name=brain-rnn-${plan.definition.name}`,
    `--array=${arraySpec(indices)}${options.maxParallel ? `%${options.maxParallel}` : ''}`,
    `--output=${join(dir, 'slurm', '%A_%a.out')}`,
    `--cpus-per-task=${options.cpusPerTask ?? 1}`,
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.partition ? [`--partition=${options.partition}`] : []),
  ];
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return [
    '#!/bin/bash',
    `# brain-rnn sweep ${plan.definition.name}: ${indices.length} of ${plan.cells.length} cells, one array task each (written by brain-rnn ${plan.packageVersion}).`,
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    `exec ${quote(process.execPath)} ${quote(BIN)} sweep cell ${quote(dir)} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

export class SlurmExecutor implements SweepExecutor {
  constructor(private readonly options: SlurmOptions) {}

  async run(plan: SweepPlan, cells: readonly SweepCell[], events: CellEvents): Promise<void> {
    const { outputDir, noSubmit = false, pollSeconds = 1, log = () => {} } = this.options;
    if (cells.length === 0) return;
    mkdirSync(join(outputDir, 'slurm'), { recursive: true });
    const script = join(resolve(outputDir), 'sweep.sbatch');
    writeFileSync(script, sbatchScript(plan, cells.map((c) => c.index), this.options));
    if (noSubmit) {
      log(`wrote ${script}; submit it with: sbatch ${script}   then, once its tasks are done: brain-rnn sweep reduce ${outputDir}`);
      return;
    }
    let jobId: string;
    try {
      jobId = execFileSync('sbatch', ['--parsable', script], { encoding: 'utf8' }).trim().split(';')[0];
    } catch (error) {
      throw new Error(`sbatch could not submit ${script}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
    }
    log(`submitted ${script} as SLURM job ${jobId} (${cells.length} array tasks)`);
    const seen = new Map<string, CellState>(cells.map((c) => [c.hash, 'pending']));
    const look = (cell: SweepCell) => {
      const state = cellState(outputDir, cell);
      const before = seen.get(cell.hash)!;
      if (state === before) return;
      seen.set(cell.hash, state);
      if (state === 'running') events.started(cell, `slurm ${jobId}_${cell.index}`);
      if (state === 'done') {
        const record = readCellRecord(outputDir, cell)!;
        events.done(cell, record);
      }
      if (state === 'failed') events.failed(cell, readCellFailure(outputDir, cell)!.error, readCellFailure(outputDir, cell)!.worker);
    };
    const finished = () => cells.every((c) => seen.get(c.hash) === 'done' || seen.get(c.hash) === 'failed');
    while (!finished()) {
      await new Promise((r) => setTimeout(r, pollSeconds * 1000));
      cells.forEach(look);
      if (finished()) break;
      const queued = execFileSync('squeue', ['-h', '-j', jobId, '-o', '%i'], { encoding: 'utf8' }).trim();
      if (queued === '') {
        // The array has left the queue: a task that wrote nothing was killed (time limit, node failure).
        cells.forEach(look);
        for (const cell of cells.filter((c) => seen.get(c.hash) !== 'done' && seen.get(c.hash) !== 'failed')) {
          seen.set(cell.hash, 'failed');
          events.failed(cell, `SLURM task ${jobId}_${cell.index} ended without writing its cell (see ${join(outputDir, 'slurm', `${jobId}_${cell.index}.out`)})`, `slurm ${jobId}_${cell.index}`);
        }
      }
    }
  }
}
