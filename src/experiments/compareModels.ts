/**
 * The comparison of Ji-An, Benna & Mattar (2025) on one data set: every model (recurrent networks
 * and classical cognitive models) is cross-validated on the same subject folds and ranked by
 * held-out NLL per first-stage choice, with a paired per-subject comparison against the winner.
 */
import type { FitObjective } from '../cognitive/fit.js';
import type { TrialsSession } from '../data/trialsCsv.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import { ConfigError } from '../validation.js';
import { checkFitData } from './checkFitData.js';
import type { FitInputEncoding } from './conjunctiveInputs.js';
import { crossValidateCognitiveSubjects, type CognitiveSubjectsResult } from './crossValidateCognitiveSubjects.js';
import { crossValidateRecurrent, type RecurrentCrossValidationResult } from './crossValidateRecurrent.js';
import { checkLevelUnit, fitAtLevel, type FitLevel, type LevelSummary } from './cognitiveLevel.js';
import type { FitModelSpec } from './modelSpec.js';
import { pairedDifference, type PairedDifference } from './pairedDifference.js';
import type { SubjectScore } from './sessionNll.js';
import { defaultCvUnit, defaultResetOn, splitIntoEpisodes, type CvUnit, type ResetOn } from '../data/episodes.js';
import { checkInnerValidation, splitSubjectsIntoFolds } from './subjectFolds.js';

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
  /** Progress of the whole comparison, in work units (one network run or one cognitive fold fit). */
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
 * @example
 * const table = parseTrialsCsv(text);
 * const result = compareModels(table.sessions, parseModelSpecs('tiny_gru:1,2 daw_hybrid', table.task), { folds: 5, seed: 1 });
 * result.winner; result.models[0].nllPerChoice;
 */
export function compareModels(sessions: readonly TrialsSession[], specs: readonly FitModelSpec[], options: CompareModelsOptions = {}): ModelComparison {
  const { folds = 5, seed = 0, seeds = 5, validationFraction = 0.2, inputEncoding = 'task', training = {}, restarts = 5, objective = 'stage1', level = 'population', iBicSamples = 1000, onProgress } = options;
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
  const unitsOf = (spec: FitModelSpec) => folds * (spec.kind === 'recurrent' ? seeds : 1);
  const unitsTotal = specs.reduce((sum, s) => sum + unitsOf(s), 0);
  let unitsBefore = 0;
  const entries: Omit<ModelComparisonEntry, 'versusWinner'>[] = [];
  for (const spec of specs) {
    const { label } = spec;
    if (spec.kind === 'recurrent') {
      const { subjects, ...rest } = crossValidateRecurrent(spec, episodes, {
        seed,
        seeds,
        validationFraction,
        inputEncoding,
        training,
        subjectFolds,
        onProgress: ({ fold, epoch, runsDone }) =>
          onProgress?.({ label, unitsDone: unitsBefore + runsDone, unitsTotal, fold, epoch: epoch.epoch, validationNll: epoch.validationNll }),
      });
      entries.push({ ...summary(label, 'recurrent', rest, subjects), recurrent: rest });
    } else {
      const model = spec.create();
      if (model.task !== task) throw new ConfigError([`model ${label} fits ${model.task} data, but the data are ${task}`]);
      const { subjects, ...rest } = crossValidateCognitiveSubjects(model, subjectFolds, {
        seed,
        restarts,
        objective,
        level,
        onFold: (fold) => onProgress?.({ label, unitsDone: unitsBefore + fold + 1, unitsTotal, fold }),
      });
      const levelFit = level === 'population' ? undefined : fitAtLevel(model, episodes, level, { objective, restarts, seed, iBicSamples });
      entries.push({ ...summary(label, 'cognitive', rest, subjects), cognitive: rest, ...(levelFit ? { levelFit } : {}) });
    }
    unitsBefore += unitsOf(spec);
    onProgress?.({ label, unitsDone: unitsBefore, unitsTotal, fold: folds - 1 });
  }
  const ranking = [...entries].sort((a, b) => a.nllPerChoice - b.nllPerChoice).map((e) => e.label);
  const winner = entries.find((e) => e.label === ranking[0])!;
  const models = entries.map((e) => ({ ...e, versusWinner: e === winner ? null : pairedDifference(e.subjects, winner.subjects) }));
  const nChoices = entries[0].heldOutChoices;
  const nSubjects = new Set(sessions.map((s) => s.subject)).size;
  const nUnits = subjectFolds.subjects.length;
  return { task, cv, resetOn, nSubjects, nSessions: sessions.length, nEpisodes: episodes.length, nUnits, level, nChoices, folds: subjectFolds.testSubjects, chanceNllPerChoice: Math.LN2, models, ranking, winner: winner.label, warnings };
}

function summary(
  label: string,
  kind: FitModelSpec['kind'],
  result: { heldOutNll: number; heldOutChoices: number; nllPerChoice: number; folds: { nllPerChoice: number }[] },
  subjects: SubjectScore[],
): Omit<ModelComparisonEntry, 'versusWinner'> {
  return {
    label,
    kind,
    nllPerChoice: result.nllPerChoice,
    heldOutNll: result.heldOutNll,
    heldOutChoices: result.heldOutChoices,
    foldNllPerChoice: result.folds.map((f) => f.nllPerChoice),
    subjects,
  };
}
