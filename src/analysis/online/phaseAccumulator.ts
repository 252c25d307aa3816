/**
 * One agent's running sums over one phase of a live run, and the phase's metrics read from them:
 * reward rate, P(better option), the reversal-aligned choice curve (P(better) at lag k = 0, 1, …
 * after each reversal, lag 0 being the first trial after the swap) and its mean over the first
 * `recoveryTrials` lags, and for the two-stage task the stay table with its model-based and
 * model-free indices, counted through the same `StayCounts` as the offline analysis.
 */
import { StayCounts, twoStageIndices, type StayProbabilities } from '../stayCounts.js';

export interface PhaseMetrics {
  phase: number;
  name: string;
  /** Session-trials counted. */
  trials: number;
  rewardRate: number;
  pBetter: number;
  /** P(better) at lags 0.. after a reversal (NaN where no trial was seen). */
  reversalCurve: number[];
  /** P(better) pooled over the first `recoveryTrials` lags after reversals. */
  recoveryPBetter: number;
  /** Two-stage only: P(repeat the first-stage choice) after each trial type. */
  stayTable?: StayProbabilities;
  modelBasedIndex?: number;
  modelFreeIndex?: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

export class PhaseAccumulator {
  trials = 0;
  reward = 0;
  better = 0;
  readonly curveBetter: Float64Array;
  readonly curveCount: Float64Array;
  /** Two-stage phases only. */
  readonly stays: StayCounts | undefined;

  constructor(readonly phase: number, curveLength: number, twoStage: boolean) {
    this.curveBetter = new Float64Array(curveLength);
    this.curveCount = new Float64Array(curveLength);
    this.stays = twoStage ? new StayCounts() : undefined;
  }

  /** Count one session's trial at `lag` trials after its last reversal (−1: none yet). */
  addToCurve(lag: number, isBetter: number): void {
    if (lag >= 0 && lag < this.curveBetter.length) {
      this.curveBetter[lag] += isBetter;
      this.curveCount[lag] += 1;
    }
  }

  metrics(name: string, recoveryTrials: number): PhaseMetrics {
    const curve = Array.from(this.curveBetter, (b, k) => ratio(b, this.curveCount[k]));
    const R = Math.min(recoveryTrials, curve.length);
    let recovered = 0, counted = 0;
    for (let k = 0; k < R; k++) {
      recovered += this.curveBetter[k];
      counted += this.curveCount[k];
    }
    const out: PhaseMetrics = {
      phase: this.phase, name, trials: this.trials,
      rewardRate: ratio(this.reward, this.trials), pBetter: ratio(this.better, this.trials),
      reversalCurve: curve, recoveryPBetter: ratio(recovered, counted),
    };
    if (this.stays) {
      const stayTable = this.stays.probabilities();
      Object.assign(out, { stayTable }, twoStageIndices(stayTable));
    }
    return out;
  }
}
