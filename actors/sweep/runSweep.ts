/**
 * The coordinator of `brain-rnn sweep FILE`: expand the sweep, write its plan into the output
 * folder, hand the cells that are not done to an executor, write each result (or error) as its own
 * file as it arrives, then reduce. A failed cell does not stop the others; the sweep fails at the
 * end, naming each failed cell and its error, and `retryFailed` runs only those again.
 */
import cliProgress from 'cli-progress';
import { describeCell, type SweepExecutor } from './sweepExecutor.js';
import { clearFailure, markRunning, readCellFailure, sweepStatus, writeCellDone, writeCellFailed, writePlan } from './sweepFolder.js';
import { expandSweep } from './expandSweep.js';
import type { SweepPlan } from './sweepPlan.js';
import type { SweepDefinition } from './sweepFile.js';
import { reduceSweep, type ReducedSweep } from './reduceSweep.js';

export interface RunSweepOptions {
  outputDir: string;
  executor: SweepExecutor;
  /** Run the failed cells again (by default a rerun leaves them failed). */
  retryFailed?: boolean;
  /** Refuse a sweep of more cells (default DEFAULT_MAX_CELLS). */
  maxCells?: number;
  /** Progress bar of cells on stderr (default true). */
  progress?: boolean;
}

export interface SweepOutcome {
  plan: SweepPlan;
  /** Cells run by this call. */
  ran: number;
  /** `cell I (key): error` of every failed cell. */
  failures: string[];
  /** The reduce, when every cell is done. */
  reduced?: ReducedSweep;
}

/**
 * @example
 * const outcome = await runSweep(loadSweepFile('scenarios/sweeps/prl.json'), { outputDir: 'sweeps/prl', executor: new LocalExecutor({ workers: 2 }) });
 */
export async function runSweep(definition: SweepDefinition, options: RunSweepOptions): Promise<SweepOutcome> {
  const { outputDir, executor, retryFailed = false, maxCells, progress = true } = options;
  const plan = expandSweep(definition, { maxCells });
  writePlan(outputDir, plan);
  const before = sweepStatus(outputDir, plan);
  if (retryFailed) plan.cells.forEach((cell, i) => before.states[i] === 'failed' && clearFailure(outputDir, cell));
  const todo = plan.cells.filter((_, i) => before.states[i] === 'pending' || (retryFailed && before.states[i] === 'failed'));
  let running = 0;
  let failed = retryFailed ? 0 : before.failed;
  let done = before.done;
  const bar = progress
    ? new cliProgress.SingleBar(
        { format: ' sweep {name} |{bar}| {value}/{total} cells done | {running} running | {failed} failed | ETA {remaining} | {last}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  // ETA from this call's own pace (cells done before it took no time now).
  const started = Date.now();
  const doneBefore = done;
  const eta = () => {
    const ran = done - doneBefore;
    const left = plan.cells.length - done - failed;
    if (ran === 0) return '-';
    const seconds = Math.round(((Date.now() - started) / 1000 / ran) * left);
    return seconds >= 3600 ? `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min` : seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
  };
  const draw = (last: string) => bar?.update(done, { running, failed, last, remaining: eta() });
  bar?.start(plan.cells.length, done, { name: definition.name, running, failed, last: '', remaining: '-' });
  try {
    await executor.run(plan, todo, {
      started: (cell, worker) => {
        running += 1;
        markRunning(outputDir, cell, worker);
        draw(`cell ${cell.index} on ${worker}`);
      },
      done: (cell, { result, seconds, worker }) => {
        running -= 1;
        done += 1;
        writeCellDone(outputDir, { hash: cell.hash, index: cell.index, key: cell.key, worker, seconds, result });
        draw(`cell ${cell.index} (${describeCell(cell)}) ${seconds.toFixed(1)} s on ${worker}`);
      },
      failed: (cell, error, worker) => {
        running -= 1;
        failed += 1;
        writeCellFailed(outputDir, { hash: cell.hash, index: cell.index, key: cell.key, worker, error });
        draw(`cell ${cell.index} failed on ${worker}`);
      },
    });
  } finally {
    bar?.stop();
  }
  const failures = plan.cells.flatMap((cell) => {
    const failure = readCellFailure(outputDir, cell);
    return failure ? [`cell ${cell.index} (${describeCell(cell)}): ${failure.error}`] : [];
  });
  const after = sweepStatus(outputDir, plan);
  const reduced = after.done === after.total ? reduceSweep(outputDir) : undefined;
  return { plan, ran: todo.length, failures, reduced };
}
