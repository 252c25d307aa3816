/**
 * `brain-rnn sweep reduce DIR`: merge the cells of a sweep folder into the files of the command the
 * sweep stands for, written into DIR as one set (io/outputFolder.ts, manifest.json last). Refuses
 * while a cell is not done, naming how many and the first of them.
 */
import { OutputFolder } from '../io/outputFolder.js';
import { planContext } from './cellRunner.js';
import { readCellRecord, readPlan, type CellRecord } from './sweepFolder.js';
import { kindOf } from './sweepKinds.js';
import { readPlanData } from './sweepPlan.js';

export interface ReducedSweep {
  /** What the command would print. */
  summary: string;
  files: string[];
}

/**
 * @example
 * const { summary } = reduceSweep('sweeps/prl');
 */
export function reduceSweep(dir: string): ReducedSweep {
  const plan = readPlan(dir);
  const records = plan.cells.map((cell) => readCellRecord(dir, cell));
  const missing = plan.cells.filter((_, i) => records[i] === undefined);
  if (missing.length > 0) {
    throw new Error(`${missing.length} of ${plan.cells.length} cells of ${dir} are not done (first: cell ${missing[0].index}); see brain-rnn sweep status ${dir}`);
  }
  const done = records as CellRecord[];
  const seconds = Math.round(done.reduce((sum, r) => sum + r.seconds, 0) * 1000) / 1000;
  const kind = kindOf(plan.definition);
  const reduced = kind.reduce(plan.definition, planContext(kind, plan, readPlanData(plan)), done.map((r) => r.result), seconds);
  const folder = new OutputFolder(dir, { command: reduced.command, ownedFiles: reduced.files.map(([name]) => name), force: true });
  folder.writeAll(reduced.files);
  return { summary: reduced.summary, files: reduced.files.map(([name]) => name) };
}
