/**
 * The seed's Expected Results table (and its Key Prediction 2 on model-based control) as data,
 * and the rule that turns a measured comparison into a plain verdict per row.
 *
 * Verdict rule (two-sided Welch test of mature − premature across seeds, α = 0.05):
 * - "held": the difference has the predicted sign and p < α;
 * - "did not hold": the opposite sign and p < α;
 * - "inconclusive at this sample size": p ≥ α, or no p-value (fewer than 2 seeds, zero variance);
 * - "not measured": the metric does not exist for this task (no reversals, not two-stage).
 * The absolute ranges of the table (D ≈ 7-8 vs 5-6, γ ≈ 0.2 vs 0.4) are checked separately: a row
 * can hold in direction while a mean falls outside its range. "≈ 0.2" is read as [0.15, 0.25] and
 * "≈ 0.4" as [0.35, 0.45] (± 0.05); "~7-8" as [7, 8] and "~5-6" as [5, 6].
 */
import { TaskType } from '../tasks/cohortTask.js';
import type { ComparisonMetric, DevelopmentalComparisonResults } from './developmentalComparison.js';
import type { SampleSummary, TwoSampleTest } from './statistics.js';

export type Verdict = 'held' | 'did not hold' | 'inconclusive at this sample size' | 'not measured';

export interface ExpectedResultRow {
  /** The row's name in the seed's table. */
  label: string;
  /** The metric that measures it. */
  metric: ComparisonMetric;
  /** What the seed predicts, as it says it. */
  premature: string;
  mature: string;
  interpretation: string;
  /** Predicted sign of mature − premature. */
  direction: 'mature higher' | 'mature lower';
  /** Predicted ranges of the stage means, when the seed gives numbers. */
  ranges?: { premature: [number, number]; mature: [number, number] };
  /** Where the prediction comes from. */
  source: string;
  /** Tasks on which the metric exists (default all). */
  tasks?: readonly TaskType[];
}

export const EXPECTED_RESULTS: readonly ExpectedResultRow[] = [
  {
    label: 'Effective Rank',
    metric: 'effectiveRank',
    premature: '~7-8',
    mature: '~5-6',
    interpretation: 'More compressed representations',
    direction: 'mature lower',
    ranges: { premature: [7, 8], mature: [5, 6] },
    source: 'Expected Results table',
  },
  {
    label: 'SV Decay (γ)',
    metric: 'svDecayGamma',
    premature: '~0.2',
    mature: '~0.4',
    interpretation: 'Faster spectral decay',
    direction: 'mature higher',
    ranges: { premature: [0.15, 0.25], mature: [0.35, 0.45] },
    source: 'Expected Results table',
  },
  {
    label: 'Response Heterogeneity',
    metric: 'responseHeterogeneity',
    premature: 'Lower',
    mature: 'Higher',
    interpretation: 'More specialized responses',
    direction: 'mature higher',
    source: 'Expected Results table; Key Prediction 3',
  },
  {
    label: 'Adaptation Speed: P(better), 10 trials after reversal',
    metric: 'pBetterAfterReversal',
    premature: 'Slower',
    mature: 'Faster',
    interpretation: 'Better reversal detection',
    direction: 'mature higher',
    source: 'Expected Results table; Key Prediction 1',
    tasks: [TaskType.REVERSAL, TaskType.PROBABILISTIC_REWARD],
  },
  {
    label: 'Adaptation Speed: recovery τ (trials)',
    metric: 'recoveryTau',
    premature: 'Slower',
    mature: 'Faster',
    interpretation: 'Better reversal detection',
    direction: 'mature lower',
    source: 'Expected Results table; Key Prediction 1',
    tasks: [TaskType.REVERSAL, TaskType.PROBABILISTIC_REWARD],
  },
  {
    label: 'Model-based index (two-stage)',
    metric: 'modelBasedIndex',
    premature: 'Lower',
    mature: 'Higher ("may favor")',
    interpretation: 'Exploiting low-rank transition structure',
    direction: 'mature higher',
    source: 'Key Prediction 2',
    tasks: [TaskType.TWO_STAGE],
  },
];

/**
 * The verdict of one predicted direction given the Welch test of mature − premature.
 * @example
 * judgeDirection('mature lower', { difference: -2.9, pValue: 1e-6, ... }); // 'held'
 */
export function judgeDirection(direction: ExpectedResultRow['direction'], test: TwoSampleTest, alpha = 0.05): Verdict {
  if (!Number.isFinite(test.difference)) return 'not measured';
  if (!(test.pValue < alpha) || test.difference === 0) return 'inconclusive at this sample size';
  const predictedSign = direction === 'mature higher' ? 1 : -1;
  return Math.sign(test.difference) === predictedSign ? 'held' : 'did not hold';
}

/** Whether a stage's mean lies in a closed range (undefined when the mean is not finite). */
export function meanInRange(summary: SampleSummary, [low, high]: [number, number]): boolean | undefined {
  return Number.isFinite(summary.mean) ? summary.mean >= low && summary.mean <= high : undefined;
}

export interface RowEvaluation {
  row: ExpectedResultRow;
  premature: SampleSummary;
  mature: SampleSummary;
  test: TwoSampleTest;
  verdict: Verdict;
  /** Per stage, whether the mean falls in the seed's range (rows with numeric predictions only). */
  inRange?: { premature: boolean | undefined; mature: boolean | undefined };
}

/**
 * Every row of the seed's table judged against one comparison.
 * @example
 * for (const { row, verdict } of evaluateExpectedResults(results)) console.log(row.label, verdict);
 */
export function evaluateExpectedResults(results: DevelopmentalComparisonResults, alpha = 0.05): RowEvaluation[] {
  return EXPECTED_RESULTS.map((row) => {
    const premature = results.premature.summary[row.metric];
    const mature = results.mature.summary[row.metric];
    const test = results.tests[row.metric];
    const applies = row.tasks === undefined || row.tasks.includes(results.task);
    const verdict = applies && premature.n > 0 && mature.n > 0 ? judgeDirection(row.direction, test, alpha) : 'not measured';
    const evaluation: RowEvaluation = { row, premature, mature, test, verdict };
    if (row.ranges) evaluation.inRange = { premature: meanInRange(premature, row.ranges.premature), mature: meanInRange(mature, row.ranges.mature) };
    return evaluation;
  });
}
