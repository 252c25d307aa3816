/**
 * The `fit` kind of sweep: the cells of `brain-rnn fit` (src/experiments/fitCells.ts), run one at
 * a time anywhere, and the reduce that writes the files `brain-rnn fit` writes for the same options.
 */
import { parseChoiceData, type ChoiceData } from '../../src/data/parseChoiceData.js';
import { listFitCells, planFit, reduceFitCells, runFitCell, type FitCell, type FitCellResult, type FitPlan } from '../../src/experiments/fitCells.js';
import { RECURRENT_FIT_TRAINING } from '../../src/experiments/crossValidateRecurrent.js';
import { defaultModelSpecs, parseModelSpecs } from '../../src/experiments/modelSpec.js';
import { fitOutputFiles } from '../cli/fitRun.js';
import type { FitSweep } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';
import { sha256 } from './sweepPlan.js';

function fitOptions(sweep: FitSweep) {
  return {
    folds: sweep.folds,
    cv: sweep.cv,
    resetOn: sweep.resetOn,
    level: sweep.level,
    seed: sweep.seed,
    seeds: sweep.seeds,
    restarts: sweep.restarts,
    objective: sweep.objective,
    inputEncoding: sweep.encoding,
    training: { ...RECURRENT_FIT_TRAINING, ...(sweep.nEpochs === undefined ? {} : { nEpochs: sweep.nEpochs }) },
  };
}

interface FitContext {
  plan: FitPlan;
  table: ChoiceData;
}

export const fitSweepKind: SweepKind<FitSweep, FitContext> = {
  readsData: true,
  expand(sweep, data) {
    const { plan } = this.prepare(sweep, data);
    return { keys: listFitCells(plan) as unknown as Record<string, unknown>[], dataSha256: sha256(data!) };
  },
  prepare(sweep, data) {
    const table = parseChoiceData(data!);
    const specs = sweep.models ? parseModelSpecs(sweep.models, table.task) : defaultModelSpecs(table.task);
    return { plan: planFit(table.sessions, specs, fitOptions(sweep)), table };
  },
  runCell({ plan }, key) {
    return runFitCell(plan, key as unknown as FitCell);
  },
  /** The files `brain-rnn fit` writes (fold checkpoints, results.json, table.md); `seconds` is the cells' total. */
  reduce(sweep, { plan, table }, results, seconds) {
    const comparison = reduceFitCells(plan, results as FitCellResult[]);
    const { folds, cv, resetOn, level, seed, seeds, restarts, objective, encoding } = sweep;
    const { training } = fitOptions(sweep);
    for (const warning of comparison.warnings) process.stderr.write(`brain-rnn sweep: warning: ${warning}\n`);
    const output = fitOutputFiles(comparison, { data: sweep.data, table, specs: plan.specs, folds, cv, resetOn, level, seed, seeds, restarts, objective, encoding, training }, seconds);
    return { command: 'fit', summary: output.behaviourLine ? `${output.behaviourLine}\n${output.summary}` : output.summary, files: output.files };
  },
};
