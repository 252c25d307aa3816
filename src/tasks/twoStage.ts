/**
 * The two-stage task of Daw et al. (2011): a first-stage choice a leads to second-stage state a
 * with probability commonTransitionProb (a common transition), otherwise to the other state (a
 * rare one); a second-stage choice there pays with probability p[state][stage2Action].
 *
 * Two reward schedules:
 * - `drifting` (Daw et al. 2011): the four probabilities start uniform in [rewardProbMin,
 *   rewardProbMax] and follow Gaussian random walks (sd driftSd) reflected at those bounds;
 * - `state` (Wang et al. 2018): reward depends only on the state reached, rewardProbHigh in the
 *   rich state and rewardProbLow in the other; the rich state swaps with probability swapProb
 *   after each trial.
 */
import type { Random } from '../random.js';
import { ConfigError, checkNumber, checkProbability, checkInteger, showValue, checkRandom } from '../validation.js';
import { TaskType, type CohortTask, type Stage2Chooser, type TrialOutcome } from './cohortTask.js';
import { checkChoiceColumn, encodeCohortInputs, initialTaskInputs, taskInputSize } from './encoding.js';

export type TwoStageRewardMode = 'drifting' | 'state';

/** Second-stage choices (S) given the states the cohort has just reached (S). */
export type { Stage2Chooser } from './cohortTask.js';

export interface TwoStageOptions {
  /** Number of sessions S stepped together (integer >= 1). */
  nSessions: number;
  /** Seeded generator; split into one independent stream per session at construction. */
  rng: Random;
  /** Probability that first-stage action a leads to state a (default 0.8). */
  commonTransitionProb?: number;
  /** Reward schedule: Daw's drifting probabilities (default) or Wang's rich/poor state. */
  rewardMode?: TwoStageRewardMode;
  /** Drifting mode: standard deviation of each per-trial random-walk step (default 0.025). */
  driftSd?: number;
  /** Drifting mode: lower reflecting bound of the reward probabilities (default 0.25). */
  rewardProbMin?: number;
  /** Drifting mode: upper reflecting bound of the reward probabilities (default 0.75). */
  rewardProbMax?: number;
  /** State mode: reward probability in the rich state (default 0.9). */
  rewardProbHigh?: number;
  /** State mode: reward probability in the poor state (default 0.1). */
  rewardProbLow?: number;
  /** State mode: probability per trial that the rich state swaps (default 0.025). */
  swapProb?: number;
}

/** A two-stage trial whose transitions are drawn and whose second stage is still to be chosen. */
export interface PendingTwoStageTrial {
  /** Second-stage state each session reached (0 or 1), S. */
  stage2States: Int8Array;
  /** 1 for a common transition, 0 for a rare one, S. */
  common: Uint8Array;
  /** End the trial with the S second-stage choices (omitted: the uniform draws `step` would use). */
  complete(stage2Actions?: ArrayLike<number>): TrialOutcome;
}

/**
 * Fold x back into [min, max] by reflection at the bounds, as in the bounded random walks of
 * Daw et al. (2011). Repeats for steps longer than the interval.
 * @example
 * reflectIntoBounds(0.77, 0.25, 0.75); // 0.73
 */
export function reflectIntoBounds(x: number, min: number, max: number): number {
  if (max <= min) return min;
  while (x < min || x > max) x = x < min ? 2 * min - x : 2 * max - x;
  return x;
}

/**
 * A cohort of two-stage sessions. Each session's stream draws, per trial and in this order: the
 * transition, a second-stage choice (used only when `stage2Actions` is omitted, drawn always so
 * that the reward sequence does not depend on who chose), the reward, then the schedule update
 * (four normals, or one uniform for the swap). Nothing depends on the actions or on S.
 * @example
 * const task = new TwoStageTask({ nSessions: 3, rng: createRandom(7), rewardMode: 'state' });
 * const { latent } = task.step([0, 1, 0]); // latent.stage2States, latent.common, ...
 */
export class TwoStageTask implements CohortTask {
  readonly type = TaskType.TWO_STAGE;
  readonly nSessions: number;
  readonly nInputs = taskInputSize(TaskType.TWO_STAGE);
  readonly nActions = 2;
  readonly commonTransitionProb: number;
  readonly rewardMode: TwoStageRewardMode;
  readonly driftSd: number;
  readonly rewardProbMin: number;
  readonly rewardProbMax: number;
  readonly rewardProbHigh: number;
  readonly rewardProbLow: number;
  readonly swapProb: number;
  private trialCount = 0;
  private readonly streams: Random[];
  /** S×4 reward probabilities in effect for the coming trial, index state*2+action. */
  private readonly rewardProbs: Float64Array;
  /** State mode: the rich state of each session. */
  private readonly richState: Int8Array;
  private readonly pendingReversal: Uint8Array;
  /** A trial begun with `beginTrial` and not yet completed. */
  private pendingTrial = false;

  constructor(options: TwoStageOptions) {
    const {
      nSessions,
      rng,
      commonTransitionProb = 0.8,
      rewardMode = 'drifting',
      driftSd = 0.025,
      rewardProbMin = 0.25,
      rewardProbMax = 0.75,
      rewardProbHigh = 0.9,
      rewardProbLow = 0.1,
      swapProb = 0.025,
    } = options;
    this.nSessions = checkInteger('nSessions', nSessions, 1);
    checkRandom('rng', rng);
    this.commonTransitionProb = checkProbability('commonTransitionProb', commonTransitionProb);
    if (rewardMode !== 'drifting' && rewardMode !== 'state') {
      throw new ConfigError([`rewardMode must be one of "drifting", "state", got ${showValue(rewardMode)}`]);
    }
    this.rewardMode = rewardMode;
    this.driftSd = checkNumber('driftSd', driftSd, { min: 0 });
    this.rewardProbMin = checkProbability('rewardProbMin', rewardProbMin);
    this.rewardProbMax = checkProbability('rewardProbMax', rewardProbMax);
    if (rewardProbMax < rewardProbMin) {
      throw new ConfigError([`rewardProbMax must be >= rewardProbMin (${rewardProbMin}), got ${rewardProbMax}`]);
    }
    this.rewardProbHigh = checkProbability('rewardProbHigh', rewardProbHigh);
    this.rewardProbLow = checkProbability('rewardProbLow', rewardProbLow);
    this.swapProb = checkProbability('swapProb', swapProb);

    this.streams = rng.split(nSessions);
    this.rewardProbs = new Float64Array(nSessions * 4);
    this.richState = new Int8Array(nSessions);
    this.pendingReversal = new Uint8Array(nSessions);
    for (let s = 0; s < nSessions; s++) {
      const stream = this.streams[s];
      if (rewardMode === 'drifting') {
        for (let k = 0; k < 4; k++) {
          this.rewardProbs[s * 4 + k] = rewardProbMin + (rewardProbMax - rewardProbMin) * stream.uniform();
        }
      } else {
        this.richState[s] = stream.integer(0, 1);
        this.fillStateProbs(s);
      }
    }
  }

  get trial(): number {
    return this.trialCount;
  }

  initialInputs(): Float64Array {
    return initialTaskInputs(this.type, this.nSessions);
  }

  /**
   * Play one trial. `stage2Actions` may be the S second-stage choices, or a chooser called with
   * the states just reached that returns them, for agents whose second-stage choice depends on
   * the state (the `CohortTask` contract cannot express that with a fixed array). Omitted: each
   * session chooses uniformly from its own stream.
   */
  step(actions: ArrayLike<number>, stage2Actions?: ArrayLike<number> | Stage2Chooser): TrialOutcome {
    const S = this.nSessions;
    checkChoiceColumn('actions', actions, S, 2);
    if (stage2Actions !== undefined && typeof stage2Actions !== 'function') {
      checkChoiceColumn('stage2Actions', stage2Actions, S, 2);
    }
    const pending = this.beginTrial(actions);
    if (stage2Actions === undefined) return pending.complete();
    const given = typeof stage2Actions === 'function' ? stage2Actions(pending.stage2States.slice()) : stage2Actions;
    if (typeof stage2Actions === 'function') checkChoiceColumn('stage2Actions (from the chooser)', given, S, 2);
    return pending.complete(given);
  }

  /**
   * The first half of `step`, for a chooser that cannot answer at once (a person, who sees the
   * transition before choosing again): draws the transitions and returns the states reached; the
   * trial ends with `complete(stage2Actions)`. The draws are those of `step`, in the same order,
   * so a seed gives the same schedule however the second-stage choice arrives. No other trial may
   * begin before this one completes.
   * @example
   * const pending = task.beginTrial([0]);
   * pending.stage2States; // [1]: a rare transition
   * const outcome = pending.complete([1]);
   */
  beginTrial(actions: ArrayLike<number>): PendingTwoStageTrial {
    const S = this.nSessions;
    checkChoiceColumn('actions', actions, S, 2);
    if (this.pendingTrial) throw new Error(`trial ${this.trialCount} has begun and not completed; complete it before the next one`);
    const played = Int8Array.from(actions);
    const states = new Int8Array(S);
    const chosen2 = new Int8Array(S);
    const common = new Uint8Array(S);
    const stage2RewardProbs = Float32Array.from(this.rewardProbs);
    const actionRewardProbs = new Float32Array(S * 2);
    const betterAction = new Int8Array(S);
    const reversal = this.pendingReversal.slice();
    const pc = this.commonTransitionProb;
    const p = this.rewardProbs;
    for (let s = 0; s < S; s++) {
      const stream = this.streams[s];
      // Expected reward of each first-stage action with the best second-stage choice (Daw et al. 2011).
      const best0 = Math.max(p[s * 4], p[s * 4 + 1]);
      const best1 = Math.max(p[s * 4 + 2], p[s * 4 + 3]);
      actionRewardProbs[s * 2] = pc * best0 + (1 - pc) * best1;
      actionRewardProbs[s * 2 + 1] = pc * best1 + (1 - pc) * best0;
      betterAction[s] = actionRewardProbs[s * 2 + 1] > actionRewardProbs[s * 2] ? 1 : 0;
      const isCommon = stream.uniform() < pc;
      common[s] = isCommon ? 1 : 0;
      states[s] = isCommon ? played[s] : 1 - played[s];
      chosen2[s] = stream.uniform() < 0.5 ? 0 : 1;
    }
    this.pendingTrial = true;
    const complete = (stage2Actions?: ArrayLike<number>): TrialOutcome => {
      if (!this.pendingTrial) throw new Error('this trial has already completed');
      if (stage2Actions !== undefined) {
        checkChoiceColumn('stage2Actions', stage2Actions, S, 2);
        for (let s = 0; s < S; s++) chosen2[s] = stage2Actions[s];
      }
      this.pendingTrial = false;
      const rewards = new Float32Array(S);
      for (let s = 0; s < S; s++) {
        const stream = this.streams[s];
        rewards[s] = stream.uniform() < p[s * 4 + states[s] * 2 + chosen2[s]] ? 1 : 0;
        this.advanceSchedule(s, stream);
      }
      const nextInputs = encodeCohortInputs(this.type, played, states, rewards, new Float64Array(S * this.nInputs));
      return {
        trial: this.trialCount++,
        actions: played,
        rewards,
        nextInputs,
        latent: { actionRewardProbs, betterAction, reversal, stage2States: states, stage2Actions: chosen2, common, stage2RewardProbs },
      };
    };
    return { stage2States: states.slice(), common: common.slice(), complete };
  }

  private advanceSchedule(s: number, stream: Random): void {
    this.pendingReversal[s] = 0;
    if (this.rewardMode === 'drifting') {
      for (let k = s * 4; k < s * 4 + 4; k++) {
        const next = this.rewardProbs[k] + this.driftSd * stream.normal();
        this.rewardProbs[k] = reflectIntoBounds(next, this.rewardProbMin, this.rewardProbMax);
      }
    } else if (stream.uniform() < this.swapProb) {
      this.richState[s] = 1 - this.richState[s];
      this.fillStateProbs(s);
      this.pendingReversal[s] = 1;
    }
  }

  private fillStateProbs(s: number): void {
    for (let state = 0; state < 2; state++) {
      const p = state === this.richState[s] ? this.rewardProbHigh : this.rewardProbLow;
      this.rewardProbs[s * 4 + state * 2] = p;
      this.rewardProbs[s * 4 + state * 2 + 1] = p;
    }
  }
}
