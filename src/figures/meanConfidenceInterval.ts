/**
 * Mean and 95% confidence interval across seeds, the error bars of every comparison panel.
 * Few seeds are typical (3–10), so the half-width uses Student's t quantile, not 1.96.
 */

/** Mean of the finite values with its 95% confidence interval. */
export interface MeanInterval {
  mean: number;
  /** Lower end of the 95% CI (equals `mean` when n = 1; NaN when n = 0). */
  low: number;
  high: number;
  /** Finite values counted. */
  n: number;
}

// t_{0.975, df} for df = 1..30 (standard tables).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Two-sided 97.5% quantile of Student's t with `df` degrees of freedom: the table for df ≤ 30,
 * else the Cornish–Fisher expansion around z = 1.95996 (Abramowitz & Stegun 26.7.5), which
 * is within 1e-3 of the exact value there.
 * @example
 * tQuantile975(4); // 2.776
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/**
 * Mean ± t_{0.975, n−1} · s / √n of the finite entries (null and NaN are skipped).
 * @example
 * meanConfidenceInterval([1, 2, 3]); // { mean: 2, low: -0.484, high: 4.484, n: 3 }
 */
export function meanConfidenceInterval(values: ArrayLike<number | null | undefined>): MeanInterval {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      n += 1;
      sum += v;
    }
  }
  if (n === 0) return { mean: NaN, low: NaN, high: NaN, n };
  const mean = sum / n;
  if (n === 1) return { mean, low: mean, high: mean, n };
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) squares += (v - mean) ** 2;
  }
  const halfWidth = (tQuantile975(n - 1) * Math.sqrt(squares / (n - 1))) / Math.sqrt(n);
  return { mean, low: mean - halfWidth, high: mean + halfWidth, n };
}

/**
 * Mean and 95% CI at each index across several curves of possibly different lengths (e.g. seeds
 * that stopped early): index i summarises the curves that have a finite value there.
 * @example
 * meanCurve([[1, 2], [3]]); // [{ mean: 2, ..., n: 2 }, { mean: 2, low: 2, high: 2, n: 1 }]
 */
export function meanCurve(curves: readonly (readonly (number | null)[])[]): MeanInterval[] {
  const length = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => meanConfidenceInterval(curves.map((c) => c[i] ?? null)));
}
