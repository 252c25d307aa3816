/**
 * The `run` kind of sweep: the developmental comparison of `brain-rnn run` on one task as cells of
 * seed × stage (runDevelopmentalCell), and the reduce (Welch tests, CIs, verdicts, report and
 * figures) into the files `brain-rnn run` writes for the same options. With `"saveModels": true`
 * each cell's result also carries its trained network, and the reduce writes them as the
 * checkpoints `brain-rnn run --save-models` writes (`<task>-<stage>-seed<k>.json`), into the sweep's
 * output folder beside results.json.
 */
import { comparisonInputs, runOutputFiles, type RunCommandOptions } from '../cli/run.js';
import { networkCheckpoint } from '../cli/runCheckpoints.js';
import {
  COMPARISON_METRICS,
  planDevelopmentalComparison,
  reduceDevelopmentalComparison,
  STAGES,
  trainDevelopmentalCell,
  type DevelopmentalComparisonPlan,
  type NetworkTraining,
  type SeedRun,
  type StageName,
} from '../../src/experiments/developmentalComparison.js';
import { modelFromJSON } from '../../src/model/checkpoint.js';
import type { SerializedModel } from '../../src/model/recurrentModel.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import type { RunSweep } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';

/** The options `brain-rnn run` would have for this sweep, in the order its command line sets them (results.json records them). */
export function runCommandOptions(sweep: RunSweep): RunCommandOptions {
  const { task, nEpochs, nSessions, trialsPerSession, nHidden, seeds, seed, batchSize, evalSessions, trainer, episodes, precision } = sweep;
  // outputDir is not recorded (runOutputFiles drops it), so any value gives the same files.
  return { task, outputDir: '', nEpochs, nSessions, trialsPerSession, nHidden, seeds, seed, batchSize, evalSessions, trainer, episodes, precision };
}

/** A cell's result: its SeedRun, with its trained network when the sweep keeps them. */
type RunCellResult = SeedRun & { network?: { model: SerializedModel; training: NetworkTraining } };

/** A run read back from JSON: the metrics a seed could not produce were NaN, which JSON wrote as null. */
function revive(cell: RunCellResult): SeedRun {
  const { network: _network, ...run } = cell;
  const metrics = Object.fromEntries(COMPARISON_METRICS.map((m) => [m, run.metrics[m] ?? NaN])) as SeedRun['metrics'];
  return { ...run, metrics };
}

interface RunSweepContext {
  plan: DevelopmentalComparisonPlan;
  saveModels: boolean;
}

export const runSweepKind: SweepKind<RunSweep, RunSweepContext> = {
  readsData: false,
  expand(sweep) {
    return { keys: Array.from({ length: sweep.seeds }, (_, k) => STAGES.map((stage) => ({ seed: sweep.seed + k, stage }))).flat() };
  },
  prepare(sweep) {
    const { dataset, configs, comparison } = comparisonInputs(runCommandOptions(sweep), parseTaskType(sweep.task));
    return { plan: planDevelopmentalComparison(dataset, configs.premature, configs.mature, comparison), saveModels: sweep.saveModels ?? false };
  },
  runCell({ plan, saveModels }, key) {
    const seedIndex = plan.seeds.indexOf(key.seed as number);
    const { run, model, training } = trainDevelopmentalCell(plan, seedIndex, key.stage as StageName);
    const cell: RunCellResult = saveModels ? { ...run, network: { model: model.toJSON(), training } } : run;
    return cell;
  },
  reduce(sweep, { plan }, results) {
    const cells = results as RunCellResult[];
    const runs: Record<StageName, SeedRun[]> = { premature: [], mature: [] };
    cells.forEach((cell, i) => runs[STAGES[i % 2]].push(revive(cell)));
    const options = runCommandOptions(sweep);
    const reduced = reduceDevelopmentalComparison(plan, runs);
    const files = runOutputFiles([reduced], options);
    if (sweep.saveModels) {
      cells.forEach((cell, i) => {
        // A cell done before saveModels was set has no network; its hash differs, so it is never reused here.
        const { model, training } = cell.network!;
        const run = runs[STAGES[i % 2]][Math.floor(i / 2)];
        files.push(networkCheckpoint(reduced, { seed: run.seed, stage: STAGES[i % 2], model: modelFromJSON(model), run, training }));
      });
    }
    return { command: 'run', summary: `${sweep.name}: ${files.map(([name]) => name).join(', ')}`, files };
  },
};
