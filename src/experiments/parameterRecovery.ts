/**
 * How well a fit recovers known parameters (Wilson & Collins 2019, "Ten simple rules for the
 * computational modeling of behavioral data", rule 6): per parameter, the Pearson correlation of
 * the estimates with the truth across subjects, and their mean bias (estimate − truth).
 */
import type { ParameterValues } from '../cognitive/cognitiveModel.js';
import { ConfigError } from '../validation.js';

export interface ParameterRecovery {
  correlation: number;
  bias: number;
}

/**
 * r = Σ (a − ā)(b − b̄) / √(Σ (a − ā)² Σ (b − b̄)²); NaN when either side is constant.
 * @example
 * pearsonCorrelation([1, 2, 3], [2, 4, 7]); // 0.993
 */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new ConfigError([`correlation needs two arrays of equal length >= 2, got ${a.length} and ${b.length}`]);
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i] / a.length;
    mb += b[i] / b.length;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Recovery of every parameter named in `truth[0]`, subject by subject (same order on both sides).
 * @example
 * parameterRecovery(truth, fit.subjects.map((s) => s.parameters)).beta; // { correlation, bias }
 */
export function parameterRecovery(truth: readonly ParameterValues[], estimates: readonly ParameterValues[]): Record<string, ParameterRecovery> {
  if (truth.length !== estimates.length) throw new ConfigError([`estimates must hold one entry per subject (${truth.length}), got ${estimates.length}`]);
  return Object.fromEntries(
    Object.keys(truth[0] ?? {}).map((name) => {
      const t = truth.map((s) => s[name]);
      const e = estimates.map((s) => s[name]);
      return [name, { correlation: pearsonCorrelation(t, e), bias: e.reduce((sum, v, i) => sum + v - t[i], 0) / t.length }];
    }),
  );
}
