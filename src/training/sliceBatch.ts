/** Select sessions of a SequenceBatch (copies the rows; the source is never changed). */
import type { SequenceBatch } from '../model/recurrentModel.js';

/** Arrays a slice may be written into instead of fresh ones (each at least as long as the slice). */
export interface BatchBuffers {
  inputs: Float64Array;
  targets: Int32Array;
  mask: Uint8Array;
}

/**
 * The sessions `sessions` of `batch`, in that order. The rows go into fresh arrays, or into the
 * leading part of `into` (the returned batch's arrays are then views of it: valid until `into` is
 * written again).
 * @example
 * const firstTwo = sliceBatch(batch, [0, 1]);
 */
export function sliceBatch(batch: SequenceBatch, sessions: readonly number[], into?: BatchBuffers): SequenceBatch {
  const { nTrials, nInputs, inputs, targets, mask } = batch;
  const rowWidth = nTrials * nInputs;
  const rows = sessions.length * nTrials;
  if (into !== undefined && (into.inputs.length < rows * nInputs || into.targets.length < rows || into.mask.length < rows)) {
    throw new RangeError(`sliceBatch: the buffers hold fewer than the slice's ${rows} session-trials of ${nInputs} inputs`);
  }
  const out: SequenceBatch = {
    nSessions: sessions.length,
    nTrials,
    nInputs,
    inputs: into ? into.inputs.subarray(0, rows * nInputs) : new Float64Array(rows * nInputs),
    targets: targets ? (into ? into.targets.subarray(0, rows) : new Int32Array(rows)) : undefined,
    mask: mask ? (into ? into.mask.subarray(0, rows) : new Uint8Array(rows)) : undefined,
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
