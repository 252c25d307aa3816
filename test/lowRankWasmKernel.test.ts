import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { ParameterSet } from '../src/model/parameters.js';
import { lowRankBackward, lowRankForward, lowRankParameterSpec, type LowRankDims } from '../src/model/kernels/lowRankKernel.js';
import { LowRankWasmForward, LowRankWasmKernel } from '../src/model/kernels/lowRankWasmKernel.js';
import { wasmSimdAvailable } from '../src/model/kernels/lowRankSimdModule.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createPrematureConfig } from '../src/model/config.js';
import { heterogeneityPenalty } from '../src/training/regularizers.js';
import { Trainer } from '../src/training/trainer.js';
import type { ForwardResult, SequenceBatch } from '../src/model/recurrentModel.js';

// Odd N and k (= r + 1) exercise the remainder iterations of the unrolled loops; B = 7 leaves one
// padded lane group.
const dims: LowRankDims = { N: 13, r: 4, nInputs: 3, nOutputs: 3, leak: 0.3 };
const B = 7;
const T = 9;
const HETERO_WEIGHT = -3;

/** `heterogeneityOnly` zeroes the other output weights, so the heterogeneity term alone is checked. */
function makeProblem(seed: number, heterogeneityOnly = false) {
  const rng = createRandom(seed);
  const params = new ParameterSet(lowRankParameterSpec(dims));
  for (let i = 0; i < params.size; i++) params.data[i] = 0.5 * rng.normal();
  const inputs = new Float64Array(B * T * dims.nInputs).map(() => rng.normal());
  const batch: SequenceBatch = { nSessions: B, nTrials: T, nInputs: dims.nInputs, inputs };
  const logitWeights = new Float64Array(B * T * dims.nOutputs).map(() => rng.normal());
  const valueWeights = new Float64Array(B * T).map(() => rng.normal());
  const activationWeights = new Float64Array(B * T * dims.N).map(() => 0.2 * rng.normal());
  if (heterogeneityOnly) for (const weights of [logitWeights, valueWeights, activationWeights]) weights.fill(0);
  return { params, batch, logitWeights, valueWeights, activationWeights };
}

type Problem = ReturnType<typeof makeProblem>;

/** L = Σ a·logits + Σ b·values + Σ c·x + w·heterogeneity(x): linear in the outputs, so dL/d(outputs) = (a, b, c). */
function loss(forward: ForwardResult, problem: Problem, params: ParameterSet): number {
  const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < u.length; i++) s += u[i] * v[i];
    return s;
  };
  const x = forward.cache.activations;
  const het = heterogeneityPenalty(x, B * T, dims.N, params.view('W_in'), dims.nInputs, dims.leak);
  return dot(problem.logitWeights, forward.logits) + dot(problem.valueWeights, forward.values) + dot(problem.activationWeights, x) + HETERO_WEIGHT * het.value;
}

/** Relative error of a tensor, ‖a − b‖ / ‖b‖ (‖a‖ where b = 0). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

/** Largest |a − b| over the largest |b|: float32 agreement relative to the array's scale. */
function scaledMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function wasmGradients(problem: Problem, kernel = new LowRankWasmKernel(dims)): ParameterSet {
  const grads = problem.params.zerosLike();
  const forward = kernel.forward(problem.params, problem.batch);
  const fused = forward.heterogeneity!;
  kernel.backward(problem.params, problem.batch, forward, {
    dLogits: problem.logitWeights, dValues: problem.valueWeights, dActivations: problem.activationWeights, heterogeneityWeight: HETERO_WEIGHT,
  }, grads);
  // The heterogeneity's W_in gradient goes through ‖W_in[i,:]‖, outside the kernel's BPTT.
  const Win = problem.params.view('W_in');
  const gWin = grads.view('W_in');
  for (let i = 0; i < dims.N; i++) {
    let sq = 0;
    for (let c = 0; c < dims.nInputs; c++) sq += Win[i * dims.nInputs + c] ** 2;
    for (let c = 0; c < dims.nInputs; c++) gWin[i * dims.nInputs + c] += (HETERO_WEIGHT * fused.dInputNorm[i] * Win[i * dims.nInputs + c]) / Math.sqrt(sq);
  }
  return grads;
}

describe.runIf(wasmSimdAvailable())('LowRankWasmKernel (float32 WebAssembly SIMD)', () => {
  it('forward matches lowRankForward to float32 precision, with B not a multiple of 4', () => {
    const problem = makeProblem(1);
    const js = lowRankForward(problem.params, dims, problem.batch);
    const wasm = new LowRankWasmKernel(dims).forward(problem.params, problem.batch);
    for (const [name, a, b] of [
      ['logits', wasm.logits, js.logits], ['values', wasm.values, js.values], ['hidden', wasm.hidden, js.hidden],
      ['activations', wasm.cache.activations, js.cache.activations], ['kappa', wasm.cache.kappa, js.cache.kappa],
    ] as const) {
      expect(b.length, name).toBe(B * T * (name === 'values' ? 1 : name === 'logits' ? dims.nOutputs : name === 'kappa' ? dims.r + 1 : dims.N));
      expect(a.length, name).toBe(b.length);
      expect(scaledMaxError(a, b), name).toBeLessThan(1e-5);
    }
  });

  it('forward computes the response heterogeneity of heterogeneityPenalty, value and dInputWeights', () => {
    const problem = makeProblem(2);
    const model = new BrainInspiredRNN(createPrematureConfig({ nHidden: 13 }), { nInputs: 3, kernel: 'wasm', seed: 4 });
    const batch = { ...problem.batch };
    const forward = model.forward(batch);
    const fused = model.responseHeterogeneity(forward);
    const reference = heterogeneityPenalty(forward.cache.activations, B * T, 13, model.parameters.view('W_in'), 3, model.leak);
    expect(Math.abs(fused.value - reference.value) / reference.value).toBeLessThan(1e-4);
    expect(relativeError(fused.dInputWeights, reference.dInputWeights)).toBeLessThan(1e-4);
    expect(relativeError(fused.dActivations, reference.dActivations)).toBe(0);
  });

  it('backward matches lowRankBackward per tensor (relative error < 1e-3), heterogeneity gradient included', () => {
    const problem = makeProblem(3);
    const forward = lowRankForward(problem.params, dims, problem.batch);
    const het = heterogeneityPenalty(forward.cache.activations, B * T, dims.N, problem.params.view('W_in'), dims.nInputs, dims.leak);
    const dActivations = problem.activationWeights.map((c, i) => c + HETERO_WEIGHT * het.dActivations[i]);
    const expected = problem.params.zerosLike();
    lowRankBackward(problem.params, dims, problem.batch, forward, { dLogits: problem.logitWeights, dValues: problem.valueWeights, dActivations }, expected);
    const gWin = expected.view('W_in');
    for (let i = 0; i < gWin.length; i++) gWin[i] += HETERO_WEIGHT * het.dInputWeights[i];
    const actual = wasmGradients(problem);
    for (const { name } of expected.entries) expect(relativeError(actual.view(name), expected.view(name)), name).toBeLessThan(1e-3);
  });

  it.each([false, true])('backward gradients match central finite differences of the float64 JS loss (< 1e-3 per tensor; heterogeneity only: %s)', (heterogeneityOnly) => {
    const problem = makeProblem(4, heterogeneityOnly);
    const actual = wasmGradients(problem);
    const numeric = problem.params.zerosLike();
    const h = 1e-5;
    const shifted = problem.params.clone();
    for (let q = 0; q < shifted.size; q++) {
      const original = shifted.data[q];
      shifted.data[q] = original + h;
      const up = loss(lowRankForward(shifted, dims, problem.batch), problem, shifted);
      shifted.data[q] = original - h;
      const down = loss(lowRankForward(shifted, dims, problem.batch), problem, shifted);
      shifted.data[q] = original;
      numeric.data[q] = (up - down) / (2 * h);
    }
    for (const { name } of numeric.entries) expect(relativeError(actual.view(name), numeric.view(name)), name).toBeLessThan(1e-3);
  });

  it('backward of a ForwardResult from the JS kernel packs its arrays and gives the same gradients', () => {
    const problem = makeProblem(5);
    const kernel = new LowRankWasmKernel(dims);
    const own = problem.params.zerosLike();
    const foreign = problem.params.zerosLike();
    const outputs = { dLogits: problem.logitWeights, dValues: problem.valueWeights, dActivations: problem.activationWeights };
    kernel.backward(problem.params, problem.batch, kernel.forward(problem.params, problem.batch), outputs, own);
    kernel.backward(problem.params, problem.batch, lowRankForward(problem.params, dims, problem.batch), outputs, foreign);
    for (const { name } of own.entries) expect(relativeError(foreign.view(name), own.view(name)), name).toBeLessThan(1e-5);
  });

  it('an earlier forward result stays valid after later passes; a released one refuses its states', () => {
    const problem = makeProblem(6);
    const other = makeProblem(7);
    const kernel = new LowRankWasmKernel(dims);
    const first = kernel.forward(problem.params, problem.batch);
    const gradsBefore = problem.params.zerosLike();
    const outputs = { dLogits: problem.logitWeights };
    kernel.backward(problem.params, problem.batch, first, outputs, gradsBefore);
    const bigger = { ...other.batch, nSessions: 2 * B, inputs: new Float64Array(2 * B * T * dims.nInputs).fill(0.5) };
    const second = kernel.forward(other.params, bigger);
    const hiddenOfFirst = lowRankForward(problem.params, dims, problem.batch).hidden;
    expect(scaledMaxError(first.hidden, hiddenOfFirst)).toBeLessThan(1e-5);
    const gradsAfter = problem.params.zerosLike();
    kernel.backward(problem.params, problem.batch, first, outputs, gradsAfter);
    expect(Array.from(gradsAfter.data)).toEqual(Array.from(gradsBefore.data));
    expect(second.hidden.length).toBe(2 * B * T * dims.N);
    second.release();
    expect(() => second.cache.activations).toThrow('this forward result was released');
    expect(second.logits.length).toBe(2 * B * T * dims.nOutputs);
  });
});

describe.runIf(wasmSimdAvailable())('BrainInspiredRNN({ kernel })', () => {
  const config = createPrematureConfig({ nHidden: 12 });

  it('defaults to the wasm kernel for float32 models and the JS kernel for float64 ones; rejects unknown kernels', () => {
    expect(new BrainInspiredRNN(config, { nInputs: 3, dtype: 'float32' }).kernel).toBe('wasm');
    expect(new BrainInspiredRNN(config, { nInputs: 3 }).kernel).toBe('js');
    expect(new BrainInspiredRNN(config, { nInputs: 3, kernel: 'wasm' }).clone().kernel).toBe('wasm');
    expect(() => new BrainInspiredRNN(config, { nInputs: 3, kernel: 'gpu' as 'js' })).toThrow('BrainInspiredRNN.kernel must be "js" or "wasm", got "gpu"');
  });

  it('step() on the wasm kernel reproduces forward() trial by trial, bit for bit', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 3, seed: 2, dtype: 'float32' });
    const S = 6;
    const rng = createRandom(8);
    const batch: SequenceBatch = { nSessions: S, nTrials: 5, nInputs: 3, inputs: new Float64Array(S * 5 * 3).map(() => rng.normal()) };
    const forward = model.forward(batch);
    expect(forward).toBeInstanceOf(LowRankWasmForward);
    const state = model.initialState(S);
    const inputs = new Float64Array(S * 3);
    const logits = new Float64Array(S * 2);
    const values = new Float64Array(S);
    for (let t = 0; t < 5; t++) {
      for (let s = 0; s < S; s++) inputs.set(batch.inputs.subarray((s * 5 + t) * 3, (s * 5 + t + 1) * 3), s * 3);
      model.step(state, inputs, logits, values);
      for (let s = 0; s < S; s++) {
        const row = s * 5 + t;
        expect(Array.from(state.subarray(s * 12, (s + 1) * 12))).toEqual(Array.from(forward.hidden.subarray(row * 12, (row + 1) * 12)));
        expect([logits[2 * s], logits[2 * s + 1], values[s]]).toEqual([forward.logits[2 * row], forward.logits[2 * row + 1], forward.values[row]]);
      }
    }
  });

  it('step() picks up weights changed in place between trials (one readout bias, one sign), as a fresh copy of the model does', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 3, seed: 2, dtype: 'float32' });
    const S = 5;
    const rng = createRandom(9);
    const inputs = new Float64Array(S * 3).map(() => rng.normal());
    const run = (net: BrainInspiredRNN, state: Float64Array) => {
      const logits = new Float64Array(S * 2);
      net.step(state, inputs, logits, new Float64Array(S));
      return Array.from(logits);
    };
    const state = model.initialState(S);
    run(model, state);
    const before = Array.from(state);
    const unchanged = run(model.clone(), Float64Array.from(before));
    // One readout bias: a change the reload check must see though every other value is the same.
    model.parameters.view('b_out')[1] += 0.5;
    const changed = run(model, Float64Array.from(before));
    expect(changed).not.toEqual(unchanged);
    expect(changed).toEqual(run(model.clone(), Float64Array.from(before)));
    const m = model.parameters.view('m');
    m[0] = -m[0];
    expect(run(model, Float64Array.from(before))).toEqual(run(model.clone(), Float64Array.from(before)));
  });

  // More than 8 sessions: the Trainer steps the wasm kernel through the batch in blocks of 8 (the
  // last one partial), adding the blocks' gradients, the JS kernel in one pass.
  for (const { S, masked } of [{ S: 10, masked: false }, { S: 21, masked: true }]) {
    it(`Trainer.step on the wasm kernel takes the same step as on the JS kernel, to float32 precision (${S} sessions${masked ? ', masked and missing choices' : ''})`, () => {
      const rng = createRandom(11 + S);
      const steps = S * 20;
      const batch: SequenceBatch = {
        nSessions: S, nTrials: 20, nInputs: 3,
        inputs: new Float64Array(steps * 3).map(() => (rng.uniform() < 0.5 ? 1 : 0)),
        targets: new Int32Array(steps).map(() => (masked && rng.uniform() < 0.05 ? -1 : rng.integer(0, 1))),
        mask: masked ? new Uint8Array(steps).map(() => (rng.uniform() < 0.9 ? 1 : 0)) : undefined,
      };
      const js = new BrainInspiredRNN({ ...config, regularizerWarmupEpochs: 0, heterogeneityWeight: 0.5 }, { nInputs: 3, seed: 3, dtype: 'float32', kernel: 'js' });
      const wasm = new BrainInspiredRNN(js.config, { nInputs: 3, seed: 3, dtype: 'float32', kernel: 'wasm' });
      const options = { learningRate: 1e-2, clipNorm: 1, regularize: true };
      const a = new Trainer(js, options).step(batch);
      const b = new Trainer(wasm, options).step(batch);
      expect(Math.abs(b.taskLoss - a.taskLoss) / a.taskLoss).toBeLessThan(1e-5);
      expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-5);
      expect(Math.abs(b.gradientNorm - a.gradientNorm) / a.gradientNorm).toBeLessThan(1e-3);
      expect(Math.abs(b.regularizers!.heterogeneity - a.regularizers!.heterogeneity) / a.regularizers!.heterogeneity).toBeLessThan(1e-4);
      expect(relativeError(wasm.parameters.data, js.parameters.data)).toBeLessThan(1e-4);
    });
  }
});
