/**
 * The TinyGRU kernel of gruKernel.ts in float32 WebAssembly SIMD (./wasm/assembly/gruSimd.ts): four
 * sessions per f32x4 lane group. This class owns one instance's linear memory and its layout:
 *
 *   [weights f32 | scratch v128 | gradients f64]                            (fixed)
 *   [step buffers f64: state, inputs, logits, values]                       (sized for S sessions)
 *   [U | Hs | R | Z | C | HC | D | DL | DV lane groups v128 | staging | logits | values | dLogits | dValues f64
 *    | targets i32 | mask u8 | loss f64]                                    (sized for B·T trials)
 *
 * A forward pass leaves its per-trial buffers in wasm memory, where `backward` reads them; its
 * `hidden` and `cache` arrays are unpacked to the session-major float64 layout of recurrentModel.ts
 * only when read. Each result keeps the float32 weights it ran with; when another forward pass
 * takes the buffers, it also copies out its packed inputs (not the 6× larger states and gates) and
 * recomputes the rest if it is read again: the same instructions on the same values, bit for bit.
 */
import { align16, paddedSteps, LoadedBits, WASM_BASE, WasmViews } from './wasmMemory.js';
import { ConfigError } from '../../validation.js';
import type { ParameterSet, Real } from '../parameters.js';
import type { ForwardResult, OutputGradients, SequenceBatch } from '../recurrentModel.js';
import { gruParameterSpec, type GruDims } from './gruKernel.js';
import { instantiateGruSimd, type GruSimdExports } from './gruSimdModule.js';

/** The per-trial buffers a forward pass leaves, each one v128 per unit per group-trial. */
type StateBuffer = 'Hs' | 'R' | 'Z' | 'C' | 'HC';

interface BatchLayout {
  /** Padded session-steps (4 · ⌈B/4⌉ · T) the regions hold. */
  capacity: number;
  U: number; Hs: number; R: number; Z: number; C: number; HC: number; D: number; DL: number; DV: number;
  staging: number; logits: number; values: number; dLogits: number; dValues: number;
  /** crossEntropy's int32 targets, uint8 mask and float64 [total NLL, count]. */
  targets: number; mask: number; loss: number;
}

/** Cache keys of gruForward, and the buffer each unpacks from (`activations` is h_{t+1} itself). */
const CACHE_BUFFERS: [string, StateBuffer][] = [
  ['resetGate', 'R'], ['updateGate', 'Z'], ['candidate', 'C'], ['recurrentCandidate', 'HC'], ['activations', 'Hs'],
];

/** A ForwardResult whose states and gates live in the kernel's wasm memory until read. */
export class GruWasmForward implements ForwardResult {
  readonly cache: Record<string, Float64Array>;
  /** The packed inputs U, copied out when another forward pass takes the buffers (to recompute them). */
  savedInputs: Uint8Array | undefined;
  private unpacked = new Map<StateBuffer, Float64Array>();

  constructor(
    readonly kernel: GruWasmKernel,
    readonly nSessions: number,
    readonly nTrials: number,
    readonly logits: Float64Array,
    readonly values: Float64Array,
    /** The float32 weights this pass ran with, in the kernel's order. */
    readonly weights: Float32Array,
  ) {
    const cache = {} as Record<string, Float64Array>;
    for (const [key, buffer] of CACHE_BUFFERS) Object.defineProperty(cache, key, { enumerable: true, get: () => this.read(buffer) });
    this.cache = cache;
  }

  /** B*T*H states h_{t+1}, session-major. */
  get hidden(): Float64Array {
    return this.read('Hs');
  }

  private read(buffer: StateBuffer): Float64Array {
    let values = this.unpacked.get(buffer);
    if (values === undefined) {
      values = this.kernel.unpackResult(this, buffer);
      this.unpacked.set(buffer, values);
    }
    return values;
  }
}

/**
 * @example
 * const kernel = new GruWasmKernel({ nHidden: 4, nInputs: 4, nOutputs: 2 });
 * const forward = kernel.forward(model.parameters, batch);
 * kernel.backward(model.parameters, batch, forward, { dLogits }, grads);
 */
export class GruWasmKernel {
  private readonly wasm: GruSimdExports;
  private readonly weights: number;
  private readonly grads: number;
  private readonly fixedEnd: number;
  private readonly weightValues: Float64Array;
  private stepCapacity = 0;
  private stepPtr = 0;
  private layout: BatchLayout | undefined;
  private resident: GruWasmForward | undefined;
  /** The parameter values last loaded, to skip reloading unchanged weights (closed-loop play). */
  private readonly loaded = new LoadedBits();
  private readonly views: WasmViews;

  constructor(readonly dims: GruDims) {
    const { nHidden: H, nInputs, nOutputs } = dims;
    this.wasm = instantiateGruSimd();
    this.views = new WasmViews(this.wasm.memory);
    const w = this.wasm;
    this.weights = WASM_BASE;
    const scratch = this.weights + align16(4 * w.weightFloats(H, nInputs, nOutputs));
    this.grads = scratch + 16 * w.scratchVectors(H, nInputs);
    this.fixedEnd = this.grads + align16(8 * w.gradientFloats(H, nInputs, nOutputs));
    this.weightValues = new Float64Array(w.weightFloats(H, nInputs, nOutputs));
    this.views.growTo(this.fixedEnd);
    w.configure(H, nInputs, nOutputs, this.weights, scratch);
  }

  /** Forward pass over a batch from h_0 = 0. */
  forward(params: ParameterSet, batch: SequenceBatch): GruWasmForward {
    const { nSessions, nTrials } = batch;
    const { nInputs } = this.dims;
    if (batch.nInputs !== nInputs) throw new ConfigError([`batch.nInputs must be ${nInputs}, got ${batch.nInputs}`]);
    checkLength('batch.inputs', batch.inputs, nSessions * nTrials * nInputs);
    this.evict();
    const layout = this.reserveBatch(paddedSteps(nSessions, nTrials));
    this.loadWeights(params);
    this.views.f64().set(batch.inputs, layout.staging / 8);
    this.wasm.pack(layout.staging, layout.U, nSessions, nTrials, this.dims.nInputs);
    this.run(layout, nSessions, nTrials);
    const steps = nSessions * nTrials;
    const f64 = this.views.f64();
    const logits = f64.slice(layout.logits / 8, layout.logits / 8 + steps * this.dims.nOutputs);
    const values = f64.slice(layout.values / 8, layout.values / 8 + steps);
    const weights = this.views.f32().slice(this.weights / 4, this.weights / 4 + this.weightValues.length);
    const result = new GruWasmForward(this, nSessions, nTrials, logits, values, weights);
    this.resident = result;
    return result;
  }

  /** One trial for a cohort of S = values.length sessions, in place on `state` (S×H float64). */
  step(params: ParameterSet, state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array): void {
    const { nHidden: H, nInputs, nOutputs } = this.dims;
    const S = values.length;
    checkLength('state', state, S * H);
    checkLength('inputs', inputs, S * nInputs);
    checkLength('logits', logits, S * nOutputs);
    this.reserveStep(S);
    this.loadWeights(params);
    const statePtr = this.stepPtr;
    const inputPtr = statePtr + 8 * S * H;
    const logitPtr = inputPtr + 8 * S * nInputs;
    const valuePtr = logitPtr + 8 * S * nOutputs;
    const f64 = this.views.f64();
    f64.set(state, statePtr / 8);
    f64.set(inputs, inputPtr / 8);
    this.wasm.step(S, statePtr, inputPtr, logitPtr, valuePtr);
    state.set(f64.subarray(statePtr / 8, statePtr / 8 + S * H));
    logits.set(f64.subarray(logitPtr / 8, logitPtr / 8 + S * nOutputs));
    values.set(f64.subarray(valuePtr / 8, valuePtr / 8 + S));
  }

  /**
   * Exact BPTT (float32, the lanes of each group summed in float64) over a forward pass: adds the
   * gradients into `grads`. A forward pass of this kernel is used as it was computed; any other
   * ForwardResult must carry `hidden` and the gates in `cache` in the layout of gruForward.
   */
  backward(params: ParameterSet, batch: SequenceBatch, forward: ForwardResult, outputGradients: OutputGradients, grads: ParameterSet): void {
    const { nSessions, nTrials } = batch;
    if (forward.nSessions !== nSessions || forward.nTrials !== nTrials) {
      throw new RangeError(`forward must come from a batch of ${nSessions}×${nTrials} trials, got ${forward.nSessions}×${forward.nTrials}`);
    }
    const layout = forward instanceof GruWasmForward && forward.kernel === this ? this.makeResident(forward) : this.packForeign(batch, forward);
    this.loadWeights(params);
    const { dLogits, dValues, dActivations } = outputGradients;
    const f64 = this.views.f64();
    if (dLogits !== undefined) f64.set(dLogits, layout.dLogits / 8);
    if (dValues !== undefined) f64.set(dValues, layout.dValues / 8);
    if (dActivations !== undefined) f64.set(dActivations, layout.staging / 8);
    this.wasm.backward(
      nSessions, nTrials, layout.U, layout.Hs, layout.R, layout.Z, layout.C, layout.HC, layout.D, layout.DL, layout.DV,
      dLogits === undefined ? 0 : layout.dLogits, dValues === undefined ? 0 : layout.dValues,
      dActivations === undefined ? 0 : layout.staging, 0, this.grads,
    );
    this.addGradients(grads);
  }

  /**
   * Forward pass, masked softmax cross-entropy (maskedCrossEntropy's definition, in float32) and
   * BPTT of its mean over the counted trials in one go: the logit gradients go from the loss
   * straight into backward's layout, never through float64 arrays. Adds the gradients into `grads`.
   */
  crossEntropyGradients(params: ParameterSet, batch: SequenceBatch, grads: ParameterSet): { forward: GruWasmForward; totalNll: number; count: number } {
    const { nSessions, nTrials, targets, mask } = batch;
    if (targets === undefined) throw new RangeError('crossEntropyGradients needs batch.targets');
    const rows = nSessions * nTrials;
    if (targets.length !== rows || (mask !== undefined && mask.length !== rows)) {
      throw new RangeError(`batch.targets and batch.mask must have length ${rows}, got ${targets.length} and ${mask?.length}`);
    }
    const forward = this.forward(params, batch);
    const layout = this.layout!;
    const buffer = this.wasm.memory.buffer;
    new Int32Array(buffer, layout.targets, rows).set(targets);
    if (mask !== undefined) new Uint8Array(buffer, layout.mask, rows).set(mask);
    const w = this.wasm;
    w.crossEntropy(nSessions, nTrials, layout.logits, layout.targets, mask === undefined ? 0 : layout.mask, layout.DL, layout.loss);
    w.backward(nSessions, nTrials, layout.U, layout.Hs, layout.R, layout.Z, layout.C, layout.HC, layout.D, layout.DL, layout.DV, 0, 0, 0, 1, this.grads);
    this.addGradients(grads);
    const f64 = this.views.f64();
    return { forward, totalNll: f64[layout.loss / 8], count: f64[layout.loss / 8 + 1] };
  }

  /** Add the float64 gradients the kernel wrote, in the order of gruParameterSpec, into `grads`. */
  private addGradients(grads: ParameterSet): void {
    const g = this.views.f64();
    let at = this.grads / 8;
    const out = grads.data;
    for (const { name } of gruParameterSpec(this.dims)) {
      const { offset, size } = grads.entry(name);
      for (let q = 0; q < size; q++) out[offset + q] += g[at + q];
      at += size;
    }
  }

  /** Session-major float64 copy of one of a result's buffers (called by GruWasmForward). */
  unpackResult(result: GruWasmForward, buffer: StateBuffer): Float64Array {
    const layout = this.makeResident(result);
    const { nSessions, nTrials } = result;
    this.wasm.unpack(layout[buffer], layout.staging, nSessions, nTrials, this.dims.nHidden);
    const start = layout.staging / 8;
    return this.views.f64().slice(start, start + nSessions * nTrials * this.dims.nHidden);
  }

  private run(layout: BatchLayout, nSessions: number, nTrials: number): void {
    this.wasm.forward(nSessions, nTrials, layout.U, layout.Hs, layout.R, layout.Z, layout.C, layout.HC, layout.logits, layout.values);
  }

  /** Make `result`'s buffers the ones in wasm memory, recomputing them from its saved inputs and weights. */
  private makeResident(result: GruWasmForward): BatchLayout {
    if (this.resident === result && this.layout) return this.layout;
    const inputs = result.savedInputs;
    if (inputs === undefined) throw new Error('internal: a GruWasmForward lost its inputs');
    this.evict();
    const layout = this.reserveBatch(paddedSteps(result.nSessions, result.nTrials));
    new Uint8Array(this.wasm.memory.buffer).set(inputs, layout.U);
    this.views.f32().set(result.weights, this.weights / 4);
    this.loaded.forget();
    this.run(layout, result.nSessions, result.nTrials);
    this.resident = result;
    return layout;
  }

  /** Save what the resident result needs to recompute its buffers before they are overwritten. */
  private evict(): void {
    const result = this.resident;
    this.resident = undefined;
    if (result === undefined || result.savedInputs !== undefined || this.layout === undefined) return;
    const bytes = 4 * paddedSteps(result.nSessions, result.nTrials) * this.dims.nInputs;
    result.savedInputs = new Uint8Array(this.wasm.memory.buffer, this.layout.U, bytes).slice();
  }

  private packForeign(batch: SequenceBatch, forward: ForwardResult): BatchLayout {
    const { nSessions, nTrials, inputs } = batch;
    const { nHidden: H, nInputs } = this.dims;
    const { resetGate, updateGate, candidate, recurrentCandidate } = forward.cache;
    if ([resetGate, updateGate, candidate, recurrentCandidate].some((gate) => gate === undefined)) {
      throw new RangeError('backward needs forward.cache.resetGate, updateGate, candidate and recurrentCandidate (a GRU forward pass)');
    }
    this.evict();
    const layout = this.reserveBatch(paddedSteps(nSessions, nTrials));
    const sources: [Real, number, number][] = [
      [inputs, layout.U, nInputs], [forward.hidden, layout.Hs, H], [resetGate, layout.R, H],
      [updateGate, layout.Z, H], [candidate, layout.C, H], [recurrentCandidate, layout.HC, H],
    ];
    for (const [values, dst, width] of sources) {
      this.views.f64().set(values, layout.staging / 8);
      this.wasm.pack(layout.staging, dst, nSessions, nTrials, width);
    }
    return layout;
  }

  /** Float32 copies of the weights in the kernel's order, reset and update biases pre-summed. */
  private loadWeights(params: ParameterSet): void {
    const data = params.data;
    if (this.loaded.same(data)) return;
    const w = this.weightValues;
    let at = 0;
    const copy = (name: string) => {
      const { offset, size } = params.entry(name);
      for (let q = 0; q < size; q++) w[at + q] = data[offset + q];
      at += size;
    };
    const copySum = (first: string, second: string) => {
      const a = params.entry(first);
      const b = params.entry(second);
      for (let q = 0; q < a.size; q++) w[at + q] = data[a.offset + q] + data[b.offset + q];
      at += a.size;
    };
    for (const name of ['W_ir', 'W_iz', 'W_ic', 'W_hr', 'W_hz', 'W_hc']) copy(name);
    copySum('b_ir', 'b_hr');
    copySum('b_iz', 'b_hz');
    for (const name of ['b_ic', 'b_hc', 'W_out', 'b_out', 'w_value', 'b_value']) copy(name);
    this.views.f32().set(w, this.weights / 4);
    this.loaded.remember(data);
  }

  private reserveStep(sessions: number): void {
    if (sessions <= this.stepCapacity) return;
    this.evict();
    this.stepCapacity = Math.max(sessions, 2 * this.stepCapacity);
    this.relayout(this.layout?.capacity ?? 0);
  }

  private reserveBatch(steps: number): BatchLayout {
    if (this.layout !== undefined && steps <= this.layout.capacity) return this.layout;
    this.evict();
    return this.relayout(Math.max(steps, this.layout?.capacity ?? 0));
  }

  private relayout(capacity: number): BatchLayout {
    const { nHidden: H, nInputs, nOutputs } = this.dims;
    const S = this.stepCapacity;
    this.stepPtr = this.fixedEnd;
    let at = this.fixedEnd + align16(8 * S * (H + nInputs + nOutputs + 1));
    const region = (bytes: number) => {
      const start = at;
      at += align16(bytes);
      return start;
    };
    const v128s = (width: number) => region(4 * capacity * width);
    const f64s = (width: number) => region(8 * capacity * width);
    const layout: BatchLayout = {
      capacity,
      U: v128s(nInputs), Hs: v128s(H), R: v128s(H), Z: v128s(H), C: v128s(H), HC: v128s(H),
      D: v128s(4 * H), DL: v128s(nOutputs), DV: v128s(1),
      staging: f64s(Math.max(H, nInputs)), logits: f64s(nOutputs), values: f64s(1), dLogits: f64s(nOutputs), dValues: f64s(1),
      targets: region(4 * capacity), mask: region(capacity), loss: region(16),
    };
    this.views.growTo(at);
    this.layout = layout;
    return layout;
  }

}

function checkLength(name: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) throw new ConfigError([`${name} must have length ${expected}, got ${array.length}`]);
}

