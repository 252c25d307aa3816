/**
 * The core of every two-stage stay table in the project (Daw et al. 2011): the four trial types,
 * the count of stays after each, and the indices read from the stay probabilities. The offline
 * analysis of a data set (twoStageSignatures.ts) and the live per-trial fold
 * (analysis/online/) both count through `StayCounts`, so their numbers cannot drift apart.
 *
 *   modelBasedIndex = (P_cr − P_cu) − (P_rr − P_ru)       reward × transition interaction, > 0 for MB
 *   modelFreeIndex  = ((P_cr + P_rr) − (P_cu + P_ru)) / 2  main effect of reward, > 0 for MF
 */

/** Trial types in cell order: common/rare transition × rewarded/unrewarded. */
export const TWO_STAGE_TRIAL_TYPES = ['commonRewarded', 'commonUnrewarded', 'rareRewarded', 'rareUnrewarded'] as const;
export type TwoStageTrialType = (typeof TWO_STAGE_TRIAL_TYPES)[number];

/** P(stay) after each trial type (NaN where no pair was counted). */
export type StayProbabilities = Record<TwoStageTrialType, number>;

/**
 * Cell index 0..3 (CR, CU, RR, RU) of a trial with a known transition and reward.
 * @example
 * stayCell(false, true); // 2: rare, rewarded
 */
export function stayCell(common: boolean, rewarded: boolean): number {
  return (common ? 0 : 2) + (rewarded ? 0 : 1);
}

/** Stays and pairs counted per cell. */
export class StayCounts {
  readonly stays = new Float64Array(4);
  readonly pairs = new Float64Array(4);

  /** Count one (trial t, trial t + 1) pair whose trial t falls in `cell`. */
  add(cell: number, stayed: boolean): void {
    this.pairs[cell] += 1;
    if (stayed) this.stays[cell] += 1;
  }

  /** nStay / n of one cell, NaN when no pair was counted. */
  probability(cell: number): number {
    return this.pairs[cell] > 0 ? this.stays[cell] / this.pairs[cell] : Number.NaN;
  }

  probabilities(): StayProbabilities {
    return Object.fromEntries(TWO_STAGE_TRIAL_TYPES.map((name, cell) => [name, this.probability(cell)])) as StayProbabilities;
  }
}

/**
 * The model-based and model-free indices of a stay table.
 * @example
 * twoStageIndices({ commonRewarded: 0.9, commonUnrewarded: 0.5, rareRewarded: 0.6, rareUnrewarded: 0.8 });
 * // { modelBasedIndex: 0.6, modelFreeIndex: 0.1 }
 */
export function twoStageIndices(p: StayProbabilities): { modelBasedIndex: number; modelFreeIndex: number } {
  const { commonRewarded: cr, commonUnrewarded: cu, rareRewarded: rr, rareUnrewarded: ru } = p;
  return { modelBasedIndex: cr - cu - (rr - ru), modelFreeIndex: (cr + rr - (cu + ru)) / 2 };
}
