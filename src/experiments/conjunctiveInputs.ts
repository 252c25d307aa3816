/**
 * Conjunctive input encoding for fitting networks to choices: the previous trial as a one-hot of
 * its (action, reward) combination — (action, second-stage state, reward) in the two-stage task —
 * plus the constant 1. The task encoding (src/tasks/encoding.ts) gives action, state and reward
 * as separate inputs, and the candidate state of a 1-unit GRU is a tanh of a linear function of
 * them, which cannot express "stay after a win, switch after a loss" (an XOR of action and
 * reward); with the conjunction as input it can.
 */
import type { SequenceBatch } from '../model/recurrentModel.js';
import { TaskType } from '../tasks/cohortTask.js';
import { taskInputSize } from '../tasks/encoding.js';

/** Input encodings a fit can use. */
export type FitInputEncoding = 'task' | 'conjunctive';

/**
 * Width of the conjunctive encoding: 4 + 1 (reversal), 8 + 1 (two-stage).
 * @example
 * conjunctiveInputSize(TaskType.TWO_STAGE); // 9
 */
export function conjunctiveInputSize(task: TaskType): number {
  return (task === TaskType.TWO_STAGE ? 8 : 4) + 1;
}

/**
 * Re-encode a batch built with the task encoding (sessionsToSequenceBatch); targets and mask are
 * shared, not copied. A trial without a previous action (trial 0, after a miss) keeps only the
 * constant; a missing reward counts as 0, as in the task encoding.
 * @example
 * const batch = toConjunctiveInputs(sessionsToSequenceBatch(sessions, TaskType.REVERSAL), TaskType.REVERSAL);
 * batch.nInputs; // 5
 */
export function toConjunctiveInputs(batch: SequenceBatch, task: TaskType): SequenceBatch {
  const width = taskInputSize(task);
  const twoStage = task === TaskType.TWO_STAGE;
  const outWidth = conjunctiveInputSize(task);
  const rows = batch.nSessions * batch.nTrials;
  const inputs = new Float64Array(rows * outWidth);
  for (let row = 0; row < rows; row++) {
    const at = row * width;
    const out = row * outWidth;
    inputs[out + outWidth - 1] = 1;
    const action = batch.inputs[at] === 1 ? 0 : batch.inputs[at + 1] === 1 ? 1 : -1;
    if (action < 0) continue;
    const reward = batch.inputs[at + width - 2] > 0.5 ? 1 : 0;
    if (!twoStage) {
      inputs[out + action * 2 + reward] = 1;
      continue;
    }
    const state = batch.inputs[at + 2] === 1 ? 0 : batch.inputs[at + 3] === 1 ? 1 : -1;
    if (state >= 0) inputs[out + (action * 2 + state) * 2 + reward] = 1;
  }
  return { ...batch, nInputs: outWidth, inputs };
}
