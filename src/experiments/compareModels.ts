/**
 * The comparison of Ji-An, Benna & Mattar (2025) on one data set: every model (recurrent networks
 * and classical cognitive models) is cross-validated on the same subject folds and ranked by
 * held-out NLL per first-stage choice, with a paired per-subject comparison against the winner.
 */
import type { FitObjective } from '../cognitive/fit.js';
import type { TrialsSession } from '../data/trialsCsv.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import type { FitInputEncoding } from './conjunctiveInputs.js';
import type { CognitiveSubjectsResult } from './crossValidateCognitiveSubjects.js';
import type { RecurrentCrossValidationResult } from './crossValidateRecurrent.js';
import type { FitLevel, LevelSummary } from './cognitiveLevel.js';
import { listFitCells, planFit, reduceFitCells, runFitCell, type FitPlan } from './fitCells.js';
import type { FitModelSpec } from './modelSpec.js';
import { pairedDifference, type PairedDifference } from './pairedDifference.js';
import type { SubjectScore } from './sessionNll.js';
import type { CvUnit, ResetOn } from '../data/episodes.js';

export interface CompareModelsOptions {
  /** Folds, shared by every model. Default 5. */
  folds?: number;
  /** What a fold holds out. Default: `defaultCvUnit` (subjects where there are >= 5). */
  cv?: CvUnit;
  /** Where learners restart. Default: `defaultResetOn` (`block` for reversal data with blocks). */
  resetOn?: ResetOn;
  /** Seed of the folds, the networks' splits and initialisations, the cognitive restarts. Default 0. */
  seed?: number;
  /** Network initialisation seeds per fold (best inner-validation NLL kept). Default 5. */
  seeds?: number;
  /** Share of training units held out for the networks' early stopping. Default 0.2. */
  validationFraction?: number;
  /** Network input encoding, `task` (default) or `conjunctive` (see conjunctiveInputs.ts). */
  inputEncoding?: FitInputEncoding;
  /** Network training overrides (see RECURRENT_FIT_TRAINING). */
  training?: Partial<TrainingConfig>;
  /** Cognitive-model optimiser starts per fold. Default 5. */
  restarts?: number;
  /** Which choices cognitive models are fitted to. Default `stage1`, as the networks. */
  objective?: FitObjective;
  /**
   * Level of the cognitive models' parameters (cognitiveLevel.ts). Default `population`. The
   * others fit each subject in each fold and also fit every subject on all data (AIC/BIC, iBIC).
   */
  level?: FitLevel;
  /** Prior samples for the hierarchical iBIC. Default 1000. */
  iBicSamples?: number;
  /** Progress of the whole comparison, in work units (the cells of fitCells.ts: a network run, a cognitive fold fit, a fit to all data). */
  onProgress?: (progress: ModelComparisonProgress) => void;
}

export interface ModelComparisonProgress {
  label: string;
  unitsDone: number;
  unitsTotal: number;
  fold: number;
  /** Networks: the epoch just finished and its inner-validation NLL. */
  epoch?: number;
  validationNll?: number;
}

export interface ModelComparisonEntry {
  label: string;
  kind: FitModelSpec['kind'];
  /** Held-out NLL per first-stage choice over all folds. */
  nllPerChoice: number;
  heldOutNll: number;
  heldOutChoices: number;
  foldNllPerChoice: number[];
  subjects: SubjectScore[];
  /** Per-subject NLL per choice minus the winner's; null for the winner itself. */
  versusWinner: PairedDifference | null;
  recurrent?: Omit<RecurrentCrossValidationResult, 'subjects'>;
  cognitive?: Omit<CognitiveSubjectsResult, 'subjects'>;
  /** Cognitive models at `level` individual or hierarchical: the fit to all data. */
  levelFit?: LevelSummary;
}

export interface ModelComparison {
  task: TrialsSession['task'];
  /** What the folds held out, and where learners restarted. */
  cv: CvUnit;
  resetOn: ResetOn;
  nSubjects: number;
  /** Sessions of the data, and the episodes (sequences) they were cut into. */
  nSessions: number;
  nEpisodes: number;
  /** Number of units the folds were dealt from (`nSubjects` for `cv: subject`). */
  nUnits: number;
  nChoices: number;
  /** Units held out in each fold. */
  folds: string[][];
  /** Level of the cognitive models' parameters. */
  level: FitLevel;
  /** NLL per choice of a coin flip, ln 2. */
  chanceNllPerChoice: number;
  /** In the order given. */
  models: ModelComparisonEntry[];
  /** Labels from best to worst. */
  ranking: string[];
  winner: string;
  /**
   * What the data lack without being refused (many missing outcomes, subjects without a choice),
   * one sentence each (checkFitData.ts); the `fit` command prints them.
   */
  warnings: string[];
}

/**
 * Cross-validate every model on the same folds and rank them. Refuses data with no choice, or with
 * no outcome for a cognitive model that learns from outcomes (checkFitData.ts), before fitting.
 * The work is the cells of fitCells.ts run in order, so a `fit` sweep that runs the same cells in
 * other processes reduces to this same result.
 * @example
 * const table = parseTrialsCsv(text);
 * const result = compareModels(table.sessions, parseModelSpecs('tiny_gru:1,2 daw_hybrid', table.task), { folds: 5, seed: 1 });
 * result.winner; result.models[0].nllPerChoice;
 */
export function compareModels(sessions: readonly TrialsSession[], specs: readonly FitModelSpec[], options: CompareModelsOptions = {}): ModelComparison {
  const { onProgress } = options;
  const plan = planFit(sessions, specs, options);
  const cells = listFitCells(plan);
  const lastFold = plan.subjectFolds.testSubjects.length - 1;
  // Units are network runs and cognitive folds; a cognitive model's fit to all data (after its
  // folds) is the end of its last unit.
  const unitsTotal = cells.filter((cell) => 'fold' in cell).length;
  let unitsDone = 0;
  const results = cells.map((cell) => {
    const fold = 'fold' in cell ? cell.fold : lastFold;
    const result = runFitCell(plan, cell, {
      onEpoch: (epoch) => onProgress?.({ label: cell.model, unitsDone, unitsTotal, fold, epoch: epoch.epoch, validationNll: epoch.validationNll }),
    });
    if ('fold' in cell) unitsDone += 1;
    onProgress?.({ label: cell.model, unitsDone, unitsTotal, fold });
    return result;
  });
  return reduceFitCells(plan, results);
}

/**
 * The comparison from every model's cross-validation result (in the order of the specs): the
 * ranking, the winner and each model's paired difference from it.
 */
export function rankModels(
  plan: Pick<FitPlan, 'task' | 'cv' | 'resetOn' | 'level' | 'nSubjects' | 'nSessions' | 'episodes' | 'subjectFolds' | 'warnings'>,
  entries: readonly Omit<ModelComparisonEntry, 'versusWinner'>[],
): ModelComparison {
  const ranking = [...entries].sort((a, b) => a.nllPerChoice - b.nllPerChoice).map((e) => e.label);
  const winner = entries.find((e) => e.label === ranking[0])!;
  const models = entries.map((e) => ({ ...e, versusWinner: e === winner ? null : pairedDifference(e.subjects, winner.subjects) }));
  const nChoices = entries[0].heldOutChoices;
  const { task, cv, resetOn, level, nSubjects, nSessions, subjectFolds, warnings } = plan;
  const nUnits = subjectFolds.subjects.length;
  return { task, cv, resetOn, nSubjects, nSessions, nEpisodes: plan.episodes.length, nUnits, level, nChoices, folds: subjectFolds.testSubjects, chanceNllPerChoice: Math.LN2, models, ranking, winner: winner.label, warnings };
}

/** One model's entry of the comparison from its cross-validation result. */
export function comparisonEntry(
  label: string,
  result: RecurrentCrossValidationResult | CognitiveSubjectsResult,
  kind: FitModelSpec['kind'],
  levelFit?: LevelSummary,
): Omit<ModelComparisonEntry, 'versusWinner'> {
  const { subjects, ...rest } = result;
  return {
    label,
    kind,
    nllPerChoice: rest.nllPerChoice,
    heldOutNll: rest.heldOutNll,
    heldOutChoices: rest.heldOutChoices,
    foldNllPerChoice: rest.folds.map((f) => f.nllPerChoice),
    subjects,
    ...(kind === 'recurrent' ? { recurrent: rest as Omit<RecurrentCrossValidationResult, 'subjects'> } : { cognitive: rest as Omit<CognitiveSubjectsResult, 'subjects'> }),
    ...(levelFit ? { levelFit } : {}),
  };
}
