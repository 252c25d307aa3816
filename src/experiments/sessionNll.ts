/**
 * Per-session negative log-likelihood of a batch's targets under a network's logits: the pieces a
 * per-subject comparison adds up (maskedCrossEntropy only gives the batch total).
 */
import type { SequenceBatch } from '../model/recurrentModel.js';

/** Held-out score of one subject under one model. */
export interface SubjectScore {
  subject: string;
  /** Fold in which the subject was held out. */
  fold: number;
  /** Summed NLL of the subject's first-stage choices. */
  nll: number;
  nChoices: number;
  nllPerChoice: number;
}

/**
 * NLL (−log softmax of the target) summed per session over trials with a target and mask 1.
 * @example
 * const { nll, count } = sessionNllSums(batch, model.forward(batch).logits, 2);
 * nll[0] / count[0]; // session 0's NLL per choice
 */
export function sessionNllSums(batch: SequenceBatch, logits: Float64Array, nOutputs: number): { nll: Float64Array; count: Int32Array } {
  const { nSessions, nTrials, targets, mask } = batch;
  if (!targets) throw new RangeError('sessionNllSums needs batch.targets');
  const nll = new Float64Array(nSessions);
  const count = new Int32Array(nSessions);
  for (let b = 0; b < nSessions; b++) {
    for (let t = 0; t < nTrials; t++) {
      const row = b * nTrials + t;
      const target = targets[row];
      if (target < 0 || (mask !== undefined && mask[row] === 0)) continue;
      const base = row * nOutputs;
      let max = -Infinity;
      for (let o = 0; o < nOutputs; o++) max = Math.max(max, logits[base + o]);
      let sum = 0;
      for (let o = 0; o < nOutputs; o++) sum += Math.exp(logits[base + o] - max);
      nll[b] += max + Math.log(sum) - logits[base + target];
      count[b] += 1;
    }
  }
  return { nll, count };
}
