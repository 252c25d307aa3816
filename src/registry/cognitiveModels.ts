/**
 * The classical cognitive models, one vocabulary for scenarios, `brain-rnn fit` and sweeps. A
 * model's canonical name is its own `name` (what its fits and agents report); aliases are the
 * shorter names `fit` took before. Each entry says which trials data it is fitted to and which
 * live tasks it can play: bandit learners play the reversal task and the volatile bandit,
 * two-step learners the two-stage task (Daw et al. 2011).
 */
import type { CognitiveModel } from '../cognitive/cognitiveModel.js';
import { createBayesianReversalModel } from '../cognitive/models/bayesianReversal.js';
import { createDawHybridModel } from '../cognitive/models/dawHybrid.js';
import { createModelBasedTwoStepModel } from '../cognitive/models/modelBasedTwoStep.js';
import { createModelFreeTwoStepModel } from '../cognitive/models/modelFreeTwoStep.js';
import { createPearceHallModel } from '../cognitive/models/pearceHall.js';
import { createQLearningModel } from '../cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../cognitive/models/winStayLoseShift.js';
import type { TrialsTask } from '../data/trialsCsv.js';
import { TaskType } from '../tasks/cohortTask.js';
import { parseTaskType } from '../tasks/encoding.js';
import { ConfigError } from '../validation.js';
import { createNameResolver } from './nameResolver.js';

export interface CreateCognitiveModelOptions {
  /**
   * P(common transition) a two-step planner assumes; bandit models ignore it. Default: the
   * model's own (0.7, that of the data sets fitted here). A live agent passes its task's value,
   * which `createLiveCognitiveModel` does.
   */
  commonTransitionProb?: number;
}

export interface CognitiveModelEntry {
  /** Canonical name, equal to `create().name`. */
  readonly name: string;
  /** Other accepted names, e.g. `wsls`. */
  readonly aliases: readonly string[];
  /** The trials data the model is fitted to. */
  readonly fits: TrialsTask;
  /** The live tasks it can play. */
  readonly plays: readonly TaskType[];
  create(options?: CreateCognitiveModelOptions): CognitiveModel;
}

const BANDIT = Object.freeze([TaskType.REVERSAL, TaskType.PROBABILISTIC_REWARD]);
const TWO_STAGE = Object.freeze([TaskType.TWO_STAGE]);

/**
 * TwoStageTask's default P(common transition): what a live two-step agent plans with when the
 * scenario leaves the task's value unset.
 */
export const LIVE_COMMON_TRANSITION_PROB = 0.8;

/** Every cognitive model, bandit models first. */
export const COGNITIVE_MODEL_ENTRIES: readonly CognitiveModelEntry[] = Object.freeze([
  { name: 'q_learning', aliases: [], fits: 'reversal', plays: BANDIT, create: () => createQLearningModel() },
  { name: 'q_learning_forgetting', aliases: [], fits: 'reversal', plays: BANDIT, create: () => createQLearningModel({ forgetting: true }) },
  { name: 'win_stay_lose_shift', aliases: ['wsls'], fits: 'reversal', plays: BANDIT, create: () => createWinStayLoseShiftModel() },
  { name: 'bayesian_reversal', aliases: ['bayes_reversal'], fits: 'reversal', plays: BANDIT, create: () => createBayesianReversalModel() },
  { name: 'pearce_hall', aliases: [], fits: 'reversal', plays: BANDIT, create: () => createPearceHallModel() },
  { name: 'daw_hybrid', aliases: ['hybrid'], fits: 'two_stage', plays: TWO_STAGE, create: (options = {}) => createDawHybridModel(options) },
  {
    name: 'model_free_two_step',
    aliases: ['model_free'],
    fits: 'two_stage',
    plays: TWO_STAGE,
    create: (options = {}) => createModelFreeTwoStepModel(options),
  },
  {
    name: 'model_based_two_step',
    aliases: ['model_based'],
    fits: 'two_stage',
    plays: TWO_STAGE,
    create: (options = {}) => createModelBasedTwoStepModel(options),
  },
]);

const resolver = createNameResolver('cognitive model', COGNITIVE_MODEL_ENTRIES);

/** Canonical names, in registry order. */
export const COGNITIVE_MODEL_NAMES: readonly string[] = resolver.names;

/** `wsls = win_stay_lose_shift, ...`, for usage messages and docs. */
export const COGNITIVE_MODEL_ALIASES: string = resolver.aliasList;

/**
 * The entry of a canonical name or alias (any case), or undefined.
 * @example
 * findCognitiveModel('Hybrid')?.name; // 'daw_hybrid'
 */
export function findCognitiveModel(name: string): CognitiveModelEntry | undefined {
  return resolver.find(name);
}

/**
 * The entry of a canonical name or alias (any case); a ConfigError listing the canonical names
 * and aliases otherwise.
 * @example
 * resolveCognitiveModel('wsls').name; // 'win_stay_lose_shift'
 * resolveCognitiveModel('wsls').create().negLogLikelihood({ pWinStay: 0.8, pLoseShift: 0.5 }, session);
 */
export function resolveCognitiveModel(name: unknown): CognitiveModelEntry {
  return resolver.resolve(name);
}

/**
 * The model a live agent plays on `taskType`: refuses a model that cannot play it; two-step
 * models plan with the task's `commonTransitionProb`, or TwoStageTask's default when unset.
 * @example
 * const model = createLiveCognitiveModel('daw_hybrid', 'two_stage', scenario.task.options);
 * const agent = model.createAgent(parameters);
 */
export function createLiveCognitiveModel(name: unknown, taskType: TaskType | string, taskOptions: { commonTransitionProb?: unknown } = {}): CognitiveModel {
  const entry = resolveCognitiveModel(name);
  const task = parseTaskType(taskType);
  if (!entry.plays.includes(task)) {
    throw new ConfigError([`cognitive model ${JSON.stringify(entry.name)} cannot play task ${JSON.stringify(task)}; it plays ${entry.plays.join(', ')}`]);
  }
  const { commonTransitionProb } = taskOptions;
  return entry.create({ commonTransitionProb: typeof commonTransitionProb === 'number' ? commonTransitionProb : LIVE_COMMON_TRANSITION_PROB });
}

/**
 * The entries fitted to one kind of trials data, in registry order.
 * @example
 * cognitiveModelsFitting('two_stage').map((e) => e.name); // ['daw_hybrid', 'model_free_two_step', 'model_based_two_step']
 */
export function cognitiveModelsFitting(task: TrialsTask): CognitiveModelEntry[] {
  return COGNITIVE_MODEL_ENTRIES.filter((e) => e.fits === task);
}

/**
 * The entries that can play a live task, in registry order.
 * @example
 * cognitiveModelsPlaying('probabilistic_reward').map((e) => e.name); // the five bandit models
 */
export function cognitiveModelsPlaying(taskType: TaskType | string): CognitiveModelEntry[] {
  const task = parseTaskType(taskType);
  return COGNITIVE_MODEL_ENTRIES.filter((e) => e.plays.includes(task));
}
