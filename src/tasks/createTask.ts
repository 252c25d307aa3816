/**
 * Build a task cohort from its type name, as scenario files and the CLI describe it.
 */
import type { Random } from '../random.js';
import { ConfigError, showValue } from '../validation.js';
import { TaskType, type CohortTask } from './cohortTask.js';
import { parseTaskType } from './encoding.js';
import { ProbabilisticRewardTask, type ProbabilisticRewardOptions } from './probabilisticReward.js';
import { ReversalLearningTask, type ReversalOptions } from './reversal.js';
import { TwoStageTask, type TwoStageOptions } from './twoStage.js';

type CohortFields = 'nSessions' | 'rng';

/** Task-specific options of each task type (everything but the cohort size and generator). */
export interface TaskOptionsByType {
  [TaskType.REVERSAL]: Omit<ReversalOptions, CohortFields>;
  [TaskType.TWO_STAGE]: Omit<TwoStageOptions, CohortFields>;
  [TaskType.PROBABILISTIC_REWARD]: Omit<ProbabilisticRewardOptions, CohortFields>;
}

/** Task-specific options of any task type. */
export type TaskOptions = TaskOptionsByType[TaskType];

export interface CreateTaskArgs<O = TaskOptions> {
  /** Number of sessions S stepped together (integer >= 1). */
  nSessions: number;
  /** Seeded generator; the task splits it into one stream per session. */
  rng: Random;
  /** Task-specific options; unknown fields are rejected. */
  options?: O;
}

const OPTION_KEYS: { [T in TaskType]: readonly (keyof TaskOptionsByType[T])[] } = {
  [TaskType.REVERSAL]: ['pHigh', 'pLow', 'blockLengthMin', 'blockLengthMax'],
  [TaskType.TWO_STAGE]: [
    'commonTransitionProb',
    'rewardMode',
    'driftSd',
    'rewardProbMin',
    'rewardProbMax',
    'rewardProbHigh',
    'rewardProbLow',
    'swapProb',
  ],
  [TaskType.PROBABILISTIC_REWARD]: [
    'driftSd',
    'pMin',
    'pMax',
    'initialPHigh',
    'initialPLow',
    'hazardRate',
    'stableBlockLength',
    'volatileBlockLength',
    'startVolatile',
  ],
};

/**
 * A cohort of S sessions of the named task.
 * @example
 * const task = createTask('two_stage', { nSessions: 8, rng: createRandom(1), options: { rewardMode: 'state' } });
 * task.nInputs; // 6
 */
export function createTask<T extends TaskType>(type: T, args: CreateTaskArgs<TaskOptionsByType[T]>): CohortTask;
export function createTask(type: TaskType | string, args: CreateTaskArgs<Record<string, unknown>>): CohortTask;
export function createTask(type: TaskType | string, args: CreateTaskArgs<Record<string, unknown>>): CohortTask {
  const taskType = parseTaskType(type);
  const { nSessions, rng, options = {} } = args ?? ({} as CreateTaskArgs<Record<string, unknown>>);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError([`options must be an object, got ${showValue(options)}`]);
  }
  const known = OPTION_KEYS[taskType] as readonly string[];
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError([
      `${taskType} options have unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${known.join(', ')}`,
    ]);
  }
  // Spread into a fresh object so that the task never sees (or keeps) the caller's object.
  switch (taskType) {
    case TaskType.REVERSAL:
      return new ReversalLearningTask({ ...options, nSessions, rng });
    case TaskType.TWO_STAGE:
      return new TwoStageTask({ ...options, nSessions, rng });
    case TaskType.PROBABILISTIC_REWARD:
      return new ProbabilisticRewardTask({ ...options, nSessions, rng });
  }
}
