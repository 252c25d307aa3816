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
import { toConjunctiveInputs, type FitInputEncoding } from './conjunctiveInputs.js';
import { createRecurrentModel, type RecurrentModelSpec } from './modelSpec.js';
import { sessionNllSums, type SubjectScore } from './sessionNll.js';
import { sessionsOfSubjects, splitSubjectsIntoFolds, trainingSubjects, type SubjectFolds } from './subjectFolds.js';

/**
 * Training defaults for fitting choices, tuned on the 151-subject two-stage data (docs/fitting.md):
 * Adam 1e-2 on batches of 8 sessions; the best epochs fall between 40 and 400, and patience 25
 * stops a run once its inner-validation NLL has not improved for 25 epochs. No developmental regularisers: the fit is a
 * likelihood comparison.
 */
export const RECURRENT_FIT_TRAINING: Readonly<Partial<TrainingConfig>> = Object.freeze({
  learningRate: 1e-2,
  nEpochs: 500,
  batchSize: 8,
  clipNorm: 1,
  earlyStoppingPatience: 25,
  earlyStoppingMinDelta: 1e-5,
  regularize: false,
});

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
  const { folds: nFolds = 5, seed = 0, seeds = 5, validationFraction = 0.2, training = {}, inputEncoding = 'task', onProgress } = options;
  checkInteger('seeds', seeds, 1);
  if (inputEncoding !== 'task' && inputEncoding !== 'conjunctive') {
    throw new ConfigError([`inputEncoding must be "task" or "conjunctive", got ${JSON.stringify(inputEncoding)}`]);
  }
  checkNumber('validationFraction', validationFraction, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const subjectFolds = options.subjectFolds ?? splitSubjectsIntoFolds(sessions, { folds: nFolds, seed });
  const config = createTrainingConfig({ ...RECURRENT_FIT_TRAINING, ...training });
  const task = taskTypeOf(sessions);
  const k = subjectFolds.testSubjects.length;
  const streams = createRandom(seed).split(k);
  const folds: RecurrentFold[] = [];
  const subjects: SubjectScore[] = [];
  let runsDone = 0;
  for (let f = 0; f < k; f++) {
    const rng = streams[f];
    const pool = trainingSubjects(subjectFolds, f);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = rng.integer(0, i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    if (pool.length < 2) throw new ConfigError([`fold ${f} trains on ${pool.length} unit(s), but early stopping needs at least 2 (some held out for validation); use fewer folds or smaller units`]);
    const nValidation = Math.min(pool.length - 1, Math.max(1, Math.round(validationFraction * pool.length)));
    const validationSubjects = pool.slice(0, nValidation);
    const train = encode(sessionsOfSubjects(subjectFolds, pool.slice(nValidation)), task, inputEncoding);
    const validation = encode(sessionsOfSubjects(subjectFolds, validationSubjects), task, inputEncoding);
    const runs: RecurrentRun[] = [];
    let best: { index: number; model: ReturnType<typeof createRecurrentModel> } | undefined;
    for (let r = 0; r < seeds; r++) {
      const runSeed = rng.integer(0, 2 ** 31 - 1);
      const model = createRecurrentModel(spec, { nInputs: train.nInputs, seed: runSeed });
      const history = new Trainer(model, { ...config, seed: runSeed }).fit(
        { train, validation },
        { onEpoch: (epoch) => onProgress?.({ fold: f, run: r, epoch, runsDone, runsTotal: k * seeds }) },
      );
      runsDone += 1;
      runs.push({
        seed: runSeed,
        bestEpoch: history.bestEpoch,
        epochsRun: history.epochs.length,
        validationNll: history.bestValidationNll,
        stoppedEarly: history.stoppedEarly,
      });
      if (best === undefined || history.bestValidationNll < runs[best.index].validationNll) best = { index: r, model };
    }
    const testSubjects = subjectFolds.testSubjects[f];
    const scores = scoreSubjects(best!.model, subjectFolds, testSubjects, task, inputEncoding, f);
    const heldOutNll = scores.reduce((sum, s) => sum + s.nll, 0);
    const heldOutChoices = scores.reduce((sum, s) => sum + s.nChoices, 0);
    subjects.push(...scores);
    folds.push({
      testSubjects: [...testSubjects],
      validationSubjects,
      runs,
      chosenRun: best!.index,
      heldOutNll,
      heldOutChoices,
      nllPerChoice: heldOutNll / heldOutChoices,
      model: best!.model.toJSON(),
    });
  }
  const heldOutNll = folds.reduce((sum, f) => sum + f.heldOutNll, 0);
  const heldOutChoices = folds.reduce((sum, f) => sum + f.heldOutChoices, 0);
  return { spec, inputEncoding, training: config, folds, subjects, heldOutNll, heldOutChoices, nllPerChoice: heldOutNll / heldOutChoices };
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
