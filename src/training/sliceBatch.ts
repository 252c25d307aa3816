/** Select sessions of a SequenceBatch (copies the rows; the source is never changed). */
import type { SequenceBatch } from '../model/recurrentModel.js';

/**
 * @example
 * const firstTwo = sliceBatch(batch, [0, 1]);
 */
export function sliceBatch(batch: SequenceBatch, sessions: readonly number[]): SequenceBatch {
  const { nTrials, nInputs, inputs, targets, mask } = batch;
  const rowWidth = nTrials * nInputs;
  const out: SequenceBatch = {
    nSessions: sessions.length,
    nTrials,
    nInputs,
    inputs: new Float64Array(sessions.length * rowWidth),
    targets: targets ? new Int32Array(sessions.length * nTrials) : undefined,
    mask: mask ? new Uint8Array(sessions.length * nTrials) : undefined,
  };
  sessions.forEach((session, i) => {
    if (!Number.isInteger(session) || session < 0 || session >= batch.nSessions) {
      throw new RangeError(`session index must be an integer in [0, ${batch.nSessions - 1}], got ${session}`);
    }
    out.inputs.set(inputs.subarray(session * rowWidth, (session + 1) * rowWidth), i * rowWidth);
    if (targets) out.targets!.set(targets.subarray(session * nTrials, (session + 1) * nTrials), i * nTrials);
    if (mask) out.mask!.set(mask.subarray(session * nTrials, (session + 1) * nTrials), i * nTrials);
  });
  return out;
}
