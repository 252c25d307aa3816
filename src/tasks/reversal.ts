/**
 * Probabilistic reversal learning: two actions paying with probabilities pHigh and pLow; which one
 * is better swaps after a block whose length is drawn uniformly from [blockLengthMin,
 * blockLengthMax] trials.
 */
import { ConfigError, checkInteger, checkProbability } from '../validation.js';
import { TaskType, type TrialLatent } from './cohortTask.js';
import { TwoArmedBanditTask, type TwoArmedBanditOptions } from './twoArmedBanditTask.js';

export interface ReversalOptions extends TwoArmedBanditOptions {
  /** Reward probability of the better action (default 0.8). */
  pHigh?: number;
  /** Reward probability of the worse action (default 0.2). */
  pLow?: number;
  /** Shortest block between reversals, in trials (default 20). */
  blockLengthMin?: number;
  /** Longest block between reversals, in trials (default 40). */
  blockLengthMax?: number;
}

/**
 * A cohort of reversal-learning sessions. Each session's stream draws, per trial, one uniform for
 * the reward and, at the end of a block, the next block length: the draws do not depend on the
 * actions played or on S, so session s is reproducible alone.
 * @example
 * const task = new ReversalLearningTask({ nSessions: 2, rng: createRandom(1) });
 * const outcome = task.step([0, 1]); // outcome.rewards, outcome.latent.betterAction, ...
 */
export class ReversalLearningTask extends TwoArmedBanditTask {
  declare readonly type: TaskType.REVERSAL;
  readonly pHigh: number;
  readonly pLow: number;
  readonly blockLengthMin: number;
  readonly blockLengthMax: number;
  private readonly betterAction: Int8Array;
  /** Trials left in the current block, counting the coming one. */
  private readonly trialsLeft: Int32Array;
  /** 1 when the coming trial is the first after a swap. */
  private readonly pendingReversal: Uint8Array;

  constructor(options: ReversalOptions) {
    super(TaskType.REVERSAL, options);
    const { pHigh = 0.8, pLow = 0.2, blockLengthMin = 20, blockLengthMax = 40 } = options;
    this.pHigh = checkProbability('pHigh', pHigh);
    this.pLow = checkProbability('pLow', pLow);
    if (pLow > pHigh) throw new ConfigError([`pLow must be <= pHigh (${pHigh}), got ${pLow}`]);
    this.blockLengthMin = checkInteger('blockLengthMin', blockLengthMin, 1);
    this.blockLengthMax = checkInteger('blockLengthMax', blockLengthMax, 1);
    if (blockLengthMax < blockLengthMin) {
      throw new ConfigError([`blockLengthMax must be >= blockLengthMin (${blockLengthMin}), got ${blockLengthMax}`]);
    }
    const { nSessions } = this;
    this.betterAction = new Int8Array(nSessions);
    this.trialsLeft = new Int32Array(nSessions);
    this.pendingReversal = new Uint8Array(nSessions);
    for (let s = 0; s < nSessions; s++) {
      this.betterAction[s] = this.streams[s].integer(0, 1);
      this.trialsLeft[s] = this.streams[s].integer(blockLengthMin, blockLengthMax);
    }
  }

  protected playTrial(_trial: number, played: Int8Array, rewards: Float32Array): TrialLatent {
    const S = this.nSessions;
    const actionRewardProbs = new Float32Array(S * 2);
    const betterAction = this.betterAction.slice();
    const reversal = this.pendingReversal.slice();
    for (let s = 0; s < S; s++) {
      const stream = this.streams[s];
      const better = this.betterAction[s];
      actionRewardProbs[s * 2 + better] = this.pHigh;
      actionRewardProbs[s * 2 + 1 - better] = this.pLow;
      rewards[s] = stream.uniform() < (played[s] === better ? this.pHigh : this.pLow) ? 1 : 0;
      this.pendingReversal[s] = 0;
      if (--this.trialsLeft[s] === 0) {
        this.betterAction[s] = 1 - better;
        this.trialsLeft[s] = stream.integer(this.blockLengthMin, this.blockLengthMax);
        this.pendingReversal[s] = 1;
      }
    }
    return { actionRewardProbs, betterAction, reversal };
  }
}
