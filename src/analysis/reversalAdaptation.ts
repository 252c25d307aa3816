/**
 * How behaviour adapts after a reversal of the contingencies: the probability of choosing the
 * currently better option aligned to reversals, its exponential recovery, trials to criterion,
 * and win-stay / lose-shift rates (e.g. Izquierdo et al. 2017 review these measures).
 *
 * Offsets: k = 0 is the first trial after the reversal (the trial flagged `reversal = 1`); k < 0
 * are the trials before it. With `stopAtNextReversal` an offset is counted only while no other
 * reversal lies between it and the aligned one, so a curve never mixes two blocks.
 */
import { ConfigError, checkInteger } from '../validation.js';
import { columnLength, sameSession, type BehaviourColumns } from './behaviourColumns.js';

export interface ReversalAdaptationOptions {
  /** Trials shown before each reversal (default 5). */
  before?: number;
  /** Last offset shown after each reversal (default 20). */
  after?: number;
  /** Criterion: at least this many better choices ... (default 4) */
  criterionCount?: number;
  /** ... among the last this many choices since the reversal (default 5). */
  criterionWindow?: number;
  /** Stop each aligned window at the neighbouring reversals (default true). */
  stopAtNextReversal?: boolean;
}

/** P(choose the better option) per offset from the reversal. */
export interface ReversalCurve {
  /** −before .. after. */
  offsets: Int32Array;
  /** Mean over reversals (NaN where no trial counted). */
  pBetter: Float64Array;
  /** Trials counted at each offset. */
  counts: Int32Array;
}

/** p(k) = pInf − (pInf − p0) e^{−k/τ}, k ≥ 0. */
export interface RecoveryFit {
  tau: number;
  p0: number;
  pInf: number;
  /** Weighted residual sum of squares. */
  sse: number;
}

export interface ReversalAdaptation {
  curve: ReversalCurve;
  recovery: RecoveryFit;
  nReversals: number;
  /**
   * Per reversal: trials from the reversal up to and including the one on which the criterion is
   * first met (k + 1); NaN when the block ended first.
   */
  trialsToCriterion: Float64Array;
  /** Mean over reversals that reached the criterion (NaN if none). */
  meanTrialsToCriterion: number;
  /** P(repeat | rewarded) over consecutive choices. */
  winStay: number;
  /** P(switch | unrewarded). */
  loseShift: number;
}

/** Reversal onsets: the `reversal` column, or else every change of `betterAction` in a session. */
function reversalOnsets(columns: BehaviourColumns, n: number): number[] {
  const { reversal, betterAction, sessionIds } = columns;
  const onsets: number[] = [];
  for (let t = 0; t < n; t++) {
    if (reversal !== undefined ? reversal[t] === 1 : t > 0 && sameSession(sessionIds, t - 1, t) && betterAction![t] !== betterAction![t - 1]) onsets.push(t);
  }
  return onsets;
}

/**
 * Least-squares fit of p(k) = pInf − (pInf − p0) e^{−k/τ}: for a fixed τ the model is linear in
 * (pInf, p0), so a log-spaced grid over τ ∈ [0.05, 1000] with a 2×2 weighted solve at each, then a
 * golden-section refinement of log τ around the best grid point.
 * @example
 * fitExponentialRecovery([0, 1, 2, 3], [0.2, 0.5, 0.7, 0.8]); // { tau, p0, pInf, sse }
 */
export function fitExponentialRecovery(k: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): RecoveryFit {
  const n = k.length;
  if (p.length !== n || (weights !== undefined && weights.length !== n)) {
    throw new ConfigError([`k, p and weights must have equal lengths, got ${n}, ${p.length}, ${weights?.length}`]);
  }
  const solve = (tau: number): RecoveryFit => {
    // Normal equations of p ≈ pInf (1 − e) + p0 e.
    let saa = 0, sab = 0, sbb = 0, sap = 0, sbp = 0;
    for (let i = 0; i < n; i++) {
      const w = weights?.[i] ?? 1;
      if (!(w > 0) || !Number.isFinite(p[i])) continue;
      const e = Math.exp(-k[i] / tau);
      saa += w * (1 - e) ** 2;
      sab += w * (1 - e) * e;
      sbb += w * e * e;
      sap += w * (1 - e) * p[i];
      sbp += w * e * p[i];
    }
    const det = saa * sbb - sab * sab;
    const pInf = (sbb * sap - sab * sbp) / det;
    const p0 = (saa * sbp - sab * sap) / det;
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const w = weights?.[i] ?? 1;
      if (!(w > 0) || !Number.isFinite(p[i])) continue;
      sse += w * (p[i] - (pInf - (pInf - p0) * Math.exp(-k[i] / tau))) ** 2;
    }
    return { tau, p0, pInf, sse: Number.isFinite(sse) ? sse : Infinity };
  };
  const grid = 200;
  const logMin = Math.log(0.05);
  const logMax = Math.log(1000);
  const at = (i: number) => logMin + ((logMax - logMin) * i) / (grid - 1);
  let best = 0;
  let bestFit = solve(Math.exp(at(0)));
  for (let i = 1; i < grid; i++) {
    const fit = solve(Math.exp(at(i)));
    if (fit.sse < bestFit.sse) [best, bestFit] = [i, fit];
  }
  let lo = at(Math.max(0, best - 1));
  let hi = at(Math.min(grid - 1, best + 1));
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 80; it++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (solve(Math.exp(a)).sse < solve(Math.exp(b)).sse) hi = b;
    else lo = a;
  }
  const refined = solve(Math.exp((lo + hi) / 2));
  return refined.sse <= bestFit.sse ? refined : bestFit;
}

/**
 * Reversal-aligned curve, recovery fit, trials to criterion and win-stay / lose-shift, from
 * `choices`, `rewards`, `betterAction`, `reversal` (or reversals inferred from `betterAction`)
 * and `sessionIds`.
 * @example
 * const { curve, recovery, meanTrialsToCriterion } = analyzeReversalAdaptation(columnsFromOutcomes(outcomes));
 * recovery.tau; // trials for the choice to recover 63 % of the way after a reversal
 */
export function analyzeReversalAdaptation(columns: BehaviourColumns, options: ReversalAdaptationOptions = {}): ReversalAdaptation {
  const { before = 5, after = 20, criterionCount = 4, criterionWindow = 5, stopAtNextReversal = true } = options;
  checkInteger('before', before, 0);
  checkInteger('after', after, 0);
  checkInteger('criterionWindow', criterionWindow, 1);
  checkInteger('criterionCount', criterionCount, 1, criterionWindow);
  const n = columnLength(columns);
  const { choices, betterAction, sessionIds } = columns;
  if (betterAction === undefined) throw new ConfigError(['columns.betterAction is required for reversal adaptation']);
  const onsets = reversalOnsets(columns, n);
  const isOnset = new Uint8Array(n);
  for (const t of onsets) isOnset[t] = 1;

  const width = before + after + 1;
  const sums = new Float64Array(width);
  const counts = new Int32Array(width);
  const trialsToCriterion = new Float64Array(onsets.length).fill(NaN);
  onsets.forEach((t0, r) => {
    for (let k = -1; k >= -before; k--) {
      const t = t0 + k;
      if (t < 0 || !sameSession(sessionIds, t, t0) || (stopAtNextReversal && isOnset[t + 1] && t + 1 !== t0)) break;
      accumulate(t, k);
    }
    const recent: number[] = [];
    for (let k = 0; t0 + k < n; k++) {
      const t = t0 + k;
      if (!sameSession(sessionIds, t, t0) || (stopAtNextReversal && k > 0 && isOnset[t])) break;
      if (k <= after) accumulate(t, k);
      if (choices[t] < 0 || betterAction[t] < 0) continue;
      recent.push(choices[t] === betterAction[t] ? 1 : 0);
      if (recent.length > criterionWindow) recent.shift();
      if (Number.isNaN(trialsToCriterion[r]) && recent.reduce((a, b) => a + b, 0) >= criterionCount) trialsToCriterion[r] = k + 1;
      if (k >= after && !Number.isNaN(trialsToCriterion[r])) break;
    }
  });
  function accumulate(t: number, k: number): void {
    if (choices[t] < 0 || betterAction![t] < 0) return;
    sums[k + before] += choices[t] === betterAction![t] ? 1 : 0;
    counts[k + before]++;
  }

  const offsets = Int32Array.from({ length: width }, (_, i) => i - before);
  const pBetter = Float64Array.from(sums, (s, i) => (counts[i] > 0 ? s / counts[i] : NaN));
  const post = offsets.slice(before);
  const recovery = fitExponentialRecovery(post, pBetter.slice(before), counts.slice(before));
  const reached = Array.from(trialsToCriterion).filter((v) => !Number.isNaN(v));
  return {
    curve: { offsets, pBetter, counts },
    recovery,
    nReversals: onsets.length,
    trialsToCriterion,
    meanTrialsToCriterion: reached.length > 0 ? reached.reduce((a, b) => a + b, 0) / reached.length : NaN,
    ...winStayLoseShift(columns),
  };
}

/**
 * Win-stay and lose-shift rates over consecutive trials of a session that both have a choice,
 * the first with a known reward.
 * @example
 * winStayLoseShift({ choices: [0, 0, 1], rewards: [1, 0, 1] }); // { winStay: 1, loseShift: 1, ... }
 */
export function winStayLoseShift(columns: BehaviourColumns): { winStay: number; loseShift: number; nWin: number; nLose: number } {
  const n = columnLength(columns);
  const { choices, rewards, sessionIds } = columns;
  let nWin = 0, stays = 0, nLose = 0, shifts = 0;
  for (let t = 0; t + 1 < n; t++) {
    if (choices[t] < 0 || choices[t + 1] < 0 || rewards[t] < 0 || !sameSession(sessionIds, t, t + 1)) continue;
    const stay = choices[t + 1] === choices[t];
    if (rewards[t] > 0) {
      nWin++;
      if (stay) stays++;
    } else {
      nLose++;
      if (!stay) shifts++;
    }
  }
  return { winStay: nWin > 0 ? stays / nWin : NaN, loseShift: nLose > 0 ? shifts / nLose : NaN, nWin, nLose };
}
