/**
 * The shares of a TaskDataset's sessions held out for validation (early stopping) and testing,
 * and the fewest sessions that leave each of them at least one session. A dependency-free file,
 * so a command's flag parser can name the minimum without loading the task code.
 */

/** Default share of sessions held out for validation. */
export const DEFAULT_VALIDATION_FRACTION = 0.1;
/** Default share of sessions held out for testing. */
export const DEFAULT_TEST_FRACTION = 0.1;

/**
 * The fewest sessions for which both shares round (Math.round, as the split does) to at least
 * one session; Infinity when a share is 0.
 * @example
 * minSessionsForSplit(); // 5: round(0.1 × 5) = 1, round(0.1 × 4) = 0
 */
export function minSessionsForSplit(validationFraction = DEFAULT_VALIDATION_FRACTION, testFraction = DEFAULT_TEST_FRACTION): number {
  if (!(validationFraction > 0) || !(testFraction > 0)) return Infinity;
  // round(f n) >= 1 from n >= 0.5 / f on, so the search is short; a test share near 1 leaves no
  // validation session at any size.
  for (let n = 2; n <= 1e6; n++) {
    const nTest = Math.round(testFraction * n);
    if (nTest >= 1 && Math.min(Math.round(validationFraction * n), n - nTest) >= 1) return n;
  }
  return Infinity;
}

/** The minimum at the default shares (5), what `brain-rnn train` and `run` require of --n-sessions. */
export const MIN_SPLIT_SESSIONS = minSessionsForSplit();
