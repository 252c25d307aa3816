import { describe, expect, it } from 'vitest';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createPrematureConfig } from '../src/model/config.js';
import { LowRankWasmForward } from '../src/model/kernels/lowRankWasmKernel.js';
import { createRandom } from '../src/random.js';
import { ReversalLearningTask } from '../src/tasks/reversal.js';
import { A2CTrainer } from '../src/training/a2cTrainer.js';
import { playEpisode, type Episode } from '../src/training/playEpisode.js';

const S = 13; // not a multiple of the four lanes
const T = 30;

function wasmModel(): BrainInspiredRNN {
  const config = { ...createPrematureConfig({ nHidden: 12 }), heterogeneityWeight: 1e-2 };
  return new BrainInspiredRNN(config, { nInputs: 4, nOutputs: 2, seed: 7, dtype: 'float32', kernel: 'wasm' });
}

function play(model: BrainInspiredRNN, seed = 1): Episode {
  const task = new ReversalLearningTask({ nSessions: S, rng: createRandom(seed) });
  return playEpisode(model, task, { nTrials: T, rng: createRandom(seed + 100) });
}

/** The same model, made to play by `step` (no recorder). */
function stepOnly(model: BrainInspiredRNN): BrainInspiredRNN {
  const copy = model.clone();
  copy.beginRollout = () => undefined;
  return copy;
}

describe('BrainInspiredRNN.beginRollout (wasm kernel)', () => {
  it('playEpisode records a forward pass equal bit for bit to model.forward over the played inputs, with the same actions as playing by step', () => {
    const model = wasmModel();
    const recorded = play(model);
    const stepped = play(stepOnly(model));
    expect(recorded.actions).toEqual(stepped.actions);
    expect(recorded.policy).toEqual(stepped.policy);
    expect(recorded.values).toEqual(stepped.values);
    expect(stepped.forward).toBeUndefined();

    const forward = recorded.forward as LowRankWasmForward;
    const again = model.forward({ nSessions: S, nTrials: T, nInputs: 4, inputs: recorded.inputs }) as LowRankWasmForward;
    expect(forward.logits).toEqual(again.logits);
    expect(forward.values).toEqual(again.values);
    expect(forward.heterogeneity).toEqual(again.heterogeneity);
    // The recorded result was evicted by the second pass: its buffers come back from the copy.
    expect(forward.hidden).toEqual(again.hidden);
    expect(forward.cache.activations).toEqual(again.cache.activations);
    expect(forward.cache.kappa).toEqual(again.cache.kappa);
  });

  it('A2CTrainer.update through the recorded pass moves the weights exactly as an update that runs the forward pass again', () => {
    const fused = wasmModel();
    const plain = stepOnly(fused);
    const fusedTrainer = new A2CTrainer(fused);
    const plainTrainer = new A2CTrainer(plain);
    const passes = { fused: 0, plain: 0 };
    for (const [name, model] of [['fused', fused], ['plain', plain]] as const) {
      const forward = model.forward.bind(model);
      model.forward = (batch) => {
        passes[name] += 1;
        return forward(batch);
      };
    }
    for (let episode = 0; episode < 3; episode++) {
      const a = fusedTrainer.update(play(fused, episode));
      const b = plainTrainer.update(play(plain, episode));
      expect(a).toEqual(b);
    }
    expect(fused.parameters.data).toEqual(plain.parameters.data);
    expect(passes).toEqual({ fused: 0, plain: 3 });
  });

  it('an episode played before the weights moved is updated through a fresh forward pass', () => {
    const model = wasmModel();
    const episode = play(model);
    const reference = stepOnly(model);
    model.parameters.data[0] += 0.25;
    reference.parameters.data[0] += 0.25;
    const referenceEpisode = { ...episode, forward: undefined, forwardParameters: undefined };
    expect(new A2CTrainer(model).update(episode)).toEqual(new A2CTrainer(reference).update(referenceEpisode));
    expect(model.parameters.data).toEqual(reference.parameters.data);
  });

  it('a rollout interrupted by another pass of the kernel refuses to go on', () => {
    const model = wasmModel();
    const rollout = model.beginRollout(S, T)!;
    const logits = new Float64Array(S * 2);
    const values = new Float64Array(S);
    rollout.step(new Float64Array(S * 4), logits, values);
    model.forward({ nSessions: 2, nTrials: 3, nInputs: 4, inputs: new Float64Array(24) });
    expect(() => rollout.step(new Float64Array(S * 4), logits, values)).toThrow('this rollout was interrupted');
    expect(() => model.beginRollout(S, 1)!.finish()).toThrow('finish needs all 1 trials recorded, got 0');
  });

  it('is undefined on the float64 js kernel, which plays by step', () => {
    const model = new BrainInspiredRNN(createPrematureConfig({ nHidden: 12 }), { nInputs: 4, nOutputs: 2, seed: 7 });
    expect(model.beginRollout(S, T)).toBeUndefined();
    expect(play(model).forward).toBeUndefined();
  });
});
