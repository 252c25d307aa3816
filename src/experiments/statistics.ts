/**
 * Summary statistics across seeds: mean with a t-based 95% confidence interval, and a two-sample
 * comparison (Welch's unequal-variance t test, Welch 1947) with a standardised effect size.
 * The distributions come from stdlib; only the bookkeeping lives here.
 *
 * Non-finite values (a metric a seed could not produce, e.g. τ when no reversal was reached) are
 * dropped before anything is computed; `n` says how many values counted.
 */
import ttest2 from '@stdlib/stats-ttest2';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { checkNumber } from '../validation.js';

/** Mean and confidence interval of one sample. */
export interface SampleSummary {
  /** Finite values counted. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n < 2. */
  sd: number;
  /** Standard error sd / √n; NaN when n < 2. */
  sem: number;
  /** Lower end of the confidence interval (NaN when n < 2). */
  ciLow: number;
  /** Upper end of the confidence interval (NaN when n < 2). */
  ciHigh: number;
}

/** Welch two-sample comparison of b against a (difference = mean(b) − mean(a)). */
export interface TwoSampleTest {
  /** Welch's t statistic of mean(b) − mean(a). */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value; NaN when either sample has fewer than 2 values or both have zero variance. */
  pValue: number;
  /** mean(b) − mean(a). */
  difference: number;
  /**
   * Cohen's d: difference over the pooled standard deviation √((s_a² + s_b²)/2) (the average-variance
   * form that suits Welch's test); ±Infinity when both samples are constant and differ.
   */
  effectSize: number;
}

export interface SummaryOptions {
  /** Confidence level of the interval in (0, 1) (default 0.95). */
  level?: number;
}

function finite(values: ArrayLike<number>): number[] {
  return Array.from(values).filter((v) => Number.isFinite(v));
}

function meanAndVariance(x: readonly number[]): [number, number] {
  const n = x.length;
  if (n === 0) return [NaN, NaN];
  const mean = x.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return [mean, NaN];
  return [mean, x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)];
}

/**
 * Mean, standard deviation and the t-based confidence interval mean ± t_{(1+level)/2, n−1} · sd/√n.
 * @example
 * summarizeSample([1, 2, 3, 4, 5]); // { n: 5, mean: 3, sd: 1.581, ciLow: 1.037, ciHigh: 4.963, ... }
 */
export function summarizeSample(values: ArrayLike<number>, options: SummaryOptions = {}): SampleSummary {
  const { level = 0.95 } = options;
  checkNumber('level', level, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const x = finite(values);
  const n = x.length;
  const [mean, variance] = meanAndVariance(x);
  const sd = Math.sqrt(variance);
  const sem = sd / Math.sqrt(n);
  const half = n >= 2 ? tQuantile((1 + level) / 2, n - 1) * sem : NaN;
  return { n, mean, sd, sem, ciLow: mean - half, ciHigh: mean + half };
}

/**
 * Welch's t test of mean(b) − mean(a) (two-sided) and Cohen's d.
 * @example
 * const test = welchTest(premature.effectiveRank, mature.effectiveRank);
 * test.difference < 0 && test.pValue < 0.05; // mature lower, significantly
 */
export function welchTest(a: ArrayLike<number>, b: ArrayLike<number>): TwoSampleTest {
  const x = finite(a);
  const y = finite(b);
  const [meanA, varA] = meanAndVariance(x);
  const [meanB, varB] = meanAndVariance(y);
  const difference = meanB - meanA;
  const pooledSd = Math.sqrt((varA + varB) / 2);
  const effectSize = pooledSd > 0 ? difference / pooledSd : difference === 0 ? 0 : difference * Infinity;
  if (x.length < 2 || y.length < 2 || !(varA + varB > 0)) {
    return { statistic: NaN, df: NaN, pValue: NaN, difference, effectSize: x.length < 2 || y.length < 2 ? NaN : effectSize };
  }
  // stdlib tests x − y; we report b − a, so b goes first.
  const result = ttest2(y, x, { variance: 'unequal', alternative: 'two-sided' });
  return { statistic: result.statistic, df: result.df, pValue: result.pValue, difference, effectSize };
}
