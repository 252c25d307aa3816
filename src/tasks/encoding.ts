/**
 * Network input encodings, shared by the simulated tasks, the agents and the loader of real CSV
 * data, so that a network trained on one source reads the other exactly the same way.
 *
 * The input at trial t describes trial t−1 (what the subject did and got), plus a constant 1:
 * - reversal and probabilistic reward (4): [onehot(prev action) (2), prev reward, 1];
 * - two-stage (6): [onehot(prev first-stage action) (2), onehot(prev second-stage state) (2),
 *   prev reward, 1].
 * Trial 0 has no previous trial: zeros and the constant 1. A missing action or state (−1) is
 * encoded as an all-zero one-hot, so a missed trial leaves only the reward and the constant.
 */
import { ConfigError, showValue } from '../validation.js';
import { TaskType } from './cohortTask.js';

const INPUT_SIZES: Record<TaskType, number> = {
  [TaskType.REVERSAL]: 4,
  [TaskType.TWO_STAGE]: 6,
  [TaskType.PROBABILISTIC_REWARD]: 4,
};

/** The task types, in declaration order (`reversal, two_stage, probabilistic_reward`). */
export const TASK_TYPES: readonly TaskType[] = Object.values(TaskType);

/**
 * Check that a string names a task type.
 * @example
 * parseTaskType('two_stage'); // TaskType.TWO_STAGE
 */
export function parseTaskType(type: unknown): TaskType {
  if (typeof type === 'string' && (TASK_TYPES as readonly string[]).includes(type)) return type as TaskType;
  throw new ConfigError([`unknown task type ${showValue(type)}; expected one of ${TASK_TYPES.join(', ')}`]);
}

/**
 * Network input width of a task.
 * @example
 * taskInputSize(TaskType.TWO_STAGE); // 6
 */
export function taskInputSize(type: TaskType): number {
  return INPUT_SIZES[parseTaskType(type)];
}

/** One trial as seen by the next trial's input. */
export interface TrialRow {
  /** First-stage (or only) action, 0 or 1; −1 when there was none (trial 0, a missed trial). */
  action: number;
  /** Second-stage state reached, 0 or 1 (two-stage only); −1 or omitted when there is none. */
  state?: number;
  /** Reward received (0 or 1; 0 when there was none). */
  reward: number;
}

/**
 * Encode one trial into the input of the following trial, at `out[offset ..]`.
 * @example
 * encodeTrialRow(TaskType.REVERSAL, { action: 1, reward: 1 }); // Float64Array [0, 1, 1, 1]
 * encodeTrialRow(TaskType.REVERSAL, { action: -1, reward: 0 }); // trial 0: [0, 0, 0, 1]
 */
export function encodeTrialRow(
  type: TaskType,
  { action, state = -1, reward }: TrialRow,
  out: Float64Array = new Float64Array(taskInputSize(type)),
  offset = 0,
): Float64Array {
  const width = taskInputSize(type);
  if (offset < 0 || offset + width > out.length) {
    throw new ConfigError([`out must hold ${width} values from offset ${offset}, has length ${out.length}`]);
  }
  if (action !== -1 && action !== 0 && action !== 1) {
    throw new ConfigError([`action must be -1, 0 or 1, got ${showValue(action)}`]);
  }
  if (state !== -1 && state !== 0 && state !== 1) {
    throw new ConfigError([`state must be -1, 0 or 1, got ${showValue(state)}`]);
  }
  if (!Number.isFinite(reward)) throw new ConfigError([`reward must be a finite number, got ${showValue(reward)}`]);
  out.fill(0, offset, offset + width);
  if (action >= 0) out[offset + action] = 1;
  if (type === TaskType.TWO_STAGE && state >= 0) out[offset + 2 + state] = 1;
  out[offset + width - 2] = reward;
  out[offset + width - 1] = 1;
  return out;
}

/**
 * The trial-0 input of a cohort of S sessions: zeros and the constant 1, S×nInputs.
 * @example
 * initialTaskInputs(TaskType.REVERSAL, 2); // [0, 0, 0, 1, 0, 0, 0, 1]
 */
export function initialTaskInputs(type: TaskType, nSessions: number): Float64Array {
  const width = taskInputSize(type);
  const out = new Float64Array(nSessions * width);
  for (let s = 0; s < nSessions; s++) out[s * width + width - 1] = 1;
  return out;
}

/**
 * Encode a whole cohort's trial into next-trial inputs, `out` S×nInputs (overwritten). Hot path:
 * the values are trusted (tasks validate actions when they are played). `states` is needed for
 * the two-stage task only.
 * @example
 * const out = new Float64Array(2 * 4);
 * encodeCohortInputs(TaskType.REVERSAL, Int8Array.of(1, 0), undefined, Float32Array.of(1, 0), out);
 * // out = [0, 1, 1, 1,  1, 0, 0, 1]
 */
export function encodeCohortInputs(
  type: TaskType,
  actions: ArrayLike<number>,
  states: ArrayLike<number> | undefined,
  rewards: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  const width = taskInputSize(type);
  const nSessions = actions.length;
  if (out.length !== nSessions * width) {
    throw new ConfigError([`out must have length ${nSessions * width} (S×${width}), got ${out.length}`]);
  }
  const twoStage = type === TaskType.TWO_STAGE;
  if (twoStage && (states === undefined || states.length !== nSessions)) {
    throw new ConfigError([`states must have length ${nSessions} for the two-stage task, got ${states?.length}`]);
  }
  out.fill(0);
  for (let s = 0; s < nSessions; s++) {
    const base = s * width;
    const action = actions[s];
    if (action >= 0) out[base + action] = 1;
    if (twoStage) {
      const state = states![s];
      if (state >= 0) out[base + 2 + state] = 1;
    }
    out[base + width - 2] = rewards[s];
    out[base + width - 1] = 1;
  }
  return out;
}

/**
 * Check a column of S choices played by a cohort: length S, each an integer in [0, nChoices).
 * The message names the first bad entry, e.g. `actions[3] must be an integer in [0, 1], got 2`.
 * @example
 * checkChoiceColumn('actions', Int8Array.of(0, 1), 2, 2); // passes
 */
export function checkChoiceColumn(name: string, values: ArrayLike<number>, nSessions: number, nChoices: number): void {
  if (values === null || typeof values !== 'object' || values.length !== nSessions) {
    throw new ConfigError([`${name} must have length ${nSessions} (one per session), got ${showValue(values?.length)}`]);
  }
  for (let s = 0; s < nSessions; s++) {
    const v = values[s];
    if (!(Number.isInteger(v) && v >= 0 && v < nChoices)) {
      throw new ConfigError([`${name}[${s}] must be an integer in [0, ${nChoices - 1}], got ${showValue(v)}`]);
    }
  }
}
