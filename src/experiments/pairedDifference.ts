/**
 * Paired per-subject comparison of two models' held-out scores: both models scored the same
 * subjects on the same folds, so the per-subject differences carry the comparison.
 */
import { ConfigError } from '../validation.js';
import type { SubjectScore } from './sessionNll.js';

export interface PairedDifference {
  /** Mean over subjects of (this model's − the reference's) NLL per choice; > 0 means worse. */
  meanDifference: number;
  /** Standard error of that mean, sd / √n (sample sd, n − 1). */
  standardError: number;
  /** meanDifference / standardError (the paired t statistic). */
  tStatistic: number;
  nSubjects: number;
  /** Subjects this model predicts better than the reference (lower NLL per choice). */
  nBetter: number;
}

/**
 * @example
 * pairedDifference(gru.subjects, hybrid.subjects).meanDifference; // < 0: the GRU predicts better
 */
export function pairedDifference(scores: readonly SubjectScore[], reference: readonly SubjectScore[]): PairedDifference {
  const byReference = new Map(reference.map((s) => [s.subject, s.nllPerChoice]));
  const differences: number[] = [];
  for (const { subject, nllPerChoice } of scores) {
    const other = byReference.get(subject);
    if (other === undefined) throw new ConfigError([`subject ${JSON.stringify(subject)} has no reference score`]);
    if (Number.isFinite(nllPerChoice) && Number.isFinite(other)) differences.push(nllPerChoice - other);
  }
  const n = differences.length;
  const mean = differences.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? differences.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1) : NaN;
  const standardError = Math.sqrt(variance / n);
  return { meanDifference: mean, standardError, tStatistic: mean / standardError, nSubjects: n, nBetter: differences.filter((d) => d < 0).length };
}
