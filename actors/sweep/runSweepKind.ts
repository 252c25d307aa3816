/**
 * The `run` kind of sweep: the developmental comparison of `brain-rnn run` on one task as cells of
 * seed × stage (runDevelopmentalCell), and the reduce (Welch tests, CIs, verdicts, report and
 * figures) into the files `brain-rnn run` writes for the same options.
 */
import { comparisonInputs, runOutputFiles, type RunCommandOptions } from '../cli/run.js';
import {
  COMPARISON_METRICS,
  planDevelopmentalComparison,
  reduceDevelopmentalComparison,
  runDevelopmentalCell,
  STAGES,
  type DevelopmentalComparisonPlan,
  type SeedRun,
  type StageName,
} from '../../src/experiments/developmentalComparison.js';
import { parseTaskType } from '../../src/index.js';
import type { RunSweep } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';

/** The options `brain-rnn run` would have for this sweep, in the order its command line sets them (results.json records them). */
export function runCommandOptions(sweep: RunSweep): RunCommandOptions {
  const { task, nEpochs, nSessions, trialsPerSession, nHidden, seeds, seed, batchSize, evalSessions, trainer, episodes } = sweep;
  // outputDir is not recorded (runOutputFiles drops it), so any value gives the same files.
  return { task, outputDir: '', nEpochs, nSessions, trialsPerSession, nHidden, seeds, seed, batchSize, evalSessions, trainer, episodes };
}

/** A run read back from JSON: the metrics a seed could not produce were NaN, which JSON wrote as null. */
function revive(run: SeedRun): SeedRun {
  const metrics = Object.fromEntries(COMPARISON_METRICS.map((m) => [m, run.metrics[m] ?? NaN])) as SeedRun['metrics'];
  return { ...run, metrics };
}

export const runSweepKind: SweepKind<RunSweep, DevelopmentalComparisonPlan> = {
  readsData: false,
  expand(sweep) {
    return { keys: Array.from({ length: sweep.seeds }, (_, k) => STAGES.map((stage) => ({ seed: sweep.seed + k, stage }))).flat() };
  },
  prepare(sweep) {
    const { dataset, configs, comparison } = comparisonInputs(runCommandOptions(sweep), parseTaskType(sweep.task));
    return planDevelopmentalComparison(dataset, configs.premature, configs.mature, comparison);
  },
  runCell(plan, key) {
    const seedIndex = plan.seeds.indexOf(key.seed as number);
    return runDevelopmentalCell(plan, seedIndex, key.stage as StageName);
  },
  reduce(sweep, plan, results) {
    const runs: Record<StageName, SeedRun[]> = { premature: [], mature: [] };
    results.forEach((result, i) => runs[STAGES[i % 2]].push(revive(result as SeedRun)));
    const options = runCommandOptions(sweep);
    const files = runOutputFiles([reduceDevelopmentalComparison(plan, runs)], options);
    return { command: 'run', summary: `${sweep.name}: ${files.map(([name]) => name).join(', ')}`, files };
  },
};
