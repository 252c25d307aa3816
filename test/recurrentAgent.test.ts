import { describe, expect, it } from 'vitest';
import { RecurrentAgent } from '../src/agents/recurrentAgent.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../src/model/config.js';
import type { RecurrentModel } from '../src/model/recurrentModel.js';
import { TinyGRU } from '../src/model/tinyGru.js';
import { createRandom } from '../src/random.js';

/** softmax(logits) per session as the general loop of RecurrentAgent.policy writes it (max subtracted, then normalised). */
function softmax(logits: Float64Array, A: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let base = 0; base < logits.length; base += A) {
    let max = -Infinity;
    for (let a = 0; a < A; a++) max = Math.max(max, logits[base + a]);
    let sum = 0;
    for (let a = 0; a < A; a++) sum += out[base + a] = Math.exp(logits[base + a] - max);
    for (let a = 0; a < A; a++) out[base + a] /= sum;
  }
  return out;
}

describe('RecurrentAgent', () => {
  const networks: [string, () => RecurrentModel][] = [
    ['TinyGRU', () => new TinyGRU({ nHidden: 3, nInputs: 4, nOutputs: 2, rng: createRandom(1) })],
    ['BrainInspiredRNN (float32 wasm)', () => new BrainInspiredRNN(createMatureConfig({ nHidden: 16 }), { nInputs: 4, nOutputs: 2, seed: 3, dtype: 'float32' })],
  ];
  for (const [name, build] of networks) {
    it(`policy(out) of a two-action ${name} is softmax of its logits bit for bit, over 40 trials of 50 sessions`, () => {
      const agent = new RecurrentAgent(build());
      const twin = build();
      const S = 50, rng = createRandom(7);
      const inputs = Float64Array.from({ length: S * 4 }, () => rng.normal() * 3);
      agent.reset(S, inputs);
      const state = twin.initialState(S);
      const logits = new Float64Array(S * 2), values = new Float64Array(S), out = new Float64Array(S * 2);
      let bothOrders = 0;
      for (let t = 0; t < 40; t++) {
        agent.policy(out);
        twin.step(state, inputs, logits, values);
        expect(Array.from(out)).toEqual(Array.from(softmax(logits, 2)));
        for (let s = 0; s < S; s++) bothOrders |= logits[2 * s] > logits[2 * s + 1] ? 1 : 2;
        for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal() * 3;
        agent.observe({ trial: t, actions: new Int8Array(S), rewards: new Float32Array(S), nextInputs: inputs, latent: {} as never });
      }
      // Both branches of the two-action path ran (the larger logit first and second).
      expect(bothOrders).toBe(3);
    });
  }
});
