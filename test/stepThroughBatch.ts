/**
 * Play a SequenceBatch through `model.step` one trial at a time, for the tests that check that a
 * cohort step reproduces `forward` exactly (BrainInspiredRNN, TinyGRU).
 */
import type { RecurrentModel, SequenceBatch } from '../src/model/recurrentModel.js';

/** What `forward` returns, rebuilt from `step`: the state after each trial and its readouts, in batch layout (row s·T + t). */
export interface SteppedBatch {
  hidden: Float64Array;
  logits: Float64Array;
  values: Float64Array;
}

/**
 * @example
 * const stepped = stepThroughBatch(model, batch);
 * expect(Array.from(stepped.hidden)).toEqual(Array.from(model.forward(batch).hidden));
 */
export function stepThroughBatch(model: RecurrentModel, batch: SequenceBatch): SteppedBatch {
  const { nSessions: S, nTrials: T, nInputs: I } = batch;
  const { nHidden: H, nOutputs: O } = model;
  const state = model.initialState(S);
  const inputs = new Float64Array(S * I);
  const logits = new Float64Array(S * O);
  const values = new Float64Array(S);
  const stepped: SteppedBatch = { hidden: new Float64Array(S * T * H), logits: new Float64Array(S * T * O), values: new Float64Array(S * T) };
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) inputs.set(batch.inputs.subarray((s * T + t) * I, (s * T + t + 1) * I), s * I);
    model.step(state, inputs, logits, values);
    for (let s = 0; s < S; s++) {
      const row = s * T + t;
      stepped.hidden.set(state.subarray(s * H, (s + 1) * H), row * H);
      stepped.logits.set(logits.subarray(s * O, (s + 1) * O), row * O);
      stepped.values[row] = values[s];
    }
  }
  return stepped;
}
