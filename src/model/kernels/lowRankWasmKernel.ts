/**
 * The low-rank RNN kernel of lowRankKernel.ts in float32 WebAssembly SIMD (./wasm/assembly/
 * lowRankSimd.ts): four sessions per f32x4 lane group, so each vector operation advances four
 * sessions at once. This class owns one instance's linear memory and its layout:
 *
 *   [weights f32 | scratch v128 | per-group accumulators v128 | gradients f64 | heterogeneity f64]
 *   [step buffers f64: state, inputs, logits, values]                     (sized for S sessions)
 *   [U | H | X | K lane groups v128 | staging f64 | logits | values | dLogits | dValues f64]
 *                                                                          (sized for B·T trials)
 *
 * A forward pass leaves its per-trial buffers (inputs U, states H, tanh outputs X, overlaps K) in
 * wasm memory, where `backward` reads them; its `hidden` and `cache` arrays are unpacked to the
 * session-major float64 layout of recurrentModel.ts only when read. Before another forward pass
 * overwrites them, the previous result copies them out, so every ForwardResult stays valid.
 */
import { align16, paddedSteps, LoadedBits, WASM_BASE, WasmViews } from './wasmMemory.js';
import type { ParameterSet, Real } from '../parameters.js';
import type { ForwardResult, OutputGradients, SequenceBatch } from '../recurrentModel.js';
import { lowRankParams, type LowRankDims, type LowRankParams } from './lowRankKernel.js';
import { instantiateLowRankSimd, type LowRankSimdExports } from './lowRankSimdModule.js';
import { addFactorGradients } from '../lowRankFactors.js';

/** Output gradients plus a response-heterogeneity term whose gradient on x_t the kernel forms itself. */
export interface LowRankOutputGradients extends OutputGradients {
  /**
   * Weight w of w · H(x) in the loss, H the response heterogeneity of `heterogeneityPenalty`
   * (src/metrics/activationHeterogeneity.ts) over the B·T rows of the batch; its gradient on every
   * x_t is added to `dActivations` without materialising it. Default 0.
   */
  heterogeneityWeight?: number;
}

/** Response heterogeneity of a forward pass and its gradient with respect to the row norms of W_in. */
export interface FusedHeterogeneity {
  /** Mean over rows of the variance across units of rᵢ = leak (1 − xᵢ²) ‖W_in[i, :]‖. */
  value: number;
  /** d value / d‖W_in[i, :]‖, length N. */
  dInputNorm: Float64Array;
}

type Buffer = 'U' | 'H' | 'X' | 'K';

interface BatchLayout {
  /** Padded session-steps (4 · ⌈B/4⌉ · T) the regions hold. */
  capacity: number;
  U: number;
  H: number;
  X: number;
  K: number;
  staging: number;
  logits: number;
  values: number;
  dLogits: number;
  dValues: number;
}

/**
 * A ForwardResult whose arrays live in the kernel's wasm memory until read.
 * `hidden`, `cache.activations` (x_t) and `cache.kappa` (Bᵀh_t) unpack on first access.
 */
export class LowRankWasmForward implements ForwardResult {
  readonly cache: Record<string, Float64Array>;
  /** Raw copies of U, H, X, K, made when another forward pass takes the wasm buffers. */
  saved: Uint8Array[] | undefined;
  /** Set by `release()`: the buffers may be overwritten without a copy. */
  released = false;
  private unpacked = new Map<Buffer, Float64Array>();

  constructor(
    readonly kernel: LowRankWasmKernel,
    readonly nSessions: number,
    readonly nTrials: number,
    readonly logits: Float64Array,
    readonly values: Float64Array,
    /** Computed by the forward pass itself (undefined when not asked for). */
    readonly heterogeneity: FusedHeterogeneity | undefined,
  ) {
    const cache = {} as Record<string, Float64Array>;
    Object.defineProperty(cache, 'activations', { enumerable: true, get: () => this.read('X') });
    Object.defineProperty(cache, 'kappa', { enumerable: true, get: () => this.read('K') });
    this.cache = cache;
  }

  /**
   * Promise not to read `hidden`, `cache` or pass this result to `backward` again (logits and
   * values stay valid), so the next forward pass need not copy its buffers out of wasm memory.
   * The Trainer calls it after each step.
   */
  release(): void {
    this.released = true;
    this.saved = undefined;
    this.unpacked.clear();
  }

  /** B*T*N states h_{t+1}, session-major. */
  get hidden(): Float64Array {
    return this.read('H');
  }

  private read(buffer: Buffer): Float64Array {
    if (this.released) throw new Error('this forward result was released; its hidden states and cache are gone');
    let values = this.unpacked.get(buffer);
    if (values === undefined) {
      values = this.kernel.unpackResult(this, buffer);
      this.unpacked.set(buffer, values);
    }
    return values;
  }
}

/**
 * A closed-loop episode being recorded trial by trial into a kernel's batch buffers
 * (`LowRankWasmKernel.beginRollout`): `step` plays the next trial, `finish` hands over the
 * episode's forward pass. Any other pass of the kernel in between interrupts it (its calls then throw).
 */
export class LowRankWasmRollout {
  private trial = 0;

  constructor(
    private readonly kernel: LowRankWasmKernel,
    /** The batch buffers it records into. */
    readonly layout: Readonly<BatchLayout>,
    readonly nSessions: number,
    readonly nTrials: number,
  ) {}

  /** Trials recorded so far. */
  get trialsRecorded(): number {
    return this.trial;
  }

  /** Play the next trial: `inputs` S×nInputs in, `logits` S×nOutputs and `values` S out. */
  step(inputs: Real, logits: Float64Array, values: Float64Array): void {
    if (this.trial >= this.nTrials) throw new RangeError(`this rollout holds ${this.nTrials} trials, all recorded`);
    this.kernel.recordTrial(this, this.trial, inputs, logits, values);
    this.trial += 1;
  }

  /** The episode's forward pass; all `nTrials` trials must have been recorded. */
  finish(): LowRankWasmForward {
    if (this.trial !== this.nTrials) throw new RangeError(`finish needs all ${this.nTrials} trials recorded, got ${this.trial}`);
    return this.kernel.finishRollout(this);
  }
}

/**
 * @example
 * const kernel = new LowRankWasmKernel({ N: 32, r: 8, nInputs: 4, nOutputs: 2, leak: 0.2 });
 * const forward = kernel.forward(model.parameters, batch);
 * kernel.backward(model.parameters, batch, forward, { dLogits }, grads);
 */
export class LowRankWasmKernel {
  readonly k: number;
  private readonly wasm: LowRankSimdExports;
  private readonly weights: number;
  private readonly grads: number;
  private readonly het: number;
  private readonly fixedEnd: number;
  private readonly weightValues: Float64Array;
  private stepCapacity = 0;
  private stepPtr = 0;
  private layout: BatchLayout | undefined;
  private resident: LowRankWasmForward | undefined;
  /** A rollout being recorded into the batch buffers; any other use of the buffers ends it. */
  private recording: LowRankWasmRollout | undefined;
  /** The ParameterSet values last loaded, to skip reloading unchanged weights (closed-loop play). */
  private readonly loaded = new LoadedBits();
  private readonly views: WasmViews;

  constructor(readonly dims: LowRankDims) {
    const { N, r, nInputs, nOutputs, leak } = dims;
    const k = r + 1;
    this.k = k;
    this.wasm = instantiateLowRankSimd();
    this.views = new WasmViews(this.wasm.memory);
    const w = this.wasm;
    this.weights = WASM_BASE;
    const scratch = this.weights + align16(4 * w.weightFloats(N, k, nInputs, nOutputs));
    const acc = scratch + 16 * w.scratchVectors(N, k, nInputs, nOutputs);
    this.grads = acc + 16 * w.accumulatorVectors(N, k, nInputs, nOutputs);
    this.het = this.grads + align16(8 * (2 * N * k + N * nInputs + nOutputs * N + nOutputs + N + 1));
    this.fixedEnd = this.het + align16(8 * (N + 1));
    this.weightValues = new Float64Array(w.weightFloats(N, k, nInputs, nOutputs));
    this.views.growTo(this.fixedEnd);
    w.configure(N, k, nInputs, nOutputs, leak, this.weights, scratch, acc);
  }

  /** Forward pass over a batch from h_0 = 0; with `heterogeneity`, also the fused response heterogeneity. */
  forward(params: ParameterSet | LowRankParams, batch: SequenceBatch, heterogeneity = true): LowRankWasmForward {
    const { nSessions, nTrials, inputs } = batch;
    const { N, nInputs, nOutputs } = this.dims;
    this.interruptRecording();
    this.evict();
    const layout = this.reserveBatch(paddedSteps(nSessions, nTrials));
    this.loadWeights(params);
    this.views.f64().set(inputs, layout.staging / 8);
    const w = this.wasm;
    w.pack(layout.staging, layout.U, nSessions, nTrials, nInputs);
    const steps = nSessions * nTrials;
    w.forward(nSessions, nTrials, layout.U, layout.H, layout.X, layout.K, layout.logits, layout.values, this.het, heterogeneity ? steps : 0);
    const f64 = this.views.f64();
    const logits = f64.slice(layout.logits / 8, layout.logits / 8 + steps * nOutputs);
    const values = f64.slice(layout.values / 8, layout.values / 8 + steps);
    const fused = heterogeneity ? { value: f64[this.het / 8], dInputNorm: f64.slice(this.het / 8 + 1, this.het / 8 + 1 + N) } : undefined;
    const result = new LowRankWasmForward(this, nSessions, nTrials, logits, values, fused);
    this.resident = result;
    return result;
  }

  /**
   * Start recording a closed-loop episode of `nSessions` × `nTrials` into the batch buffers, trial
   * by trial, with the weights of `params` as they are now. Its `finish()` is the forward pass that
   * `forward` would compute over the episode's inputs, bit for bit, so BPTT need not run it again.
   * @example
   * const rollout = kernel.beginRollout(model.parameters, 64, 150);
   * for (let t = 0; t < 150; t++) { rollout.step(inputs, logits, values); ... }
   * kernel.backward(model.parameters, batch, rollout.finish(), { dLogits }, grads);
   */
  beginRollout(params: ParameterSet, nSessions: number, nTrials: number): LowRankWasmRollout {
    this.interruptRecording();
    this.evict();
    const layout = this.reserveBatch(paddedSteps(nSessions, nTrials));
    this.loadWeights(params);
    // Padding lanes must read zero inputs; the trials' own lanes are written as they are played.
    new Uint8Array(this.wasm.memory.buffer).fill(0, layout.U, layout.U + 4 * paddedSteps(nSessions, nTrials) * this.dims.nInputs);
    const rollout = new LowRankWasmRollout(this, layout, nSessions, nTrials);
    this.recording = rollout;
    return rollout;
  }

  /** One trial of `rollout` (called by LowRankWasmRollout.step). */
  recordTrial(rollout: LowRankWasmRollout, t: number, inputs: Real, logits: Float64Array, values: Float64Array): void {
    if (this.recording !== rollout) throw new Error('this rollout was interrupted: the kernel ran another pass since it began');
    const { layout, nSessions: S, nTrials: T } = rollout;
    const { nInputs, nOutputs } = this.dims;
    const f32 = this.views.f32();
    // U[g][t][c] lane l holds session 4g + l's input c.
    for (let s = 0; s < S; s++) {
      const base = layout.U / 4 + ((((s >> 2) * T + t) * nInputs) << 2) + (s & 3);
      for (let c = 0; c < nInputs; c++) f32[base + 4 * c] = inputs[s * nInputs + c];
    }
    this.wasm.forwardTrial(S, T, t, layout.U, layout.H, layout.X, layout.K, layout.logits, layout.values);
    const f64 = this.views.f64();
    for (let s = 0; s < S; s++) {
      const row = s * T + t;
      for (let a = 0; a < nOutputs; a++) logits[s * nOutputs + a] = f64[layout.logits / 8 + row * nOutputs + a];
      values[s] = f64[layout.values / 8 + row];
    }
  }

  /** The recorded pass as a resident forward result (called by LowRankWasmRollout.finish). */
  finishRollout(rollout: LowRankWasmRollout): LowRankWasmForward {
    if (this.recording !== rollout) throw new Error('this rollout was interrupted: the kernel ran another pass since it began');
    this.recording = undefined;
    const { layout, nSessions, nTrials } = rollout;
    const steps = nSessions * nTrials;
    const N = this.dims.N;
    this.wasm.heterogeneity(nSessions, nTrials, layout.X, this.het, steps);
    const f64 = this.views.f64();
    const logits = f64.slice(layout.logits / 8, layout.logits / 8 + steps * this.dims.nOutputs);
    const values = f64.slice(layout.values / 8, layout.values / 8 + steps);
    const fused = { value: f64[this.het / 8], dInputNorm: f64.slice(this.het / 8 + 1, this.het / 8 + 1 + N) };
    const result = new LowRankWasmForward(this, nSessions, nTrials, logits, values, fused);
    this.resident = result;
    return result;
  }

  private interruptRecording(): void {
    this.recording = undefined;
  }

  /** One trial for a cohort of S = values.length sessions, in place on `state` (S×N float64). */
  step(params: ParameterSet | LowRankParams, state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array): void {
    const { N, nInputs, nOutputs } = this.dims;
    const S = values.length;
    this.interruptRecording();
    this.reserveStep(S);
    this.loadWeights(params);
    const statePtr = this.stepPtr;
    const inputPtr = statePtr + 8 * S * N;
    const logitPtr = inputPtr + 8 * S * nInputs;
    const valuePtr = logitPtr + 8 * S * nOutputs;
    const f64 = this.views.f64();
    f64.set(state, statePtr / 8);
    f64.set(inputs, inputPtr / 8);
    this.wasm.step(S, statePtr, inputPtr, logitPtr, valuePtr);
    state.set(f64.subarray(statePtr / 8, statePtr / 8 + S * N));
    logits.set(f64.subarray(logitPtr / 8, logitPtr / 8 + S * nOutputs));
    values.set(f64.subarray(valuePtr / 8, valuePtr / 8 + S));
  }

  /**
   * Exact BPTT (float32) over a forward pass: adds the gradients into `grads`. A forward pass of this
   * kernel is used as it was computed (its own inputs); any other ForwardResult must carry `hidden`,
   * `cache.activations` and `cache.kappa` in the layout of lowRankForward.
   */
  backward(
    params: ParameterSet | LowRankParams, batch: SequenceBatch, forward: ForwardResult,
    outputGradients: LowRankOutputGradients, grads: ParameterSet | LowRankParams,
  ): void {
    const { nSessions, nTrials } = batch;
    const { N, nInputs } = this.dims;
    this.interruptRecording();
    const layout = forward instanceof LowRankWasmForward && forward.kernel === this
      ? this.makeResident(forward)
      : this.packForeign(batch, forward);
    this.loadWeights(params);
    const { dLogits, dValues, dActivations, heterogeneityWeight = 0 } = outputGradients;
    const f64 = this.views.f64();
    if (dLogits !== undefined) f64.set(dLogits, layout.dLogits / 8);
    if (dValues !== undefined) f64.set(dValues, layout.dValues / 8);
    if (dActivations !== undefined) f64.set(dActivations, layout.staging / 8);
    this.wasm.backward(
      nSessions, nTrials, layout.U, layout.H, layout.X, layout.K,
      dLogits === undefined ? 0 : layout.dLogits, dValues === undefined ? 0 : layout.dValues,
      dActivations === undefined ? 0 : layout.staging, heterogeneityWeight, nSessions * nTrials, this.grads,
    );
    const g = this.views.f64();
    let at = this.grads / 8;
    const take = (count: number) => g.subarray(at, (at += count));
    addFactorGradients(asParams(grads), take(N * this.k), take(N * this.k));
    const out = asParams(grads);
    addInto(out.W_in, take(N * nInputs));
    addInto(out.W_out, take(this.dims.nOutputs * N));
    addInto(out.b_out, take(this.dims.nOutputs));
    addInto(out.w_value, take(N));
    addInto(out.b_value, take(1));
  }

  /** Session-major float64 copy of one of a result's buffers (called by LowRankWasmForward). */
  unpackResult(result: LowRankWasmForward, buffer: Buffer): Float64Array {
    const layout = this.makeResident(result);
    const { nSessions, nTrials } = result;
    const width = buffer === 'K' ? this.k : buffer === 'U' ? this.dims.nInputs : this.dims.N;
    this.wasm.unpack(layout[buffer], layout.staging, nSessions, nTrials, width);
    const start = layout.staging / 8;
    return this.views.f64().slice(start, start + nSessions * nTrials * width);
  }

  private makeResident(result: LowRankWasmForward): BatchLayout {
    if (result.released) throw new Error('backward needs a forward result that was not released');
    if (this.resident === result && this.layout) return this.layout;
    this.interruptRecording();
    this.evict();
    const layout = this.reserveBatch(paddedSteps(result.nSessions, result.nTrials));
    const saved = result.saved;
    if (saved === undefined) throw new Error('internal: a LowRankWasmForward lost its buffers');
    const bytes = new Uint8Array(this.wasm.memory.buffer);
    bytes.set(saved[0], layout.U);
    bytes.set(saved[1], layout.H);
    bytes.set(saved[2], layout.X);
    bytes.set(saved[3], layout.K);
    this.resident = result;
    return layout;
  }

  /** Copy the resident result's buffers out of wasm memory (once) before they are overwritten. */
  private evict(): void {
    const result = this.resident;
    this.resident = undefined;
    if (result === undefined || result.released || result.saved !== undefined || this.layout === undefined) return;
    const { U, H, X, K } = this.layout;
    const steps = paddedSteps(result.nSessions, result.nTrials);
    const { N, nInputs } = this.dims;
    const buffer = this.wasm.memory.buffer;
    const copy = (at: number, width: number) => new Uint8Array(buffer, at, 4 * steps * width).slice();
    result.saved = [copy(U, nInputs), copy(H, N), copy(X, N), copy(K, this.k)];
  }

  private packForeign(batch: SequenceBatch, forward: ForwardResult): BatchLayout {
    const { nSessions, nTrials, inputs } = batch;
    const { N, nInputs } = this.dims;
    const { activations, kappa } = forward.cache;
    if (activations === undefined || kappa === undefined) {
      throw new RangeError('backward needs forward.cache.activations and forward.cache.kappa (a low-rank forward pass)');
    }
    this.evict();
    const layout = this.reserveBatch(paddedSteps(nSessions, nTrials));
    const sources: [Real, number, number][] = [[inputs, layout.U, nInputs], [forward.hidden, layout.H, N], [activations, layout.X, N], [kappa, layout.K, this.k]];
    for (const [values, dst, width] of sources) {
      this.views.f64().set(values, layout.staging / 8);
      this.wasm.pack(layout.staging, dst, nSessions, nTrials, width);
    }
    return layout;
  }

  /** Float32 copies of the weights in the layouts the wasm loops read (once per call: Adam may have moved them). */
  private loadWeights(params: ParameterSet | LowRankParams): void {
    const { N, r, nInputs, nOutputs } = this.dims;
    const k = this.k;
    const nk = N * k;
    const w = this.weightValues;
    // Read a ParameterSet through offsets into its flat data: no views to allocate per trial.
    const set = 'entries' in params ? (params as ParameterSet) : undefined;
    if (set !== undefined && this.loaded.same(set.data)) return;
    const named = set === undefined ? (params as LowRankParams) : undefined;
    const data: Real = set === undefined ? new Float64Array(0) : set.data;
    const source = (name: keyof LowRankParams): [Real, number] => (set === undefined ? [named![name], 0] : [data, set.entry(name).offset]);
    const [m, mAt] = source('m');
    const [n, nAt] = source('n');
    const [M, MAt] = source('M');
    const [Nf, NAt] = source('N');
    const [Win, WinAt] = source('W_in');
    // At (k×N), A (N×k), Bt (k×N), B (N×k): A = [m | M], B = [n | N].
    for (let i = 0; i < N; i++) {
      w[i] = w[nk + i * k] = m[mAt + i];
      w[2 * nk + i] = w[3 * nk + i * k] = n[nAt + i];
      for (let j = 0; j < r; j++) {
        w[(j + 1) * N + i] = w[nk + i * k + j + 1] = M[MAt + i * r + j];
        w[2 * nk + (j + 1) * N + i] = w[3 * nk + i * k + j + 1] = Nf[NAt + i * r + j];
      }
    }
    let at = 4 * nk;
    for (const [name, size] of [['W_in', N * nInputs], ['W_out', nOutputs * N], ['b_out', nOutputs], ['w_value', N], ['b_value', 1]] as const) {
      const [values, offset] = source(name);
      for (let q = 0; q < size; q++) w[at + q] = values[offset + q];
      at += size;
    }
    for (let i = 0; i < N; i++) {
      let sq = 0;
      for (let c = 0; c < nInputs; c++) sq += Win[WinAt + i * nInputs + c] ** 2;
      w[at + i] = Math.sqrt(sq);
    }
    this.views.f32().set(w, this.weights / 4);
    if (set === undefined) this.loaded.forget();
    else this.loaded.remember(set.data);
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
    const { N, nInputs, nOutputs } = this.dims;
    const S = this.stepCapacity;
    this.stepPtr = this.fixedEnd;
    let at = this.fixedEnd + align16(8 * S * (N + nInputs + nOutputs + 1));
    const region = (bytes: number) => {
      const start = at;
      at += align16(bytes);
      return start;
    };
    const layout: BatchLayout = {
      capacity,
      U: region(4 * capacity * nInputs),
      H: region(4 * capacity * N),
      X: region(4 * capacity * N),
      K: region(4 * capacity * this.k),
      staging: region(8 * capacity * Math.max(N, nInputs)),
      logits: region(8 * capacity * nOutputs),
      values: region(8 * capacity),
      dLogits: region(8 * capacity * nOutputs),
      dValues: region(8 * capacity),
    };
    this.views.growTo(at);
    this.layout = layout;
    return layout;
  }

}

function asParams(params: ParameterSet | LowRankParams): LowRankParams {
  return 'entries' in params ? lowRankParams(params as ParameterSet) : params;
}

function addInto(target: Real, source: Float64Array): void {
  for (let i = 0; i < source.length; i++) target[i] += source[i];
}
