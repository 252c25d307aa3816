/**
 * A volatile two-armed bandit in the style of Behrens et al. (2007): each action's reward
 * probability follows a bounded Gaussian random walk, and blocks alternate between stable (no
 * jumps) and volatile (the two probabilities swap, p0↔p1, with a fixed hazard rate per trial).
 */
import { ConfigError, checkInteger, checkNumber, checkProbability, showValue } from '../validation.js';
import { TaskType, type TrialLatent } from './cohortTask.js';
import { TwoArmedBanditTask, type TwoArmedBanditOptions } from './twoArmedBanditTask.js';
import { reflectIntoBounds } from './twoStage.js';

export interface ProbabilisticRewardOptions extends TwoArmedBanditOptions {
  /** Standard deviation of each per-trial random-walk step of a reward probability (default 0.02). */
  driftSd?: number;
  /** Lower reflecting bound of the reward probabilities (default 0.1). */
  pMin?: number;
  /** Upper reflecting bound of the reward probabilities (default 0.9). */
  pMax?: number;
  /** Starting reward probability of the better action, in [pMin, pMax] (default 0.8). */
  initialPHigh?: number;
  /** Starting reward probability of the worse action, in [pMin, pMax] (default 0.2). */
  initialPLow?: number;
  /** Probability per volatile trial that the two reward probabilities swap (default 0.05). */
  hazardRate?: number;
  /** Length of a stable block, in trials (default 60). */
  stableBlockLength?: number;
  /** Length of a volatile block, in trials (default 60). */
  volatileBlockLength?: number;
  /** Start with a volatile block instead of a stable one (default false). */
  startVolatile?: boolean;
}

/**
 * A cohort of volatile-bandit sessions. The block schedule is the same for every session; each
 * session's stream draws, per trial: the reward, two normals for the drift, and one uniform for
 * the jump (drawn in stable blocks too, so the streams never depend on the schedule or actions).
 * A jump decided after trial t takes effect on trial t+1 and only if trial t+1 is volatile, so
 * `latent.reversal` is never 1 inside a stable block.
 * @example
 * const task = new ProbabilisticRewardTask({ nSessions: 4, rng: createRandom(3), hazardRate: 0.1 });
 * const { latent } = task.step([0, 0, 1, 1]); // latent.volatile, latent.reversal, ...
 */
export class ProbabilisticRewardTask extends TwoArmedBanditTask {
  declare readonly type: TaskType.PROBABILISTIC_REWARD;
  readonly driftSd: number;
  readonly pMin: number;
  readonly pMax: number;
  readonly hazardRate: number;
  readonly stableBlockLength: number;
  readonly volatileBlockLength: number;
  readonly startVolatile: boolean;
  /** S×2 reward probabilities in effect for the coming trial. */
  private readonly rewardProbs: Float64Array;
  private readonly pendingReversal: Uint8Array;

  constructor(options: ProbabilisticRewardOptions) {
    super(TaskType.PROBABILISTIC_REWARD, options);
    const {
      driftSd = 0.02,
      pMin = 0.1,
      pMax = 0.9,
      initialPHigh = 0.8,
      initialPLow = 0.2,
      hazardRate = 0.05,
      stableBlockLength = 60,
      volatileBlockLength = 60,
      startVolatile = false,
    } = options;
    this.driftSd = checkNumber('driftSd', driftSd, { min: 0 });
    this.pMin = checkProbability('pMin', pMin);
    this.pMax = checkProbability('pMax', pMax);
    if (pMax < pMin) throw new ConfigError([`pMax must be >= pMin (${pMin}), got ${pMax}`]);
    checkNumber('initialPHigh', initialPHigh, { min: pMin, max: pMax });
    checkNumber('initialPLow', initialPLow, { min: pMin, max: pMax });
    this.hazardRate = checkProbability('hazardRate', hazardRate);
    this.stableBlockLength = checkInteger('stableBlockLength', stableBlockLength, 1);
    this.volatileBlockLength = checkInteger('volatileBlockLength', volatileBlockLength, 1);
    if (typeof startVolatile !== 'boolean') {
      throw new ConfigError([`startVolatile must be a boolean, got ${showValue(startVolatile)}`]);
    }
    this.startVolatile = startVolatile;

    const { nSessions } = this;
    this.rewardProbs = new Float64Array(nSessions * 2);
    this.pendingReversal = new Uint8Array(nSessions);
    for (let s = 0; s < nSessions; s++) {
      const better = this.streams[s].integer(0, 1);
      this.rewardProbs[s * 2 + better] = initialPHigh;
      this.rewardProbs[s * 2 + 1 - better] = initialPLow;
    }
  }

  /** Whether trial t (0-based) lies in a volatile block. */
  isVolatileTrial(t: number): boolean {
    const cycle = this.stableBlockLength + this.volatileBlockLength;
    const phase = t % cycle;
    return this.startVolatile ? phase < this.volatileBlockLength : phase >= this.stableBlockLength;
  }

  protected playTrial(trial: number, played: Int8Array, rewards: Float32Array): TrialLatent {
    const S = this.nSessions;
    const actionRewardProbs = Float32Array.from(this.rewardProbs);
    const betterAction = new Int8Array(S);
    const reversal = this.pendingReversal.slice();
    const volatile = new Uint8Array(S).fill(this.isVolatileTrial(trial) ? 1 : 0);
    const nextVolatile = this.isVolatileTrial(trial + 1);
    const p = this.rewardProbs;
    for (let s = 0; s < S; s++) {
      const stream = this.streams[s];
      betterAction[s] = p[s * 2 + 1] > p[s * 2] ? 1 : 0;
      rewards[s] = stream.uniform() < p[s * 2 + played[s]] ? 1 : 0;
      p[s * 2] = reflectIntoBounds(p[s * 2] + this.driftSd * stream.normal(), this.pMin, this.pMax);
      p[s * 2 + 1] = reflectIntoBounds(p[s * 2 + 1] + this.driftSd * stream.normal(), this.pMin, this.pMax);
      const jump = stream.uniform() < this.hazardRate && nextVolatile;
      this.pendingReversal[s] = jump ? 1 : 0;
      if (jump) {
        const p0 = p[s * 2];
        p[s * 2] = p[s * 2 + 1];
        p[s * 2 + 1] = p0;
      }
    }
    return { actionRewardProbs, betterAction, reversal, volatile };
  }
}
