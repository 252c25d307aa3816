/**
 * Fitting a recurrent network to real choices with the protocol of Ji-An, Benna & Mattar (2025):
 * k-fold cross-validation over subjects; in each fold an inner validation split of the training
 * subjects decides early stopping (best weights restored) and, among several initialisation seeds,
 * which network is kept; the figure reported is the held-out NLL per first-stage choice.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { sessionsToSequenceBatch } from '../data/sessionsToSequenceBatch.js';
import type { SequenceBatch, SerializedModel } from '../model/recurrentModel.js';
import { createRandom } from '../random.js';
import { TaskType } from '../tasks/cohortTask.js';
import { Trainer, type EpochRecord } from '../training/trainer.js';
import { createTrainingConfig, type TrainingConfig } from '../training/trainingConfig.js';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { RECURRENT_FIT_TRAINING } from './fitDefaults.js';
import { toConjunctiveInputs, type FitInputEncoding } from './conjunctiveInputs.js';
import { createRecurrentModel, type RecurrentModelSpec } from './modelSpec.js';
import { sessionNllSums, type SubjectScore } from './sessionNll.js';
import { sessionsOfSubjects, splitSubjectsIntoFolds, trainingSubjects, type SubjectFolds } from './subjectFolds.js';

export { RECURRENT_FIT_TRAINING } from './fitDefaults.js';

export interface CrossValidateRecurrentOptions {
  /** Number of folds over subjects. Default 5 (ignored when `subjectFolds` is given). */
  folds?: number;
  /** Seed of the fold shuffle, the inner splits and the initialisations. Default 0. */
  seed?: number;
  /** Initialisation seeds per fold; the one with the best inner-validation NLL is kept. Default 5. */
  seeds?: number;
  /** Share of each fold's training subjects held out for early stopping, in (0, 1). Default 0.2. */
  validationFraction?: number;
  /** Overrides of RECURRENT_FIT_TRAINING (its `seed` is replaced by each run's own). */
  training?: Partial<TrainingConfig>;
  /** `task` (default): the task encoding of src/tasks/encoding.ts; `conjunctive`: conjunctiveInputs.ts. */
  inputEncoding?: FitInputEncoding;
  /** Folds to use, e.g. the ones every model of a comparison shares. */
  subjectFolds?: SubjectFolds;
  /** Called after every epoch of every run. */
  onProgress?: (progress: RecurrentFitProgress) => void;
}

export interface RecurrentFitProgress {
  fold: number;
  /** Index of the initialisation seed within the fold. */
  run: number;
  epoch: EpochRecord;
  /** Runs finished so far, and in all (folds × seeds). */
  runsDone: number;
  runsTotal: number;
}

export interface RecurrentRun {
  /** Seed of the initialisation and of the batch order. */
  seed: number;
  /** 0-based epoch whose weights were kept. */
  bestEpoch: number;
  epochsRun: number;
  validationNll: number;
  stoppedEarly: boolean;
}

export interface RecurrentFold {
  testSubjects: string[];
  /** Training subjects used for early stopping and seed choice only. */
  validationSubjects: string[];
  runs: RecurrentRun[];
  /** Index into `runs` of the kept network. */
  chosenRun: number;
  heldOutNll: number;
  heldOutChoices: number;
  nllPerChoice: number;
  /** The kept network. */
  model: SerializedModel;
}

export interface RecurrentCrossValidationResult {
  spec: RecurrentModelSpec;
  inputEncoding: FitInputEncoding;
  /** The training configuration every run used (seed aside). */
  training: TrainingConfig;
  folds: RecurrentFold[];
  /** Held-out score of every subject (in fold order). */
  subjects: SubjectScore[];
  heldOutNll: number;
  heldOutChoices: number;
  /** Held-out NLL per first-stage choice, over all folds. */
  nllPerChoice: number;
}

function taskTypeOf(sessions: readonly TrialsSession[]): TaskType {
  return sessions[0].task === 'two_stage' ? TaskType.TWO_STAGE : TaskType.REVERSAL;
}

/** Network inputs, targets and mask of sessions in the chosen encoding. */
function encode(sessions: readonly TrialsSession[], task: TaskType, encoding: FitInputEncoding): SequenceBatch {
  const batch = sessionsToSequenceBatch(sessions, task);
  return encoding === 'conjunctive' ? toConjunctiveInputs(batch, task) : batch;
}

/** One fold's inner split and initialisation seeds: what every run of the fold shares. */
export interface RecurrentFoldPlan {
  fold: number;
  /** Training subjects the networks learn from. */
  trainSubjects: string[];
  /** Training subjects used for early stopping and seed choice only. */
  validationSubjects: string[];
  /** Initialisation seed of each run, in order. */
  runSeeds: number[];
}

/**
 * The inner split and run seeds of fold `fold`, drawn from stream `fold` of `seed`: the same
 * whether the fold's runs are trained in one process or as cells of a sweep, one per process.
 * @example
 * const plan = planRecurrentFold(splitSubjectsIntoFolds(table.sessions, { folds: 5, seed: 1 }), 0, { seed: 1, seeds: 3 });
 * plan.runSeeds; // three initialisation seeds
 */
export function planRecurrentFold(
  subjectFolds: SubjectFolds,
  fold: number,
  options: Pick<CrossValidateRecurrentOptions, 'seed' | 'seeds' | 'validationFraction'> = {},
): RecurrentFoldPlan {
  const { seed = 0, seeds = 5, validationFraction = 0.2 } = options;
  const k = subjectFolds.testSubjects.length;
  checkInteger('fold', fold, 0, k - 1);
  const rng = createRandom(seed).split(k)[fold];
  const pool = trainingSubjects(subjectFolds, fold);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  if (pool.length < 2) throw new ConfigError([`fold ${fold} trains on ${pool.length} unit(s), but early stopping needs at least 2 (some held out for validation); use fewer folds or smaller units`]);
  const nValidation = Math.min(pool.length - 1, Math.max(1, Math.round(validationFraction * pool.length)));
  const runSeeds = Array.from({ length: seeds }, () => rng.integer(0, 2 ** 31 - 1));
  return { fold, trainSubjects: pool.slice(nValidation), validationSubjects: pool.slice(0, nValidation), runSeeds };
}

/** One trained network of a fold: its run record, its weights and its held-out scores. */
export interface RecurrentRunResult {
  run: RecurrentRun;
  model: SerializedModel;
  /** Held-out score of each test subject of the fold under this network. */
  scores: SubjectScore[];
}

export interface TrainRecurrentRunOptions {
  /** Index of the run within the fold (its seed is `plan.runSeeds[run]`). */
  run: number;
  /** The full training configuration (RECURRENT_FIT_TRAINING with overrides); its seed is replaced. */
  config: TrainingConfig;
  inputEncoding?: FitInputEncoding;
  onEpoch?: (epoch: EpochRecord) => void;
}

/**
 * Train run `run` of a fold and score the fold's held-out subjects with it: the unit of work of
 * a fit, one cell of a `fit` sweep.
 * @example
 * const plan = planRecurrentFold(folds, 0, { seed: 1, seeds: 2 });
 * const { run, scores } = trainRecurrentRun(spec, folds, plan, { run: 1, config: createTrainingConfig(RECURRENT_FIT_TRAINING) });
 */
export function trainRecurrentRun(spec: RecurrentModelSpec, subjectFolds: SubjectFolds, plan: RecurrentFoldPlan, options: TrainRecurrentRunOptions): RecurrentRunResult {
  const { run, config, inputEncoding = 'task', onEpoch } = options;
  checkInteger('run', run, 0, plan.runSeeds.length - 1);
  const task = taskTypeOf([...subjectFolds.sessionsOf.values()][0]);
  const train = encode(sessionsOfSubjects(subjectFolds, plan.trainSubjects), task, inputEncoding);
  const validation = encode(sessionsOfSubjects(subjectFolds, plan.validationSubjects), task, inputEncoding);
  const runSeed = plan.runSeeds[run];
  const model = createRecurrentModel(spec, { nInputs: train.nInputs, seed: runSeed });
  const history = new Trainer(model, { ...config, seed: runSeed }).fit({ train, validation }, { onEpoch });
  return {
    run: { seed: runSeed, bestEpoch: history.bestEpoch, epochsRun: history.epochs.length, validationNll: history.bestValidationNll, stoppedEarly: history.stoppedEarly },
    model: model.toJSON(),
    scores: scoreSubjects(model, subjectFolds, subjectFolds.testSubjects[plan.fold], task, inputEncoding, plan.fold),
  };
}

/** A fold from its runs: the run with the best inner-validation NLL is kept (the first on a tie). */
export function reduceRecurrentFold(subjectFolds: SubjectFolds, plan: RecurrentFoldPlan, runs: readonly RecurrentRunResult[]): { fold: RecurrentFold; scores: SubjectScore[] } {
  let best = 0;
  runs.forEach((r, i) => {
    if (r.run.validationNll < runs[best].run.validationNll) best = i;
  });
  const scores = runs[best].scores;
  const heldOutNll = scores.reduce((sum, s) => sum + s.nll, 0);
  const heldOutChoices = scores.reduce((sum, s) => sum + s.nChoices, 0);
  const fold: RecurrentFold = {
    testSubjects: [...subjectFolds.testSubjects[plan.fold]],
    validationSubjects: plan.validationSubjects,
    runs: runs.map((r) => r.run),
    chosenRun: best,
    heldOutNll,
    heldOutChoices,
    nllPerChoice: heldOutNll / heldOutChoices,
    model: runs[best].model,
  };
  return { fold, scores };
}

/** The cross-validation result from its folds (in fold order). */
export function reduceRecurrentFolds(
  spec: RecurrentModelSpec,
  inputEncoding: FitInputEncoding,
  config: TrainingConfig,
  reduced: readonly { fold: RecurrentFold; scores: SubjectScore[] }[],
): RecurrentCrossValidationResult {
  const folds = reduced.map((r) => r.fold);
  const subjects = reduced.flatMap((r) => r.scores);
  const heldOutNll = folds.reduce((sum, f) => sum + f.heldOutNll, 0);
  const heldOutChoices = folds.reduce((sum, f) => sum + f.heldOutChoices, 0);
  return { spec, inputEncoding, training: config, folds, subjects, heldOutNll, heldOutChoices, nllPerChoice: heldOutNll / heldOutChoices };
}

/** Check the options of a recurrent fit and build its training configuration. */
export function recurrentFitConfig(options: Pick<CrossValidateRecurrentOptions, 'seeds' | 'validationFraction' | 'training' | 'inputEncoding'>): TrainingConfig {
  const { seeds = 5, validationFraction = 0.2, training = {}, inputEncoding = 'task' } = options;
  checkInteger('seeds', seeds, 1);
  if (inputEncoding !== 'task' && inputEncoding !== 'conjunctive') {
    throw new ConfigError([`inputEncoding must be "task" or "conjunctive", got ${JSON.stringify(inputEncoding)}`]);
  }
  checkNumber('validationFraction', validationFraction, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  return createTrainingConfig({ ...RECURRENT_FIT_TRAINING, ...training });
}

/**
 * @example
 * const cv = crossValidateRecurrent({ kind: 'recurrent', label: 'tiny_gru:2', architecture: 'tiny_gru', nHidden: 2 },
 *   table.sessions, { folds: 5, seeds: 3, seed: 1 });
 * cv.nllPerChoice; // held-out NLL per first-stage choice
 */
export function crossValidateRecurrent(
  spec: RecurrentModelSpec,
  sessions: readonly TrialsSession[],
  options: CrossValidateRecurrentOptions = {},
): RecurrentCrossValidationResult {
  const { folds: nFolds = 5, seed = 0, seeds = 5, validationFraction = 0.2, inputEncoding = 'task', onProgress } = options;
  const config = recurrentFitConfig(options);
  const subjectFolds = options.subjectFolds ?? splitSubjectsIntoFolds(sessions, { folds: nFolds, seed });
  const k = subjectFolds.testSubjects.length;
  let runsDone = 0;
  const reduced = Array.from({ length: k }, (_, f) => {
    const plan = planRecurrentFold(subjectFolds, f, { seed, seeds, validationFraction });
    const runs = plan.runSeeds.map((_, r) => {
      const result = trainRecurrentRun(spec, subjectFolds, plan, {
        run: r, config, inputEncoding, onEpoch: (epoch) => onProgress?.({ fold: f, run: r, epoch, runsDone, runsTotal: k * seeds }),
      });
      runsDone += 1;
      return result;
    });
    return reduceRecurrentFold(subjectFolds, plan, runs);
  });
  return reduceRecurrentFolds(spec, inputEncoding, config, reduced);
}

function scoreSubjects(
  model: ReturnType<typeof createRecurrentModel>,
  subjectFolds: SubjectFolds,
  testSubjects: readonly string[],
  task: TaskType,
  encoding: FitInputEncoding,
  fold: number,
): SubjectScore[] {
  const owner: string[] = [];
  const sessions: TrialsSession[] = [];
  for (const subject of testSubjects) {
    for (const s of subjectFolds.sessionsOf.get(subject) ?? []) {
      owner.push(subject);
      sessions.push(s);
    }
  }
  const batch = encode(sessions, task, encoding);
  const { nll, count } = sessionNllSums(batch, model.forward(batch).logits, model.nOutputs);
  const bySubject = new Map<string, { nll: number; nChoices: number }>(testSubjects.map((s) => [s, { nll: 0, nChoices: 0 }]));
  owner.forEach((subject, b) => {
    const entry = bySubject.get(subject)!;
    entry.nll += nll[b];
    entry.nChoices += count[b];
  });
  return [...bySubject].map(([subject, { nll: total, nChoices }]) => ({ subject, fold, nll: total, nChoices, nllPerChoice: total / nChoices }));
}
