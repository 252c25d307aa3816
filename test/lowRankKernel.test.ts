import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../src/random.js';
import { ParameterSet } from '../src/model/parameters.js';
import {
  lowRankBackward, lowRankForward, lowRankParameterSpec, lowRankStep, type LowRankDims,
} from '../src/model/kernels/lowRankKernel.js';
import type { ForwardResult, SequenceBatch } from '../src/model/recurrentModel.js';

const dims: LowRankDims = { N: 6, r: 2, nInputs: 3, nOutputs: 2, leak: 0.3 };
const B = 3;
const T = 7;

/** A small problem with O(1) weights so that tanh is well inside its nonlinear range. */
function makeProblem(seed: number) {
  const rng = createRandom(seed);
  const params = new ParameterSet(lowRankParameterSpec(dims));
  for (let i = 0; i < params.size; i++) params.data[i] = 0.6 * rng.normal();
  const inputs = new Float64Array(B * T * dims.nInputs).map(() => rng.normal());
  const batch: SequenceBatch = { nSessions: B, nTrials: T, nInputs: dims.nInputs, inputs };
  const targets = new Int32Array(B * T).map(() => rng.integer(0, dims.nOutputs - 1));
  const valueTargets = new Float64Array(B * T).map(() => rng.normal());
  const activationWeights = new Float64Array(B * T * dims.N).map(() => rng.normal());
  return { params, batch, targets, valueTargets, activationWeights };
}

type Problem = ReturnType<typeof makeProblem>;

/** Mean cross-entropy + mean squared value error + Σ c ⊙ x: uses all three output-gradient paths. */
function lossAndOutputGradients(result: ForwardResult, { targets, valueTargets, activationWeights }: Problem) {
  const steps = B * T;
  const nOut = dims.nOutputs;
  const dLogits = new Float64Array(steps * nOut);
  const dValues = new Float64Array(steps);
  let loss = 0;
  for (let s = 0; s < steps; s++) {
    let max = -Infinity;
    for (let o = 0; o < nOut; o++) max = Math.max(max, result.logits[s * nOut + o]);
    let z = 0;
    for (let o = 0; o < nOut; o++) z += Math.exp(result.logits[s * nOut + o] - max);
    loss -= (result.logits[s * nOut + targets[s]] - max - Math.log(z)) / steps;
    for (let o = 0; o < nOut; o++) {
      dLogits[s * nOut + o] = (Math.exp(result.logits[s * nOut + o] - max) / z - (o === targets[s] ? 1 : 0)) / steps;
    }
    const err = result.values[s] - valueTargets[s];
    loss += (err * err) / steps;
    dValues[s] = (2 * err) / steps;
  }
  const x = result.cache.activations;
  for (let i = 0; i < x.length; i++) loss += activationWeights[i] * x[i];
  return { loss, dLogits, dValues, dActivations: activationWeights };
}

function kernelGradients(problem: Problem): ParameterSet {
  const forward = lowRankForward(problem.params, dims, problem.batch);
  const { dLogits, dValues, dActivations } = lossAndOutputGradients(forward, problem);
  const grads = problem.params.zerosLike();
  lowRankBackward(problem.params, dims, problem.batch, forward, { dLogits, dValues, dActivations }, grads);
  return grads;
}

function relativeError(g: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    diff += (g[i] - ref[i]) ** 2;
    norm += ref[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

describe('lowRankBackward', () => {
  it('lowRankBackward matches central finite differences of the loss for every parameter (float64)', () => {
    const problem = makeProblem(11);
    const grads = kernelGradients(problem);
    const lossAt = () => lossAndOutputGradients(lowRankForward(problem.params, dims, problem.batch), problem).loss;
    const eps = 1e-6;
    for (const entry of problem.params.entries) {
      const numeric = new Float64Array(entry.size);
      for (let i = 0; i < entry.size; i++) {
        const index = entry.offset + i;
        const saved = problem.params.data[index];
        problem.params.data[index] = saved + eps;
        const up = lossAt();
        problem.params.data[index] = saved - eps;
        const down = lossAt();
        problem.params.data[index] = saved;
        numeric[i] = (up - down) / (2 * eps);
      }
      expect(relativeError(grads.view(entry.name), numeric), entry.name).toBeLessThan(1e-4);
    }
  });

  it('lowRankBackward matches tfjs autodiff of an op-by-op tfjs network (float32)', async () => {
    await tf.setBackend('cpu');
    const problem = makeProblem(12);
    const grads = kernelGradients(problem);
    const { N, nInputs, nOutputs, leak } = dims;
    const before = tf.memory().numTensors;
    // Inside tidy, so that the initial-value tensors are freed (variables survive a tidy).
    const variables: Record<string, tf.Variable> = tf.tidy(() =>
      Object.fromEntries(
        problem.params.entries.map((e) => [e.name, tf.variable(tf.tensor(Array.from(problem.params.view(e.name)), [...e.shape]), true, e.name)]),
      ),
    );
    const { value: lossTensor, grads: tfGrads } = tf.tidy(() =>
      tf.variableGrads(() => {
        const m = variables.m.reshape([N, 1]);
        const n = variables.n.reshape([N, 1]);
        const W = tf.add(tf.matMul(m, n, false, true), tf.matMul(variables.M, variables.N, false, true));
        const u = tf.tensor3d(Array.from(problem.batch.inputs), [B, T, nInputs]);
        let h = tf.zeros([B, N]);
        const xs: tf.Tensor[] = [];
        const hs: tf.Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const ut = u.slice([0, t, 0], [B, 1, nInputs]).reshape([B, nInputs]);
          const pre = tf.add(tf.matMul(h, W, false, true), tf.matMul(ut, variables.W_in, false, true));
          const x = tf.tanh(pre);
          h = tf.add(tf.mul(1 - leak, h), tf.mul(leak, x));
          xs.push(x);
          hs.push(h);
        }
        const H = tf.stack(hs, 1).reshape([B * T, N]);
        const X = tf.stack(xs, 1).reshape([B * T * N]);
        const logits = tf.add(tf.matMul(H, variables.W_out, false, true), variables.b_out);
        const values = tf.add(tf.matMul(H, variables.w_value.reshape([N, 1])).reshape([B * T]), variables.b_value);
        const onehot = tf.oneHot(tf.tensor1d(Array.from(problem.targets), 'int32'), nOutputs);
        const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
        const valueError = tf.mean(tf.square(tf.sub(values, tf.tensor1d(Array.from(problem.valueTargets)))));
        const activationTerm = tf.sum(tf.mul(X, tf.tensor1d(Array.from(problem.activationWeights))));
        return tf.add(tf.add(crossEntropy, valueError), activationTerm) as tf.Scalar;
      }),
    );
    const expectedLoss = lossAndOutputGradients(lowRankForward(problem.params, dims, problem.batch), problem).loss;
    expect(Math.abs(lossTensor.dataSync()[0] - expectedLoss) / Math.abs(expectedLoss)).toBeLessThan(1e-5);
    for (const entry of problem.params.entries) {
      expect(relativeError(grads.view(entry.name), tfGrads[entry.name].dataSync()), entry.name).toBeLessThan(1e-3);
    }
    tf.dispose([lossTensor, ...Object.values(tfGrads), ...Object.values(variables)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lowRankBackward accumulates into the gradients it is given, in float32 storage too', () => {
    const problem = makeProblem(13);
    const once = kernelGradients(problem);
    const forward = lowRankForward(problem.params, dims, problem.batch);
    const { dLogits, dValues, dActivations } = lossAndOutputGradients(forward, problem);
    const twice = once.clone();
    lowRankBackward(problem.params, dims, problem.batch, forward, { dLogits, dValues, dActivations }, twice);
    for (let i = 0; i < once.size; i++) expect(twice.data[i]).toBeCloseTo(2 * once.data[i], 12);

    const params32 = problem.params.withDtype('float32');
    const forward32 = lowRankForward(params32, dims, problem.batch);
    const grads32 = params32.zerosLike();
    const outputs32 = lossAndOutputGradients(forward32, problem);
    lowRankBackward(params32, dims, problem.batch, forward32, outputs32, grads32);
    expect(grads32.data).toBeInstanceOf(Float32Array);
    expect(relativeError(grads32.data, once.data)).toBeLessThan(1e-5);
  });
});

describe('lowRankStep', () => {
  it('lowRankStep on a cohort reproduces lowRankForward trial by trial exactly', () => {
    const { params, batch } = makeProblem(14);
    const forward = lowRankForward(params, dims, batch);
    const { N, nInputs, nOutputs } = dims;
    const state = new Float64Array(B * N);
    const inputs = new Float64Array(B * nInputs);
    const logits = new Float64Array(B * nOutputs);
    const values = new Float64Array(B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) inputs.set(batch.inputs.subarray((b * T + t) * nInputs, (b * T + t + 1) * nInputs), b * nInputs);
      lowRankStep(params, dims, state, inputs, logits, values);
      for (let b = 0; b < B; b++) {
        const s = b * T + t;
        expect(Array.from(state.subarray(b * N, (b + 1) * N))).toEqual(Array.from(forward.hidden.subarray(s * N, (s + 1) * N)));
        expect(Array.from(logits.subarray(b * nOutputs, (b + 1) * nOutputs))).toEqual(Array.from(forward.logits.subarray(s * nOutputs, (s + 1) * nOutputs)));
        expect(values[b]).toBe(forward.values[s]);
      }
    }
  });
});

describe('lowRankForward', () => {
  it('lowRankForward equals the dynamics computed with the dense W_rec = m nᵀ + M Nᵀ', () => {
    const { params, batch } = makeProblem(15);
    const { N, r, nInputs, leak } = dims;
    const forward = lowRankForward(params, dims, batch);
    const [m, n, M, Nf, Win] = ['m', 'n', 'M', 'N', 'W_in'].map((name) => params.view(name));
    const W = (i: number, l: number) => {
      let s = m[i] * n[l];
      for (let j = 0; j < r; j++) s += M[i * r + j] * Nf[l * r + j];
      return s;
    };
    for (let b = 0; b < B; b++) {
      let h = new Float64Array(N);
      for (let t = 0; t < T; t++) {
        const s = b * T + t;
        const next = new Float64Array(N);
        for (let i = 0; i < N; i++) {
          let pre = 0;
          for (let l = 0; l < N; l++) pre += W(i, l) * h[l];
          for (let c = 0; c < nInputs; c++) pre += Win[i * nInputs + c] * batch.inputs[s * nInputs + c];
          expect(forward.cache.activations[s * N + i]).toBeCloseTo(Math.tanh(pre), 12);
          next[i] = (1 - leak) * h[i] + leak * Math.tanh(pre);
          expect(forward.hidden[s * N + i]).toBeCloseTo(next[i], 12);
        }
        h = next;
      }
    }
  });
});
