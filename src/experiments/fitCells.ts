/**
 * A model comparison (compareModels.ts) as cells: one per recurrent model × fold × initialisation
 * seed, one per cognitive model × fold, and, at `level` individual or hierarchical, one more per
 * cognitive model for its fit to all data (AIC/BIC, iBIC). A cell depends only on the plan and its own key, so the
 * cells can run in any order, in any process (a `fit` sweep), and `reduceFitCells` turns their
 * results into the comparison `compareModels` returns, number for number.
 */
import { defaultCvUnit, defaultResetOn, splitIntoEpisodes, type CvUnit, type ResetOn } from '../data/episodes.js';
import type { TrialsSession } from '../data/trialsCsv.js';
import type { EpochRecord } from '../training/trainer.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import { ConfigError } from '../validation.js';
import { checkFitData } from './checkFitData.js';
import { checkLevelUnit, fitAtLevel, type FitLevel, type LevelSummary } from './cognitiveLevel.js';
import type { CompareModelsOptions, ModelComparison } from './compareModels.js';
import { comparisonEntry, rankModels } from './compareModels.js';
import type { FitInputEncoding } from './conjunctiveInputs.js';
import { fitCognitiveFold, reduceCognitiveFolds, type CognitiveFoldResult } from './crossValidateCognitiveSubjects.js';
import { planRecurrentFold, recurrentFitConfig, reduceRecurrentFold, reduceRecurrentFolds, trainRecurrentRun, type RecurrentRunResult } from './crossValidateRecurrent.js';
import type { FitModelSpec } from './modelSpec.js';
import { checkInnerValidation, splitSubjectsIntoFolds, type SubjectFolds } from './subjectFolds.js';

/** Everything the cells of a comparison share, checked once. */
export interface FitPlan {
  task: TrialsSession['task'];
  specs: readonly FitModelSpec[];
  /** What a fold holds out and where learners restart, resolved (defaults from the data). */
  cv: CvUnit;
  resetOn: ResetOn;
  /** Level of the cognitive models' parameters, and the prior samples of the hierarchical iBIC. */
  level: FitLevel;
  iBicSamples: number;
  /** Distinct subjects and sessions of the data, and the episodes the sessions were cut into. */
  nSubjects: number;
  nSessions: number;
  episodes: readonly TrialsSession[];
  /** Folds over `cv` units of the episodes. */
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

/**
 * One unit of work: a model's fold, and for a network the index of its initialisation seed; or,
 * at `level` individual or hierarchical, a cognitive model's fit to all data (`level` set, no fold).
 */
export type FitCell =
  | {
      /** The model's label (`tiny_gru:1`, `q_learning`). */
      model: string;
      fold: number;
      /** Recurrent models only. */
      run?: number;
    }
  | { model: string; level: Exclude<FitLevel, 'population'> };

export type FitCellResult =
  | { kind: 'recurrent'; result: RecurrentRunResult }
  | { kind: 'cognitive'; result: CognitiveFoldResult }
  | { kind: 'level'; result: LevelSummary };

/**
 * Check the data and options and fix the folds. Refuses data with no choice, or with no outcome
 * for a cognitive model that learns from outcomes (checkFitData.ts).
 * @example
 * const plan = planFit(table.sessions, parseModelSpecs('tiny_gru:1 q_learning', table.task), { folds: 5, seed: 1, seeds: 2 });
 */
export function planFit(sessions: readonly TrialsSession[], specs: readonly FitModelSpec[], options: CompareModelsOptions = {}): FitPlan {
  const { folds = 5, seed = 0, seeds = 5, validationFraction = 0.2, inputEncoding = 'task', training = {}, restarts = 5, objective = 'stage1', level = 'population', iBicSamples = 1000 } = options;
  if (specs.length === 0) throw new ConfigError(['specs must hold at least one model, got 0']);
  if (sessions.length === 0) throw new ConfigError(['sessions must hold at least one session, got 0']);
  // Before any fold is fitted: no choices, or no outcomes for a model that learns from them, is refused.
  const { warnings } = checkFitData(sessions, specs);
  const task = sessions[0].task;
  const cv = options.cv ?? defaultCvUnit(sessions);
  const resetOn = options.resetOn ?? defaultResetOn(sessions);
  if (cv === 'block' && resetOn !== 'block') {
    throw new ConfigError(['cross-validation over blocks needs --reset-on block: a held-out block must be an episode of its own, not the middle of a sequence the network saw; pass --reset-on block or --cv session']);
  }
  const episodes = splitIntoEpisodes(sessions, resetOn);
  const subjectFolds = splitSubjectsIntoFolds(episodes, { folds, seed, unit: cv });
  if (specs.some((s) => s.kind === 'recurrent')) checkInnerValidation(subjectFolds, episodes);
  if (specs.some((s) => s.kind === 'cognitive')) checkLevelUnit(level, cv);
  const config = recurrentFitConfig({ seeds, validationFraction, training, inputEncoding });
  for (const spec of specs) {
    if (spec.kind === 'cognitive' && spec.create().task !== task) throw new ConfigError([`model ${spec.label} fits ${spec.create().task} data, but the data are ${task}`]);
  }
  const nSubjects = new Set(sessions.map((s) => s.subject)).size;
  return {
    task, specs, cv, resetOn, level, iBicSamples, nSubjects, nSessions: sessions.length, episodes, subjectFolds,
    seed, seeds, validationFraction, inputEncoding, config, restarts, objective, warnings,
  };
}

/** Every cell of the plan, model by model, fold by fold, run by run (the order reduceFitCells takes). */
export function listFitCells(plan: FitPlan): FitCell[] {
  const nFolds = plan.subjectFolds.testSubjects.length;
  const { level } = plan;
  return plan.specs.flatMap((spec): FitCell[] => {
    if (spec.kind === 'recurrent') return Array.from({ length: nFolds }, (_, fold) => Array.from({ length: plan.seeds }, (_, run) => ({ model: spec.label, fold, run }))).flat();
    const folds: FitCell[] = Array.from({ length: nFolds }, (_, fold) => ({ model: spec.label, fold }));
    return level === 'population' ? folds : [...folds, { model: spec.label, level }];
  });
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
  const { objective, restarts, seed, iBicSamples } = plan;
  if ('level' in cell) {
    if (spec.kind !== 'cognitive' || cell.level !== plan.level) throw new ConfigError([`cell level must be ${JSON.stringify(plan.level)} on a cognitive model, got ${JSON.stringify(cell.level)} on ${cell.model}`]);
    return { kind: 'level', result: fitAtLevel(spec.create(), plan.episodes, cell.level, { objective, restarts, seed, iBicSamples }) };
  }
  if (spec.kind === 'recurrent') {
    const foldPlan = planRecurrentFold(plan.subjectFolds, cell.fold, plan);
    return { kind: 'recurrent', result: trainRecurrentRun(spec, plan.subjectFolds, foldPlan, { run: cell.run ?? 0, config: plan.config, inputEncoding: plan.inputEncoding, onEpoch: options.onEpoch }) };
  }
  return { kind: 'cognitive', result: fitCognitiveFold(spec.create(), plan.subjectFolds, cell.fold, { seed, restarts, objective, level: plan.level }) };
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
    const folds = mine.flatMap((r) => (r.kind === 'cognitive' ? [r.result] : []));
    const levelFit = mine.find((r) => r.kind === 'level')?.result as LevelSummary | undefined;
    return comparisonEntry(spec.label, reduceCognitiveFolds(spec.create().name, folds), 'cognitive', levelFit);
  });
  return rankModels(plan, entries);
}
