/**
 * Masked softmax cross-entropy of predicted choices, the task loss of supervised fitting and the
 * figure of merit of Ji-An et al. (2025): negative log-likelihood per observed choice.
 */
import type { SequenceBatch } from '../model/recurrentModel.js';

export interface CrossEntropyResult {
  /** Sum of −log p(target) over counted trials. */
  totalNll: number;
  /** Number of counted trials (mask 1 and target >= 0). */
  count: number;
  /** Mean NLL per counted trial (NaN when count is 0). */
  meanNll: number;
  /** Fraction of counted trials whose most likely action is the target. */
  accuracy: number;
  /** d(meanNll)/d(logits), B*T*nOutputs; present when requested. */
  dLogits?: Float64Array;
}

/**
 * @example
 * const { meanNll, dLogits } = maskedCrossEntropy(batch, forward.logits, 2, { gradient: true });
 */
export function maskedCrossEntropy(
  batch: SequenceBatch,
  logits: Float64Array,
  nOutputs: number,
  { gradient = false }: { gradient?: boolean } = {},
): CrossEntropyResult {
  const { targets, mask } = batch;
  if (!targets) throw new RangeError('maskedCrossEntropy needs batch.targets');
  const rows = batch.nSessions * batch.nTrials;
  const dLogits = gradient ? new Float64Array(rows * nOutputs) : undefined;
  let totalNll = 0;
  let count = 0;
  let correct = 0;
  for (let row = 0; row < rows; row++) {
    const target = targets[row];
    if (target < 0 || (mask !== undefined && mask[row] === 0)) continue;
    const base = row * nOutputs;
    let max = -Infinity;
    let argmax = 0;
    for (let o = 0; o < nOutputs; o++) {
      if (logits[base + o] > max) {
        max = logits[base + o];
        argmax = o;
      }
    }
    let sum = 0;
    for (let o = 0; o < nOutputs; o++) sum += Math.exp(logits[base + o] - max);
    const logSum = max + Math.log(sum);
    totalNll += logSum - logits[base + target];
    count += 1;
    if (argmax === target) correct += 1;
    if (dLogits) {
      for (let o = 0; o < nOutputs; o++) dLogits[base + o] = Math.exp(logits[base + o] - logSum);
      dLogits[base + target] -= 1;
    }
  }
  if (dLogits && count > 0) {
    const scale = 1 / count;
    for (let i = 0; i < dLogits.length; i++) dLogits[i] *= scale;
  }
  return { totalNll, count, meanNll: count > 0 ? totalNll / count : NaN, accuracy: count > 0 ? correct / count : NaN, dLogits };
}
