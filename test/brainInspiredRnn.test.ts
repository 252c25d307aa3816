import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig, createPrematureConfig, type DevelopmentalConfig } from '../src/model/config.js';
import { createRandom } from '../src/random.js';
import type { SequenceBatch } from '../src/model/recurrentModel.js';
import { stepThroughBatch } from './stepThroughBatch.js';

const config = createPrematureConfig({ nHidden: 12, overrides: { rank: 3 } });

function randomBatch(seed: number, nInputs: number): SequenceBatch {
  const rng = createRandom(seed);
  const nSessions = 4;
  const nTrials = 9;
  return { nSessions, nTrials, nInputs, inputs: new Float64Array(nSessions * nTrials * nInputs).map(() => rng.normal()) };
}

describe('BrainInspiredRNN', () => {
  it('new BrainInspiredRNN(config, { seed }) gives identical parameters for the same seed and different ones otherwise', () => {
    const a = new BrainInspiredRNN(config, { nInputs: 4, seed: 7 });
    const b = new BrainInspiredRNN(config, { nInputs: 4, seed: 7 });
    const c = new BrainInspiredRNN(config, { nInputs: 4, seed: 8 });
    expect(Array.from(a.parameters.data)).toEqual(Array.from(b.parameters.data));
    expect(Array.from(a.parameters.data)).not.toEqual(Array.from(c.parameters.data));
    const fromRng = new BrainInspiredRNN(config, { nInputs: 4, rng: createRandom(7) });
    expect(Array.from(fromRng.parameters.data)).toEqual(Array.from(a.parameters.data));
    expect(a.kind).toBe('brain_inspired_rnn');
    expect(a.leak).toBe(0.2);
  });

  it('new BrainInspiredRNN initialises factors ~ N(0, g²/N), biases at 0', () => {
    const big = createMatureConfig({ nHidden: 200, overrides: { connectivityGain: 1.5 } });
    const model = new BrainInspiredRNN(big, { nInputs: 4, seed: 3 });
    const M = model.parameters.view('M');
    let sumSq = 0;
    for (const v of M) sumSq += v * v;
    // 1000 draws: the sample variance is within ~15% of g²/N with overwhelming probability.
    expect(sumSq / M.length / (1.5 ** 2 / 200)).toBeGreaterThan(0.85);
    expect(sumSq / M.length / (1.5 ** 2 / 200)).toBeLessThan(1.15);
    expect(Array.from(model.parameters.view('b_out'))).toEqual([0, 0]);
    expect(model.parameters.view('b_value')[0]).toBe(0);
  });

  it('recurrentWeights() equals m nᵀ + M Nᵀ and layer.multiply(h) equals W h', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 1 });
    const { nHidden: N, rank: r } = config;
    const [m, n, M, Nf] = ['m', 'n', 'M', 'N'].map((name) => model.parameters.view(name));
    const W = model.recurrentWeights();
    expect([W.rows, W.columns]).toEqual([N, N]);
    for (let i = 0; i < N; i++) {
      for (let l = 0; l < N; l++) {
        let expected = m[i] * n[l];
        for (let j = 0; j < r; j++) expected += M[i * r + j] * Nf[l * r + j];
        expect(W.get(i, l)).toBeCloseTo(expected, 14);
      }
    }
    const rng = createRandom(2);
    const h = Float64Array.from({ length: N }, () => rng.normal());
    const out = model.layer.multiply(h, new Float64Array(N));
    const dense = W.mmul(Matrix.columnVector(Array.from(h))).getColumn(0);
    for (let i = 0; i < N; i++) expect(out[i]).toBeCloseTo(dense[i], 13);
    expect(model.inputWeights().get(2, 1)).toBe(model.parameters.view('W_in')[2 * 4 + 1]);
  });

  it('layer.factors() packs [m | M] and [n | N], and scatterFactorGradients adds them back', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 1 });
    const { A, B, k } = model.layer.factors();
    expect(k).toBe(config.rank + 1);
    expect(A[2 * k]).toBe(model.parameters.view('m')[2]);
    expect(A[2 * k + 2]).toBe(model.parameters.view('M')[2 * config.rank + 1]);
    expect(B[5 * k + 3]).toBe(model.parameters.view('N')[5 * config.rank + 2]);
    const grads = model.parameters.zerosLike();
    grads.view('M')[0] = 1;
    model.layer.scatterFactorGradients(A, B, grads);
    expect(Array.from(grads.view('m'))).toEqual(Array.from(model.parameters.view('m')));
    expect(Array.from(grads.view('n'))).toEqual(Array.from(model.parameters.view('n')));
    expect(grads.view('M')[0]).toBe(1 + model.parameters.view('M')[0]);
    expect(Array.from(grads.view('N'))).toEqual(Array.from(model.parameters.view('N')));
    expect(Array.from(grads.view('W_in')).every((v) => v === 0)).toBe(true);
  });

  it('step() on a cohort reproduces forward() trial by trial exactly', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 3, seed: 4 });
    const batch = randomBatch(5, 3);
    const forward = model.forward(batch);
    const stepped = stepThroughBatch(model, batch);
    expect(Array.from(stepped.hidden)).toEqual(Array.from(forward.hidden));
    expect(Array.from(stepped.logits)).toEqual(Array.from(forward.logits));
    expect(Array.from(stepped.values)).toEqual(Array.from(forward.values));
  });

  it('toJSON/fromJSON round-trips bit-exactly through JSON text, and clone() copies', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const model = new BrainInspiredRNN(config, { nInputs: 3, nOutputs: 3, seed: 9, dtype });
      const restored = BrainInspiredRNN.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(restored.parameters.dtype).toBe(dtype);
      expect(restored.config).toEqual(model.config);
      expect(Array.from(restored.parameters.data)).toEqual(Array.from(model.parameters.data));
      const batch = randomBatch(6, 3);
      expect(Array.from(restored.forward(batch).logits)).toEqual(Array.from(model.forward(batch).logits));
      const copy = model.clone();
      expect(Array.from(copy.parameters.data)).toEqual(Array.from(model.parameters.data));
      copy.parameters.data[0] += 1;
      expect(copy.parameters.data[0]).not.toBe(model.parameters.data[0]);
    }
    const json = new BrainInspiredRNN(config, { nInputs: 3 }).toJSON();
    expect(() => BrainInspiredRNN.fromJSON({ ...json, kind: 'tiny_gru' })).toThrow('model kind must be "brain_inspired_rnn", got "tiny_gru"');
    expect(() => BrainInspiredRNN.fromJSON({ ...json, nInputs: 4 })).toThrow(/BrainInspiredRNN parameters must be .*W_in\[12,4\]/);
  });

  it('new BrainInspiredRNN rejects bad config and options, naming field, value and range', () => {
    const base = createPrematureConfig({ nHidden: 32 });
    const make = (overrides: Partial<DevelopmentalConfig>, nInputs = 4) => () => new BrainInspiredRNN({ ...base, ...overrides }, { nInputs });
    expect(make({ rank: 40 })).toThrow('config.rank must be an integer in [1, 31], got 40');
    expect(make({ rank: 0 })).toThrow('config.rank must be an integer in [1, 31], got 0');
    expect(make({}, 0)).toThrow('BrainInspiredRNN.nInputs must be an integer in [1, 4096], got 0');
    expect(make({}, 2.5)).toThrow('BrainInspiredRNN.nInputs must be an integer in [1, 4096], got 2.5');
    expect(make({ leak: 0 })).toThrow('config.leak must be a number in (0, 1], got 0');
    expect(make({ leak: 1.5 })).toThrow('config.leak must be a number in (0, 1], got 1.5');
    expect(make({ connectivityGain: NaN })).toThrow('config.connectivityGain must be a finite number >= 0, got NaN');
    expect(() => new BrainInspiredRNN(base, { nInputs: 4, seed: 1, rng: createRandom(1) })).toThrow('seed or rng, not both');
    expect(() => new BrainInspiredRNN(base, { nInputs: 4, dtype: 'float16' as 'float32' })).toThrow('BrainInspiredRNN.dtype must be "float32" or "float64", got "float16"');
  });
});
