/**
 * What the two-armed bandit tasks (reversal learning, the volatile bandit) share: a cohort of S
 * sessions with one seeded stream each, a trial counter, and the frame of every trial (check the
 * actions, let the task pay the rewards, encode the next inputs). Each task only draws its rewards
 * and says what was latent, as Plot's marks extend one `Mark`.
 */
import type { Random } from '../random.js';
import { checkInteger, checkRandom } from '../validation.js';
import type { CohortTask, TaskType, TrialLatent, TrialOutcome } from './cohortTask.js';
import { checkChoiceColumn, encodeCohortInputs, initialTaskInputs, taskInputSize } from './encoding.js';

export interface TwoArmedBanditOptions {
  /** Number of sessions S stepped together (integer >= 1). */
  nSessions: number;
  /** Seeded generator; split into one independent stream per session at construction. */
  rng: Random;
}

/**
 * A cohort of two-armed bandit sessions; subclasses implement `playTrial`.
 * @example
 * class CoinTask extends TwoArmedBanditTask {
 *   constructor(options: TwoArmedBanditOptions) { super(TaskType.REVERSAL, options); }
 *   protected playTrial(trial: number, played: Int8Array, rewards: Float32Array): TrialLatent { ... }
 * }
 */
export abstract class TwoArmedBanditTask implements CohortTask {
  readonly type: TaskType;
  readonly nSessions: number;
  readonly nInputs: number;
  readonly nActions = 2;
  /** Session s draws only from `streams[s]`, so it is reproducible alone and does not depend on S. */
  protected readonly streams: Random[];
  private trialCount = 0;

  protected constructor(type: TaskType, options: TwoArmedBanditOptions) {
    const { nSessions, rng } = options;
    this.type = type;
    this.nInputs = taskInputSize(type);
    this.nSessions = checkInteger('nSessions', nSessions, 1);
    checkRandom('rng', rng);
    // split() leaves `rng` itself untouched, so splitting before the subclass checks its own
    // options changes nothing when one of them is rejected.
    this.streams = rng.split(nSessions);
  }

  get trial(): number {
    return this.trialCount;
  }

  initialInputs(): Float64Array {
    return initialTaskInputs(this.type, this.nSessions);
  }

  step(actions: ArrayLike<number>): TrialOutcome {
    const S = this.nSessions;
    checkChoiceColumn('actions', actions, S, this.nActions);
    const played = Int8Array.from(actions);
    const rewards = new Float32Array(S);
    const latent = this.playTrial(this.trialCount, played, rewards);
    const nextInputs = encodeCohortInputs(this.type, played, undefined, rewards, new Float64Array(S * this.nInputs));
    return { trial: this.trialCount++, actions: played, rewards, nextInputs, latent };
  }

  /**
   * Trial `trial` (0-based) for every session: write the reward paid for each `played` action
   * into `rewards` (S, zeros on entry), advance the schedule to the next trial, and return what
   * was latent on this one.
   */
  protected abstract playTrial(trial: number, played: Int8Array, rewards: Float32Array): TrialLatent;
}
