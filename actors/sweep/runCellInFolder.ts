/**
 * `brain-rnn sweep cell DIR --index I`: run one cell of a planned sweep folder in this process and
 * write its file, the way a SLURM array task does. A done cell is left as it is.
 */
import { runSweepCell } from './cellRunner.js';
import { describeCell } from './sweepExecutor.js';
import { cellState, markRunning, readPlan, workerName, writeCellDone, writeCellFailed } from './sweepFolder.js';
import { readPlanData } from './sweepPlan.js';

/** Returns false when the cell failed (its error is in its .failed.json). */
export async function runCellInFolder(dir: string, index: number, log: (line: string) => void): Promise<boolean> {
  const plan = readPlan(dir);
  const cell = plan.cells[index];
  if (!cell) throw new Error(`--index must be an integer in [0, ${plan.cells.length - 1}], got ${index}`);
  const worker = workerName();
  if (cellState(dir, cell) === 'done') {
    log(`${worker}: cell ${index} (${describeCell(cell)}) is already done`);
    return true;
  }
  markRunning(dir, cell, worker);
  log(`${worker}: cell ${index} (${describeCell(cell)}) started`);
  try {
    const { result, seconds } = await runSweepCell(plan, index, readPlanData(plan));
    writeCellDone(dir, { hash: cell.hash, index, key: cell.key, worker, seconds, result });
    log(`${worker}: cell ${index} (${describeCell(cell)}) done in ${seconds.toFixed(1)} s`);
    return true;
  } catch (error) {
    writeCellFailed(dir, { hash: cell.hash, index, key: cell.key, worker, error: (error as Error).message });
    log(`${worker}: cell ${index} (${describeCell(cell)}) failed: ${(error as Error).message}`);
    return false;
  }
}
