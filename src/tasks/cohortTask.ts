/**
 * The contract every task environment meets: a cohort of S independent sessions stepped together,
 * one call per trial, typed-array columns of length S (one seeded random stream per session).
 */
import type { Real } from '../model/parameters.js';

export enum TaskType {
  REVERSAL = 'reversal',
  TWO_STAGE = 'two_stage',
  PROBABILISTIC_REWARD = 'probabilistic_reward',
}

/** What one trial of a whole cohort produced. Column arrays have length S (or S×width). */
export interface TrialOutcome {
  /** 0-based index of the trial just played. */
  trial: number;
  /** First-stage (or only) actions that were played, S. */
  actions: Int8Array;
  /** Reward paid, 0 or 1, S. */
  rewards: Float32Array;
  /** Network input for the next trial, S×nInputs (encodes this trial's action, state, reward). */
  nextInputs: Float64Array;
  /** Latent truth for analysis. */
  latent: TrialLatent;
}

export interface TrialLatent {
  /** Reward probability of each first-stage action on this trial, S×nActions (reversal, volatile); for two-stage, the expected reward of each first-stage action under the common/rare transition and the best second-stage choice. */
  actionRewardProbs: Float32Array;
  /** The action with the higher reward probability on this trial, S. */
  betterAction: Int8Array;
  /** 1 on the first trial after a reversal (reversal task) or a jump (volatile task), S. */
  reversal: Uint8Array;
  /** Volatile task: 1 while in a volatile block, S. Zero elsewhere. */
  volatile?: Uint8Array;
  /** Two-stage only: second-stage state reached (0 or 1), S. */
  stage2States?: Int8Array;
  /** Two-stage only: second-stage action taken, S. */
  stage2Actions?: Int8Array;
  /** Two-stage only: 1 for a common transition, 0 for a rare one, S. */
  common?: Uint8Array;
  /** Two-stage only: reward probability of each (state, stage-2 action), S×4, index state*2+action. */
  stage2RewardProbs?: Float32Array;
}

/** Chooses second-stage actions once the second-stage states (S) are known. */
export type Stage2Chooser = (stage2States: Int8Array) => ArrayLike<number>;

/** A cohort of S sessions of one task. */
export interface CohortTask {
  readonly type: TaskType;
  readonly nSessions: number;
  /** Network input width (reversal and volatile 4, two-stage 6). */
  readonly nInputs: number;
  /** Number of first-stage actions (2). */
  readonly nActions: number;
  /** Trials played so far. */
  readonly trial: number;
  /** The input for trial 0 (no previous action or reward: zeros and the constant 1), S×nInputs. */
  initialInputs(): Float64Array;
  /**
   * Play one trial for every session. `stage2Actions` matter only for the two-stage task: either
   * the actions themselves, or a chooser called with the states reached (after the transitions are
   * drawn) that returns them; when omitted, each session's second-stage action is drawn uniformly
   * from its own stream.
   */
  step(actions: ArrayLike<number>, stage2Actions?: ArrayLike<number> | Stage2Chooser): TrialOutcome;
}

export type { Real };
