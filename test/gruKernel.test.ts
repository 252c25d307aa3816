import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../src/random.js';
import { ParameterSet, type Dtype } from '../src/model/parameters.js';
import type { ForwardResult, OutputGradients, SequenceBatch } from '../src/model/recurrentModel.js';
import {
  createGruStepScratch, gruBackward, gruForward, gruParameterSpec, gruStep, type GruDims,
} from '../src/model/kernels/gruKernel.js';

/** Parameters ~ N(0, 0.8²): larger than the default init so that gates leave their linear range. */
function randomParameters(dims: GruDims, rng: Random, dtype: Dtype = 'float64'): ParameterSet {
  const params = new ParameterSet(gruParameterSpec(dims), dtype);
  for (let i = 0; i < params.size; i++) params.data[i] = 0.8 * rng.normal();
  return params;
}

interface LossProblem {
  batch: SequenceBatch & { targets: Int32Array; mask: Uint8Array };
  valueTargets: Float64Array;
  /** Weights of a linear term Σ w·h_{t+1}, exercising dActivations. */
  activationWeights: Float64Array;
}

function randomProblem(dims: GruDims, nSessions: number, nTrials: number, rng: Random): LossProblem {
  const rows = nSessions * nTrials;
  const inputs = Float64Array.from({ length: rows * dims.nInputs }, () => rng.normal());
  const targets = Int32Array.from({ length: rows }, () => rng.integer(0, dims.nOutputs - 1));
  const mask = Uint8Array.from({ length: rows }, (_, k) => (k === 0 || rng.bernoulli(0.7) ? 1 : 0));
  const valueTargets = Float64Array.from({ length: rows }, () => rng.normal());
  const activationWeights = Float64Array.from({ length: rows * dims.nHidden }, () => 0.1 * rng.normal());
  const batch = { nSessions, nTrials, nInputs: dims.nInputs, inputs, targets, mask };
  return { batch, valueTargets, activationWeights };
}

/**
 * Masked mean cross-entropy + masked mean squared value error + Σ w·h, and its gradients with
 * respect to the outputs, computed directly in float64.
 */
function lossOf(result: ForwardResult, problem: LossProblem, nOutputs: number): { loss: number; gradients: OutputGradients } {
  const { targets, mask } = problem.batch;
  const rows = targets.length;
  const nValid = mask.reduce((a, m) => a + m, 0);
  const dLogits = new Float64Array(rows * nOutputs);
  const dValues = new Float64Array(rows);
  let loss = 0;
  for (let row = 0; row < rows; row++) {
    if (!mask[row]) continue;
    const logits = result.logits.subarray(row * nOutputs, (row + 1) * nOutputs);
    const top = Math.max(...logits);
    const total = logits.reduce((a, l) => a + Math.exp(l - top), 0);
    loss += (top + Math.log(total) - logits[targets[row]]) / nValid;
    for (let k = 0; k < nOutputs; k++) {
      dLogits[row * nOutputs + k] = (Math.exp(logits[k] - top) / total - (k === targets[row] ? 1 : 0)) / nValid;
    }
    const error = result.values[row] - problem.valueTargets[row];
    loss += (error * error) / nValid;
    dValues[row] = (2 * error) / nValid;
  }
  problem.activationWeights.forEach((w, k) => (loss += w * result.hidden[k]));
  return { loss, gradients: { dLogits, dValues, dActivations: problem.activationWeights } };
}

function analyticGradients(params: ParameterSet, dims: GruDims, problem: LossProblem): ParameterSet {
  const forward = gruForward(params, dims, problem.batch);
  const grads = params.zerosLike();
  gruBackward(params, dims, problem.batch, forward, lossOf(forward, problem, dims.nOutputs).gradients, grads);
  return grads;
}

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

/** The same GRU written op by op in tfjs, differentiated by tfjs: an independent reference. */
function tfjsLossAndGradients(params: ParameterSet, dims: GruDims, problem: LossProblem) {
  const { nHidden: H, nInputs: I, nOutputs: O } = dims;
  const { nSessions: B, nTrials: T, inputs, targets, mask } = problem.batch;
  const names = params.entries.map((e) => e.name);
  const out: { loss: number; logits: Float32Array; gradients: Map<string, Float32Array> } = {
    loss: 0, logits: new Float32Array(0), gradients: new Map(),
  };
  tf.tidy(() => {
    const u = tf.tensor3d(Float32Array.from(inputs), [B, T, I]);
    const oneHot = tf.oneHot(tf.tensor2d(targets, [B, T], 'int32'), O);
    const maskT = tf.tensor2d(Float32Array.from(mask), [B, T]);
    const nValid = tf.sum(maskT);
    const valueTargets = tf.tensor2d(Float32Array.from(problem.valueTargets), [B, T]);
    const activationWeights = tf.tensor3d(Float32Array.from(problem.activationWeights), [B, T, H]);
    const allLogits: tf.Tensor[] = [];
    const lossFn = (...tensors: tf.Tensor[]) => {
      const P = Object.fromEntries(names.map((name, k) => [name, tensors[k]]));
      const linear = (x: tf.Tensor, W: tf.Tensor) => tf.matMul(x as tf.Tensor2D, W as tf.Tensor2D, false, true);
      let h: tf.Tensor = tf.zeros([B, H]);
      let loss: tf.Tensor = tf.scalar(0);
      allLogits.length = 0;
      for (let t = 0; t < T; t++) {
        const at = (x: tf.Tensor, width: number) => tf.reshape(tf.slice(x, [0, t, 0], [B, 1, width]), [B, width]);
        const ut = at(u, I);
        const r = tf.sigmoid(linear(ut, P.W_ir).add(P.b_ir).add(linear(h, P.W_hr)).add(P.b_hr));
        const z = tf.sigmoid(linear(ut, P.W_iz).add(P.b_iz).add(linear(h, P.W_hz)).add(P.b_hz));
        const c = tf.tanh(linear(ut, P.W_ic).add(P.b_ic).add(r.mul(linear(h, P.W_hc).add(P.b_hc))));
        h = tf.scalar(1).sub(z).mul(c).add(z.mul(h));
        const logits = linear(h, P.W_out).add(P.b_out);
        allLogits.push(tf.keep(logits)); // outlives valueAndGrads' own scope; disposed below
        const values = tf.matMul(h as tf.Tensor2D, tf.reshape(P.w_value, [H, 1]) as tf.Tensor2D).reshape([B]).add(P.b_value);
        const maskt = tf.reshape(tf.slice(maskT, [0, t], [B, 1]), [B]);
        const crossEntropy = tf.neg(tf.sum(at(oneHot, O).mul(tf.logSoftmax(logits)), 1));
        const error = values.sub(tf.reshape(tf.slice(valueTargets, [0, t], [B, 1]), [B]));
        loss = loss
          .add(tf.sum(maskt.mul(crossEntropy.add(error.square()))).div(nValid))
          .add(tf.sum(at(activationWeights, H).mul(h)));
      }
      return loss as tf.Scalar;
    };
    const tensors = params.entries.map((e) => tf.tensor(Float32Array.from(params.view(e.name)), [...e.shape]));
    const { value, grads } = tf.valueAndGrads(lossFn)(tensors);
    out.loss = value.dataSync()[0];
    out.logits = tf.stack(allLogits, 1).dataSync() as Float32Array;
    tf.dispose(allLogits);
    grads.forEach((g, k) => out.gradients.set(names[k], g.dataSync() as Float32Array));
  });
  return out;
}

describe('gruBackward', () => {
  for (const nHidden of [3, 1]) {
    it(`gruBackward(H=${nHidden}) matches central finite differences for every parameter (float64)`, () => {
      const rng = createRandom(7 + nHidden);
      const dims = { nHidden, nInputs: 4, nOutputs: 3 };
      const params = randomParameters(dims, rng);
      const problem = randomProblem(dims, 3, 6, rng);
      const grads = analyticGradients(params, dims, problem);
      const numeric = params.zerosLike();
      const lossAt = () => lossOf(gruForward(params, dims, problem.batch), problem, dims.nOutputs).loss;
      const eps = 1e-6;
      for (let i = 0; i < params.size; i++) {
        const saved = params.data[i];
        params.data[i] = saved + eps;
        const up = lossAt();
        params.data[i] = saved - eps;
        const down = lossAt();
        params.data[i] = saved;
        numeric.data[i] = (up - down) / (2 * eps);
      }
      for (const { name } of params.entries) {
        expect(numeric.view(name).some((g) => g !== 0), name).toBe(true);
        expect(relativeError(grads.view(name), numeric.view(name)), name).toBeLessThan(1e-4);
      }
    });
  }

  describe('against tfjs autodiff', () => {
    beforeAll(async () => {
      await tf.setBackend('cpu');
    });

    it('gruForward and gruBackward match an op-by-op tfjs GRU and its gradients (float32)', () => {
      const rng = createRandom(11);
      const dims = { nHidden: 3, nInputs: 4, nOutputs: 2 };
      const params = randomParameters(dims, rng);
      const problem = randomProblem(dims, 3, 6, rng);
      const before = tf.memory().numTensors;
      const reference = tfjsLossAndGradients(params, dims, problem);
      expect(tf.memory().numTensors).toBe(before);
      const forward = gruForward(params, dims, problem.batch);
      expect(relativeError(forward.logits, reference.logits)).toBeLessThan(1e-5);
      expect(lossOf(forward, problem, dims.nOutputs).loss).toBeCloseTo(reference.loss, 4);
      const grads = analyticGradients(params, dims, problem);
      for (const { name } of params.entries) {
        expect(relativeError(grads.view(name), reference.gradients.get(name)!), name).toBeLessThan(1e-3);
      }
    });
  });

  it('gruBackward accumulates into the gradients it is given and treats omitted output gradients as zero', () => {
    const rng = createRandom(3);
    const dims = { nHidden: 2, nInputs: 3, nOutputs: 2 };
    const params = randomParameters(dims, rng);
    const problem = randomProblem(dims, 2, 4, rng);
    const forward = gruForward(params, dims, problem.batch);
    const { gradients } = lossOf(forward, problem, 2);
    const once = params.zerosLike();
    gruBackward(params, dims, problem.batch, forward, gradients, once);
    const twice = params.zerosLike();
    gruBackward(params, dims, problem.batch, forward, gradients, twice);
    gruBackward(params, dims, problem.batch, forward, gradients, twice);
    once.data.forEach((g, i) => expect(twice.data[i]).toBeCloseTo(2 * g, 12));
    const split = params.zerosLike();
    gruBackward(params, dims, problem.batch, forward, { dLogits: gradients.dLogits }, split);
    gruBackward(params, dims, problem.batch, forward, { dValues: gradients.dValues, dActivations: gradients.dActivations }, split);
    once.data.forEach((g, i) => expect(split.data[i]).toBeCloseTo(g, 12));
  });
});

describe('gruForward', () => {
  it('gruForward(H=1) follows the PyTorch GRU equations computed by hand', () => {
    const dims = { nHidden: 1, nInputs: 1, nOutputs: 1 };
    const params = new ParameterSet(gruParameterSpec(dims));
    const values: Record<string, number> = {
      W_ir: 0.5, W_iz: -0.3, W_ic: 0.9, W_hr: 0.7, W_hz: 0.2, W_hc: -1.1,
      b_ir: 0.1, b_iz: -0.2, b_ic: 0.05, b_hr: -0.15, b_hz: 0.3, b_hc: 0.4,
      W_out: 1.5, b_out: -0.25, w_value: -0.8, b_value: 0.6,
    };
    for (const [name, v] of Object.entries(values)) params.view(name)[0] = v;
    const inputs = [1, -2, 0.5];
    const result = gruForward(params, dims, { nSessions: 1, nTrials: 3, nInputs: 1, inputs: Float64Array.from(inputs) });
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const P = values;
    let h = 0;
    inputs.forEach((u, t) => {
      const r = sigmoid(P.W_ir * u + P.b_ir + P.W_hr * h + P.b_hr);
      const z = sigmoid(P.W_iz * u + P.b_iz + P.W_hz * h + P.b_hz);
      const c = Math.tanh(P.W_ic * u + P.b_ic + r * (P.W_hc * h + P.b_hc));
      h = (1 - z) * c + z * h;
      expect(result.hidden[t]).toBeCloseTo(h, 14);
      expect(result.cache.resetGate[t]).toBeCloseTo(r, 14);
      expect(result.logits[t]).toBeCloseTo(P.W_out * h + P.b_out, 14);
      expect(result.values[t]).toBeCloseTo(P.w_value * h + P.b_value, 14);
    });
    expect(result.cache.activations).toBe(result.hidden);
  });

  it('gruForward rejects parameters of the wrong shape and inputs of the wrong length', () => {
    const dims = { nHidden: 2, nInputs: 3, nOutputs: 2 };
    const params = new ParameterSet(gruParameterSpec(dims));
    expect(() => gruForward(params, { ...dims, nHidden: 3 }, { nSessions: 1, nTrials: 1, nInputs: 3, inputs: new Float64Array(3) }))
      .toThrow('GRU parameter W_ir must have shape [3,3], got [2,3]');
    expect(() => gruForward(params, dims, { nSessions: 2, nTrials: 2, nInputs: 3, inputs: new Float64Array(11) }))
      .toThrow('batch.inputs must have length 12, got 11');
    expect(() => gruForward(params, dims, { nSessions: 1, nTrials: 1, nInputs: 4, inputs: new Float64Array(4) }))
      .toThrow('batch.nInputs must be 3, got 4');
  });
});

describe('gruStep', () => {
  for (const [nHidden, dtype] of [[3, 'float64'], [1, 'float32']] as const) {
    it(`gruStep on a cohort reproduces gruForward trial by trial exactly (H=${nHidden}, ${dtype})`, () => {
      const rng = createRandom(21);
      const dims = { nHidden, nInputs: 3, nOutputs: 2 };
      const params = randomParameters(dims, rng, dtype);
      const S = 4;
      const T = 7;
      const inputs = Float32Array.from({ length: S * T * 3 }, () => rng.normal());
      const forward = gruForward(params, dims, { nSessions: S, nTrials: T, nInputs: 3, inputs });
      const state = new Float64Array(S * nHidden);
      const cohortInputs = new Float32Array(S * 3);
      const logits = new Float64Array(S * 2);
      const values = new Float64Array(S);
      const scratch = createGruStepScratch(nHidden);
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < S; s++) cohortInputs.set(inputs.subarray((s * T + t) * 3, (s * T + t + 1) * 3), s * 3);
        gruStep(params, dims, state, cohortInputs, logits, values, scratch);
        for (let s = 0; s < S; s++) {
          const row = s * T + t;
          expect(Array.from(state.subarray(s * nHidden, (s + 1) * nHidden))).toEqual(Array.from(forward.hidden.subarray(row * nHidden, (row + 1) * nHidden)));
          expect(Array.from(logits.subarray(s * 2, s * 2 + 2))).toEqual(Array.from(forward.logits.subarray(row * 2, row * 2 + 2)));
          expect(values[s]).toBe(forward.values[row]);
        }
      }
    });
  }

  it('gruStep rejects cohort arrays of inconsistent lengths', () => {
    const dims = { nHidden: 2, nInputs: 3, nOutputs: 2 };
    const params = new ParameterSet(gruParameterSpec(dims));
    expect(() => gruStep(params, dims, new Float64Array(4), new Float64Array(5), new Float64Array(4), new Float64Array(2)))
      .toThrow('inputs must have length 6, got 5');
  });
});
