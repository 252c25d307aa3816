import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { TinyGRU } from '../src/model/tinyGru.js';
import type { RecurrentModel, SequenceBatch } from '../src/model/recurrentModel.js';
import { stepThroughBatch } from './stepThroughBatch.js';

function randomBatch(nInputs: number, nSessions: number, nTrials: number, seed: number): SequenceBatch {
  const rng = createRandom(seed);
  const inputs = Float64Array.from({ length: nSessions * nTrials * nInputs }, () => rng.normal());
  return { nSessions, nTrials, nInputs, inputs };
}

/** Bitwise equality, so that -0 vs 0 or a last-bit difference counts. */
function sameBits(a: Float64Array | Float32Array, b: Float64Array | Float32Array): boolean {
  return a.constructor === b.constructor && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('TinyGRU', () => {
  it('new TinyGRU({ seed }) draws PyTorch-style U(−1/√H, 1/√H) parameters, identical for the same seed', () => {
    const a = new TinyGRU({ nHidden: 4, nInputs: 3, seed: 12 });
    const b = new TinyGRU({ nHidden: 4, nInputs: 3, seed: 12 });
    const c = new TinyGRU({ nHidden: 4, nInputs: 3, seed: 13 });
    expect(sameBits(a.parameters.data, b.parameters.data)).toBe(true);
    expect(sameBits(a.parameters.data, c.parameters.data)).toBe(false);
    const rng = createRandom(12);
    expect(a.parameters.view('W_ir')[0]).toBe((2 * rng.uniform() - 1) / 2);
    expect(a.parameters.view('W_ir')[1]).toBe((2 * rng.uniform() - 1) / 2);
    expect(a.parameters.data.every((v) => Math.abs(v) <= 0.5)).toBe(true);
    expect(Math.max(...a.parameters.data.map(Math.abs))).toBeGreaterThan(0.45);
  });

  it('new TinyGRU({ rng }) draws from the given generator, like the same seed', () => {
    const fromSeed = new TinyGRU({ nHidden: 2, nInputs: 3, seed: 5 });
    const fromRng = new TinyGRU({ nHidden: 2, nInputs: 3, rng: createRandom(5) });
    expect(sameBits(fromSeed.parameters.data, fromRng.parameters.data)).toBe(true);
  });

  it('new TinyGRU lays out the named parameter tensors of a GRU with value and policy heads', () => {
    const gru = new TinyGRU({ nHidden: 3, nInputs: 5, nOutputs: 4, dtype: 'float32' });
    expect(gru.kind).toBe('tiny_gru');
    expect(gru.parameters.dtype).toBe('float32');
    expect(gru.parameters.entries.map((e) => `${e.name}[${e.shape}]`)).toEqual([
      'W_ir[3,5]', 'W_iz[3,5]', 'W_ic[3,5]', 'W_hr[3,3]', 'W_hz[3,3]', 'W_hc[3,3]',
      'b_ir[3]', 'b_iz[3]', 'b_ic[3]', 'b_hr[3]', 'b_hz[3]', 'b_hc[3]',
      'W_out[4,3]', 'b_out[4]', 'w_value[3]', 'b_value[1]',
    ]);
    expect(Array.from(gru.initialState(2))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('new TinyGRU names the field, the value and the range of every invalid option', () => {
    expect(() => new TinyGRU({ nHidden: 0, nInputs: 3 })).toThrow('TinyGRU.nHidden must be an integer in [1, 32], got 0');
    expect(() => new TinyGRU({ nHidden: 33, nInputs: 3 })).toThrow('nHidden must be an integer in [1, 32], got 33');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 1.5 })).toThrow('TinyGRU.nInputs must be an integer in [1, 4096], got 1.5');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, nOutputs: 0 })).toThrow('TinyGRU.nOutputs must be an integer in [1, 4096], got 0');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, seed: 0.5 })).toThrow('TinyGRU.seed must be an integer >= -9007199254740991, got 0.5');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, dtype: 'float16' as never })).toThrow('TinyGRU.dtype must be "float32" or "float64", got "float16"');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, rng: 7 as never })).toThrow('TinyGRU.rng must be a Random (from createRandom), got 7');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, seed: 1, rng: createRandom(1) })).toThrow('TinyGRU takes seed or rng, not both');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, hidden: 4 } as never)).toThrow('TinyGRU has unknown field(s) "hidden"');
  });

  it('new TinyGRU does not mutate its options object', () => {
    const options = { nHidden: 2, nInputs: 3, seed: 4 };
    new TinyGRU(options);
    expect(options).toEqual({ nHidden: 2, nInputs: 3, seed: 4 });
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`TinyGRU.fromJSON(JSON.parse(JSON.stringify(gru))) restores a ${dtype} model bit-exactly`, () => {
      const gru = new TinyGRU({ nHidden: 3, nInputs: 4, nOutputs: 3, seed: 9, dtype });
      const restored = TinyGRU.fromJSON(JSON.parse(JSON.stringify(gru)));
      expect(sameBits(restored.parameters.data, gru.parameters.data)).toBe(true);
      expect([restored.nHidden, restored.nInputs, restored.nOutputs]).toEqual([3, 4, 3]);
      const batch = randomBatch(4, 2, 5, 1);
      expect(sameBits(restored.forward(batch).logits, gru.forward(batch).logits)).toBe(true);
    });
  }

  it('TinyGRU.fromJSON rejects another kind of model and mismatched parameter shapes', () => {
    const json = new TinyGRU({ nHidden: 2, nInputs: 3 }).toJSON();
    expect(() => TinyGRU.fromJSON({ ...json, kind: 'brain_inspired_rnn' })).toThrow('model kind must be "tiny_gru", got "brain_inspired_rnn"');
    expect(() => TinyGRU.fromJSON({ ...json, config: { nHidden: 3 } })).toThrow(/TinyGRU parameters must be W_ir\[3,3\].*got W_ir\[2,3\]/);
    expect(() => TinyGRU.fromJSON({ ...json, config: { nHidden: 40 } })).toThrow('TinyGRU.nHidden must be an integer in [1, 32], got 40');
  });

  it('gru.clone() copies the parameters into an independent model', () => {
    const gru = new TinyGRU({ nHidden: 2, nInputs: 3, seed: 3, dtype: 'float32' });
    const copy = gru.clone();
    expect(sameBits(copy.parameters.data, gru.parameters.data)).toBe(true);
    copy.parameters.data[0] += 1;
    expect(copy.parameters.data[0]).not.toBe(gru.parameters.data[0]);
  });

  it('gru.step over a cohort reproduces gru.forward trial by trial, for the 1-unit network', () => {
    const model: RecurrentModel = new TinyGRU({ nHidden: 1, nInputs: 3, seed: 2 });
    const S = 3;
    const T = 5;
    const batch = randomBatch(3, S, T, 8);
    const forward = model.forward(batch);
    const stepped = stepThroughBatch(model, batch);
    expect(sameBits(stepped.hidden, forward.hidden)).toBe(true);
    expect(sameBits(stepped.logits, forward.logits)).toBe(true);
    expect(sameBits(stepped.values, forward.values)).toBe(true);
    // A single unit still carries information across trials: its state is not constant.
    expect(new Set(forward.hidden).size).toBe(S * T);
  });

  it('gru.backward of a value-only loss on the 1-unit network gives the closed-form gradients of b_value and w_value', () => {
    const gru = new TinyGRU({ nHidden: 1, nInputs: 2, seed: 6 });
    const batch = randomBatch(2, 2, 4, 3);
    const forward = gru.forward(batch);
    const grads = gru.parameters.zerosLike();
    // L = Σ values, so dL/db_value = B*T and dL/dw_value = Σ h_{t+1}.
    gru.backward(batch, forward, { dValues: new Float64Array(8).fill(1) }, grads);
    expect(grads.view('b_value')[0]).toBe(8);
    expect(grads.view('w_value')[0]).toBeCloseTo(forward.hidden.reduce((a, h) => a + h, 0), 14);
    expect(grads.view('W_out').every((g) => g === 0)).toBe(true);
  });
});
