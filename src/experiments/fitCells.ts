/**
 * A model comparison (compareModels.ts) as cells: one per recurrent model × fold × initialisation
 * seed and one per cognitive model × fold. A cell depends only on the plan and its own key, so the
 * cells can run in any order, in any process (a `fit` sweep), and `reduceFitCells` turns their
 * results into the comparison `compareModels` returns, number for number.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import type { EpochRecord } from '../training/trainer.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import { ConfigError } from '../validation.js';
import { checkFitData } from './checkFitData.js';
import type { CompareModelsOptions, ModelComparison } from './compareModels.js';
import { comparisonEntry, rankModels } from './compareModels.js';
import type { FitInputEncoding } from './conjunctiveInputs.js';
import { fitCognitiveFold, reduceCognitiveFolds, type CognitiveFoldResult } from './crossValidateCognitiveSubjects.js';
import { planRecurrentFold, recurrentFitConfig, reduceRecurrentFold, reduceRecurrentFolds, trainRecurrentRun, type RecurrentRunResult } from './crossValidateRecurrent.js';
import type { FitModelSpec } from './modelSpec.js';
import { splitSubjectsIntoFolds, type SubjectFolds } from './subjectFolds.js';

/** Everything the cells of a comparison share, checked once. */
export interface FitPlan {
  task: TrialsSession['task'];
  specs: readonly FitModelSpec[];
  subjectFolds: SubjectFolds;
  seed: number;
  seeds: number;
  validationFraction: number;
  inputEncoding: FitInputEncoding;
  config: TrainingConfig;
  restarts: number;
  objective: NonNullable<CompareModelsOptions['objective']>;
  warnings: string[];
}

/** One unit of work: a model's fold, and for a network the index of its initialisation seed. */
export interface FitCell {
  /** The model's label (`tiny_gru:1`, `q_learning`). */
  model: string;
  fold: number;
  /** Recurrent models only. */
  run?: number;
}

export type FitCellResult = { kind: 'recurrent'; result: RecurrentRunResult } | { kind: 'cognitive'; result: CognitiveFoldResult };

/**
 * Check the data and options and fix the folds. Refuses data with no choice, or with no outcome
 * for a cognitive model that learns from outcomes (checkFitData.ts).
 * @example
 * const plan = planFit(table.sessions, parseModelSpecs('tiny_gru:1 q_learning', table.task), { folds: 5, seed: 1, seeds: 2 });
 */
export function planFit(sessions: readonly TrialsSession[], specs: readonly FitModelSpec[], options: CompareModelsOptions = {}): FitPlan {
  const { folds = 5, seed = 0, seeds = 5, validationFraction = 0.2, inputEncoding = 'task', training = {}, restarts = 5, objective = 'stage1' } = options;
  if (specs.length === 0) throw new ConfigError(['specs must hold at least one model, got 0']);
  if (sessions.length === 0) throw new ConfigError(['sessions must hold at least one session, got 0']);
  const { warnings } = checkFitData(sessions, specs);
  const task = sessions[0].task;
  for (const spec of specs) {
    if (spec.kind === 'cognitive' && spec.create().task !== task) throw new ConfigError([`model ${spec.label} fits ${spec.create().task} data, but the data are ${task}`]);
  }
  const config = recurrentFitConfig({ seeds, validationFraction, training, inputEncoding });
  const subjectFolds = splitSubjectsIntoFolds(sessions, { folds, seed });
  return { task, specs, subjectFolds, seed, seeds, validationFraction, inputEncoding, config, restarts, objective, warnings };
}

/** Every cell of the plan, model by model, fold by fold, run by run (the order reduceFitCells takes). */
export function listFitCells(plan: FitPlan): FitCell[] {
  const nFolds = plan.subjectFolds.testSubjects.length;
  return plan.specs.flatMap((spec) =>
    Array.from({ length: nFolds }, (_, fold) =>
      spec.kind === 'recurrent' ? Array.from({ length: plan.seeds }, (_, run) => ({ model: spec.label, fold, run })) : [{ model: spec.label, fold }],
    ).flat(),
  );
}

function specOf(plan: FitPlan, label: string): FitModelSpec {
  const spec = plan.specs.find((s) => s.label === label);
  if (!spec) throw new ConfigError([`cell model must be one of ${plan.specs.map((s) => s.label).join(', ')}, got ${JSON.stringify(label)}`]);
  return spec;
}

/**
 * Run one cell: train and score a network, or fit and score a cognitive model's fold.
 * @example
 * const results = listFitCells(plan).map((cell) => runFitCell(plan, cell));
 */
export function runFitCell(plan: FitPlan, cell: FitCell, options: { onEpoch?: (epoch: EpochRecord) => void } = {}): FitCellResult {
  const spec = specOf(plan, cell.model);
  if (spec.kind === 'recurrent') {
    const foldPlan = planRecurrentFold(plan.subjectFolds, cell.fold, plan);
    return { kind: 'recurrent', result: trainRecurrentRun(spec, plan.subjectFolds, foldPlan, { run: cell.run ?? 0, config: plan.config, inputEncoding: plan.inputEncoding, onEpoch: options.onEpoch }) };
  }
  return { kind: 'cognitive', result: fitCognitiveFold(spec.create(), plan.subjectFolds, cell.fold, plan) };
}

/**
 * The comparison from the results of every cell, given in the order of listFitCells.
 * @example
 * const comparison = reduceFitCells(plan, listFitCells(plan).map((cell) => runFitCell(plan, cell)));
 */
export function reduceFitCells(plan: FitPlan, results: readonly FitCellResult[]): ModelComparison {
  const cells = listFitCells(plan);
  if (results.length !== cells.length) throw new ConfigError([`results must hold one result per cell (${cells.length}), got ${results.length}`]);
  const nFolds = plan.subjectFolds.testSubjects.length;
  const entries = plan.specs.map((spec) => {
    const mine = results.filter((_, i) => cells[i].model === spec.label);
    if (spec.kind === 'recurrent') {
      const folds = Array.from({ length: nFolds }, (_, f) => {
        const runs = mine.slice(f * plan.seeds, (f + 1) * plan.seeds).map((r) => (r as Extract<FitCellResult, { kind: 'recurrent' }>).result);
        return reduceRecurrentFold(plan.subjectFolds, planRecurrentFold(plan.subjectFolds, f, plan), runs);
      });
      return comparisonEntry(spec.label, reduceRecurrentFolds(spec, plan.inputEncoding, plan.config, folds), 'recurrent');
    }
    const folds = mine.map((r) => (r as Extract<FitCellResult, { kind: 'cognitive' }>).result);
    return comparisonEntry(spec.label, reduceCognitiveFolds(spec.create().name, folds), 'cognitive');
  });
  return rankModels(plan, entries);
}
