import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { ParameterSet } from '../src/model/parameters.js';
import { gruBackward, gruForward, gruParameterSpec, type GruDims } from '../src/model/kernels/gruKernel.js';
import { GruWasmForward, GruWasmKernel } from '../src/model/kernels/gruWasmKernel.js';
import { gruSimdAvailable, instantiateGruSimd } from '../src/model/kernels/gruSimdModule.js';
import { TinyGRU } from '../src/model/tinyGru.js';
import { maskedCrossEntropy } from '../src/training/crossEntropy.js';
import { Trainer } from '../src/training/trainer.js';
import type { OutputGradients, SequenceBatch } from '../src/model/recurrentModel.js';

// Odd H and input/output widths; B = 7 leaves one group with three live lanes and one padding lane.
const dims: GruDims = { nHidden: 3, nInputs: 3, nOutputs: 3 };
const B = 7;
const T = 9;

/** Parameters ~ N(0, 0.8²), so that the gates leave their linear range; 12% of trials missed. */
function makeProblem(seed: number) {
  const rng = createRandom(seed);
  const params = new ParameterSet(gruParameterSpec(dims));
  for (let i = 0; i < params.size; i++) params.data[i] = 0.8 * rng.normal();
  const rows = B * T;
  const inputs = Float64Array.from({ length: rows * dims.nInputs }, () => rng.normal());
  const targets = Int32Array.from({ length: rows }, () => (rng.uniform() < 0.12 ? -1 : rng.integer(0, dims.nOutputs - 1)));
  const batch: SequenceBatch = { nSessions: B, nTrials: T, nInputs: dims.nInputs, inputs, targets };
  const dValues = Float64Array.from({ length: rows }, () => rng.normal());
  const dActivations = Float64Array.from({ length: rows * dims.nHidden }, () => 0.2 * rng.normal());
  return { params, batch, dValues, dActivations };
}

/** Largest |a − b| over the largest |b| (or alone where b = 0): float32 agreement relative to the array's scale. */
function scaledMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Distance in float32 units in the last place of the exact value. */
function ulps(approx: number, exact: number): number {
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(exact))) - 23);
  return Math.abs(approx - exact) / ulp;
}

describe.runIf(gruSimdAvailable())('GruWasmKernel', () => {
  it('the kernel\'s σ and tanh are within 3 float32 ulps of the exact functions from −100 to 100 (σ down to −87)', () => {
    const wasm = instantiateGruSimd();
    const n = 400_000;
    const xs = new Float32Array(n);
    for (let i = 0; i < n; i++) xs[i] = -100 + (200 * i) / (n - 1);
    // and the small arguments where tanh's relative precision is at stake
    for (let i = 0; i < 4000; i++) xs[i] = (i % 2 ? -1 : 1) * 2 ** (-30 + (28 * i) / 4000);
    wasm.memory.grow(Math.ceil((8 * n) / 65536));
    const src = 1024;
    const dst = src + 4 * n;
    const f32 = new Float32Array(wasm.memory.buffer);
    f32.set(xs, src / 4);
    let worstSigmoid = 0;
    let worstTanh = 0;
    wasm.sigmoidArray(src, dst, n);
    let worstDeepTail = 0;
    for (let i = 0; i < n; i++) {
      const exact = 1 / (1 + Math.exp(-xs[i]));
      // Below −87 σ leaves float32's normal range; the kernel stops at σ(−87) ≈ 1.6e-38 there.
      if (xs[i] >= -87) worstSigmoid = Math.max(worstSigmoid, ulps(f32[dst / 4 + i], exact));
      else worstDeepTail = Math.max(worstDeepTail, Math.abs(f32[dst / 4 + i] - exact));
    }
    wasm.tanhArray(src, dst, n);
    for (let i = 0; i < n; i++) worstTanh = Math.max(worstTanh, ulps(f32[dst / 4 + i], Math.tanh(xs[i])));
    expect(worstSigmoid).toBeLessThan(3);
    expect(worstDeepTail).toBeLessThan(2e-38);
    expect(worstTanh).toBeLessThan(3);
  });

  it('the kernel\'s ln is within 4·2^-24 of max(|ln x|, |x − 1|) from 2^-40 to 2^40', () => {
    const wasm = instantiateGruSimd();
    const n = 200_000;
    const xs = Float32Array.from({ length: n }, (_, i) => 2 ** (-40 + (80 * i) / (n - 1)));
    wasm.memory.grow(Math.ceil((8 * n) / 65536));
    const f32 = new Float32Array(wasm.memory.buffer);
    f32.set(xs, 1024 / 4);
    wasm.logArray(1024, 1024 + 4 * n, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const exact = Math.log(xs[i]);
      worst = Math.max(worst, Math.abs(f32[1024 / 4 + n + i] - exact) / Math.max(Math.abs(exact), Math.abs(xs[i] - 1)));
    }
    expect(worst).toBeLessThan(4 * 2 ** -24);
  });

  it('forward gives the logits, values, states and gates of gruForward to float32 precision (7 sessions, 3 units), and names a wrong input width', () => {
    const { params, batch } = makeProblem(1);
    const reference = gruForward(params, dims, batch);
    const forward = new GruWasmKernel(dims).forward(params, batch);
    expect(scaledMaxError(forward.logits, reference.logits)).toBeLessThan(2e-6);
    expect(scaledMaxError(forward.values, reference.values)).toBeLessThan(2e-6);
    expect(scaledMaxError(forward.hidden, reference.hidden)).toBeLessThan(2e-6);
    for (const key of ['resetGate', 'updateGate', 'candidate', 'recurrentCandidate', 'activations']) {
      expect(scaledMaxError(forward.cache[key], reference.cache[key]), key).toBeLessThan(2e-6);
    }
    const kernel = new GruWasmKernel(dims);
    expect(() => kernel.forward(params, { ...batch, nInputs: 4 })).toThrow('batch.nInputs must be 3, got 4');
    expect(() => kernel.forward(params, { ...batch, inputs: batch.inputs.subarray(1) })).toThrow(`batch.inputs must have length ${B * T * 3}, got ${B * T * 3 - 1}`);
  });

  it('backward gives every parameter gradient of gruBackward to float32 precision, with missed trials, dValues and dActivations', () => {
    const { params, batch, dValues, dActivations } = makeProblem(2);
    const reference = gruForward(params, dims, batch);
    const { dLogits } = maskedCrossEntropy(batch, reference.logits, dims.nOutputs, { gradient: true });
    const outputs: OutputGradients = { dLogits, dValues, dActivations };
    const expected = params.zerosLike();
    gruBackward(params, dims, batch, reference, outputs, expected);
    const kernel = new GruWasmKernel(dims);
    const actual = params.zerosLike();
    kernel.backward(params, batch, kernel.forward(params, batch), outputs, actual);
    for (const { name } of gruParameterSpec(dims)) {
      expect(scaledMaxError(actual.view(name), expected.view(name)), name).toBeLessThan(2e-5);
    }
    // The same gradients from the float64 forward pass, packed into the kernel's layout.
    const fromForeign = params.zerosLike();
    kernel.backward(params, batch, reference, outputs, fromForeign);
    for (const { name } of gruParameterSpec(dims)) {
      expect(scaledMaxError(fromForeign.view(name), expected.view(name)), name).toBeLessThan(2e-5);
    }
  });

  it('backward adds into the gradients it is given, and omitted output gradients count as zero', () => {
    const { params, batch, dValues } = makeProblem(3);
    const reference = gruForward(params, dims, batch);
    const expected = params.zerosLike();
    gruBackward(params, dims, batch, reference, { dValues }, expected);
    const kernel = new GruWasmKernel(dims);
    const actual = params.zerosLike();
    actual.data.fill(1);
    kernel.backward(params, batch, kernel.forward(params, batch), { dValues }, actual);
    for (let i = 0; i < actual.size; i++) actual.data[i] -= 1;
    expect(scaledMaxError(actual.data, expected.data)).toBeLessThan(2e-5);
    expect(actual.view('W_out').every((g) => g === 0)).toBe(true);
  });

  it('crossEntropyGradients gives maskedCrossEntropy\'s mean NLL and gruBackward\'s gradients of it, with missed and masked trials', () => {
    const { params, batch } = makeProblem(8);
    const rng = createRandom(9);
    const masked = { ...batch, mask: Uint8Array.from({ length: B * T }, () => (rng.uniform() < 0.8 ? 1 : 0)) };
    for (const problem of [batch, masked]) {
      const reference = gruForward(params, dims, problem);
      const loss = maskedCrossEntropy(problem, reference.logits, dims.nOutputs, { gradient: true });
      const expected = params.zerosLike();
      gruBackward(params, dims, problem, reference, { dLogits: loss.dLogits }, expected);
      const actual = params.zerosLike();
      const fused = new GruWasmKernel(dims).crossEntropyGradients(params, problem, actual);
      expect(fused.count).toBe(loss.count);
      expect(Math.abs(fused.totalNll / fused.count - loss.meanNll)).toBeLessThan(2e-6 * loss.meanNll);
      for (const { name } of gruParameterSpec(dims)) {
        expect(scaledMaxError(actual.view(name), expected.view(name)), name).toBeLessThan(2e-5);
      }
    }
  });

  it('step on a cohort of 7 sessions reproduces forward trial by trial bit for bit', () => {
    const { params, batch } = makeProblem(4);
    const kernel = new GruWasmKernel(dims);
    const forward = kernel.forward(params, batch);
    const { nHidden: H, nInputs: I, nOutputs: O } = dims;
    const state = new Float64Array(B * H);
    const inputs = new Float64Array(B * I);
    const logits = new Float64Array(B * O);
    const values = new Float64Array(B);
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < B; s++) inputs.set(batch.inputs.subarray((s * T + t) * I, (s * T + t + 1) * I), s * I);
      kernel.step(params, state, inputs, logits, values);
      for (let s = 0; s < B; s++) {
        const row = s * T + t;
        expect(Array.from(state.subarray(s * H, (s + 1) * H))).toEqual(Array.from(forward.hidden.subarray(row * H, (row + 1) * H)));
        expect(Array.from(logits.subarray(s * O, (s + 1) * O))).toEqual(Array.from(forward.logits.subarray(row * O, (row + 1) * O)));
        expect(values[s]).toBe(forward.values[row]);
      }
    }
  });

  it('a forward result read after later forward passes (other weights, other batch sizes) still gives its own states and gradients', () => {
    const first = makeProblem(5);
    const kernel = new GruWasmKernel(dims);
    const early = kernel.forward(first.params, first.batch);
    const other = new GruWasmKernel(dims).forward(first.params, first.batch);
    const second = makeProblem(6);
    kernel.forward(second.params, second.batch);
    kernel.step(second.params, new Float64Array(20 * dims.nHidden), new Float64Array(20 * dims.nInputs), new Float64Array(20 * dims.nOutputs), new Float64Array(20));
    kernel.forward(second.params, { ...second.batch, nSessions: 2, inputs: second.batch.inputs.subarray(0, 2 * T * dims.nInputs) });
    expect(early).toBeInstanceOf(GruWasmForward);
    expect(Array.from(early.hidden)).toEqual(Array.from(other.hidden));
    expect(Array.from(early.cache.recurrentCandidate)).toEqual(Array.from(other.cache.recurrentCandidate));
    const viaEarly = first.params.zerosLike();
    const viaOther = first.params.zerosLike();
    kernel.backward(first.params, first.batch, early, { dValues: first.dValues }, viaEarly);
    new GruWasmKernel(dims).backward(first.params, first.batch, other, { dValues: first.dValues }, viaOther);
    expect(Array.from(viaEarly.data)).toEqual(Array.from(viaOther.data));
  });
});

describe.runIf(gruSimdAvailable())('TinyGRU kernel option', () => {
  it('new TinyGRU runs float64 models on the js kernel and float32 models on the wasm kernel unless told', () => {
    expect(new TinyGRU({ nHidden: 2, nInputs: 3 }).kernel).toBe('js');
    expect(new TinyGRU({ nHidden: 2, nInputs: 3, dtype: 'float32' }).kernel).toBe('wasm');
    expect(new TinyGRU({ nHidden: 2, nInputs: 3, dtype: 'float32', kernel: 'js' }).kernel).toBe('js');
    expect(new TinyGRU({ nHidden: 2, nInputs: 3, kernel: 'wasm' }).kernel).toBe('wasm');
    expect(() => new TinyGRU({ nHidden: 2, nInputs: 3, kernel: 'gpu' as never })).toThrow('TinyGRU.kernel must be "js" or "wasm", got "gpu"');
  });

  it('gru.clone() and TinyGRU.fromJSON keep a float32 model on the wasm kernel with the same outputs', () => {
    const gru = new TinyGRU({ nHidden: 3, nInputs: 3, nOutputs: 3, seed: 8, dtype: 'float32' });
    const { batch } = makeProblem(7);
    const logits = Array.from(gru.forward(batch).logits);
    for (const copy of [gru.clone(), TinyGRU.fromJSON(JSON.parse(JSON.stringify(gru)))]) {
      expect(copy.kernel).toBe('wasm');
      expect(Array.from(copy.forward(batch).logits)).toEqual(logits);
    }
  });

  it('a 30-step Trainer fit of a float32 TinyGRU on the wasm kernel (through the fused crossEntropyGradients path of the Trainer) reaches the NLL of the float64 js kernel to 1e-4', () => {
    const rng = createRandom(11);
    const nSessions = 22;
    const nTrials = 40;
    const inputs = new Float64Array(nSessions * nTrials * 4);
    const targets = new Int32Array(nSessions * nTrials);
    for (let b = 0; b < nSessions; b++) {
      let action = 0;
      for (let t = 0; t < nTrials; t++) {
        const row = b * nTrials + t;
        if (t > 0) inputs[row * 4 + action] = 1;
        inputs[row * 4 + 3] = 1;
        // a sticky chooser: repeat with probability 0.8
        action = rng.bernoulli(0.8) ? action : 1 - action;
        targets[row] = rng.uniform() < 0.1 ? -1 : action;
      }
    }
    const batch: SequenceBatch = { nSessions, nTrials, nInputs: 4, inputs, targets };
    const nll = (kernel: 'js' | 'wasm', dtype: 'float32' | 'float64') => {
      const model = new TinyGRU({ nHidden: 4, nInputs: 4, nOutputs: 2, seed: 4, kernel, dtype });
      const trainer = new Trainer(model, { learningRate: 1e-2, clipNorm: 1, nEpochs: 1, batchSize: nSessions, regularize: false });
      for (let step = 0; step < 30; step++) trainer.step(batch, 0);
      return trainer.evaluate(batch).nll;
    };
    const reference = nll('js', 'float64');
    const start = new Trainer(new TinyGRU({ nHidden: 4, nInputs: 4, nOutputs: 2, seed: 4 })).evaluate(batch).nll;
    expect(reference).toBeLessThan(start - 0.05);
    expect(Math.abs(nll('wasm', 'float32') - reference)).toBeLessThan(1e-4);
  });
});
