/**
 * The contract every agent that plays a task meets, whether a recurrent network or a classical
 * cognitive model: it reports a policy for the coming trial of each session, then observes what
 * happened. A cohort of S sessions is handled in one call.
 */
import type { TrialOutcome } from '../tasks/cohortTask.js';

export interface CohortAgent {
  /** Number of first-stage actions. */
  readonly nActions: number;
  /** Start S fresh sessions; `initialInputs` is the task's trial-0 input (S×nInputs). */
  reset(nSessions: number, initialInputs: Float64Array): void;
  /** Write the action probabilities for the coming trial into `out` (S×nActions). */
  policy(out: Float64Array): void;
  /**
   * Second-stage action probabilities for the two-stage task given the states reached (S), into
   * `out` (S×2). Agents that do not model the second stage omit this; the task then picks at random.
   */
  stage2Policy?(stage2States: Int8Array, out: Float64Array): void;
  /** Learn from / update on the trial just played (its outcome carries the next inputs). */
  observe(outcome: TrialOutcome): void;
}
