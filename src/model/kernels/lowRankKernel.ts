/**
 * Fused forward pass, one-trial step and backpropagation through time of the low-rank RNN
 * (Mastrogiuseppe & Ostojic 2018), over typed arrays:
 *
 *   W_rec = m nᵀ + M Nᵀ,  x_t = tanh(W_rec h_t + W_in u_t),  h_{t+1} = (1 − leak) h_t + leak x_t,
 *   logits_t = W_out h_{t+1} + b_out,  value_t = w_valueᵀ h_{t+1} + b_value,  h_0 = 0.
 *
 * W_rec is never formed: with A = [m | M] and B = [n | N] (N×k, k = r + 1), W_rec h = A (Bᵀ h), so
 * a trial costs 2Nk multiply-adds for the recurrence instead of N². The overlaps κ_t = Bᵀ h_t are
 * cached by the forward pass, since the backward pass needs them for dA = Σ_t dpre_t κ_tᵀ.
 *
 * Parameters may be Float32Array or Float64Array; every call first copies them into float64
 * workspaces (about 2Nk + N(nInputs + nOutputs + 1) numbers), so the trial loops only ever touch
 * Float64Arrays (monomorphic, and float64 arithmetic throughout).
 */
import type { ParameterSet, Real } from '../parameters.js';
import type { ForwardResult, OutputGradients, SequenceBatch } from '../recurrentModel.js';
import { addFactorGradients } from '../lowRankFactors.js';

/** Sizes and leak of a low-rank network. */
export interface LowRankDims {
  /** Number of units. */
  N: number;
  /** Rank of the M Nᵀ part (the m nᵀ part adds one more). */
  r: number;
  /** Input width. */
  nInputs: number;
  /** Number of policy logits. */
  nOutputs: number;
  /** Leak in (0, 1]. */
  leak: number;
}

/** Views of the nine parameter tensors (row-major, shapes as in the ParameterSet). */
export interface LowRankParams {
  m: Real;
  n: Real;
  M: Real;
  N: Real;
  W_in: Real;
  W_out: Real;
  b_out: Real;
  w_value: Real;
  b_value: Real;
}

/** The parameter names and shapes of a low-rank network, in ParameterSet order. */
export function lowRankParameterSpec({ N, r, nInputs, nOutputs }: LowRankDims): { name: keyof LowRankParams; shape: number[] }[] {
  return [
    { name: 'm', shape: [N] },
    { name: 'n', shape: [N] },
    { name: 'M', shape: [N, r] },
    { name: 'N', shape: [N, r] },
    { name: 'W_in', shape: [N, nInputs] },
    { name: 'W_out', shape: [nOutputs, N] },
    { name: 'b_out', shape: [nOutputs] },
    { name: 'w_value', shape: [N] },
    { name: 'b_value', shape: [1] },
  ];
}

/** Named live views of a ParameterSet laid out by `lowRankParameterSpec`. */
export function lowRankParams(set: ParameterSet): LowRankParams {
  return {
    m: set.view('m'),
    n: set.view('n'),
    M: set.view('M'),
    N: set.view('N'),
    W_in: set.view('W_in'),
    W_out: set.view('W_out'),
    b_out: set.view('b_out'),
    w_value: set.view('w_value'),
    b_value: set.view('b_value'),
  };
}

function asParams(params: ParameterSet | LowRankParams): LowRankParams {
  return 'entries' in params ? lowRankParams(params as ParameterSet) : params;
}

/**
 * Float64 copies of the weights in the layouts the loops want, per-trial scratch, per-batch
 * backward buffers and gradient accumulators. A model keeps one so that `lowRankStep` does not
 * allocate; without one, each call makes its own.
 */
export class LowRankWorkspace {
  /** Columns of the packed factors, r + 1. */
  readonly k: number;
  /** [m | M], N×k (for `LowRankRecurrentLayer`-style readers; the loops use At). */
  readonly A: Float64Array;
  /** Aᵀ, k×N. */
  readonly At: Float64Array;
  /** [n | N]ᵀ, k×N. */
  readonly Bt: Float64Array;
  /** W_inᵀ, nInputs×N. */
  readonly WinT: Float64Array;
  readonly Wout: Float64Array;
  readonly bOut: Float64Array;
  readonly wValue: Float64Array;
  bValue = 0;
  readonly kappa: Float64Array;
  readonly pre: Float64Array;
  readonly zeros: Float64Array;
  readonly dh: Float64Array;
  /** dpre_t and dκ_t of every trial of the batch, for the deferred outer products. */
  dPre: Float64Array = new Float64Array(0);
  dKappa: Float64Array = new Float64Array(0);
  readonly gradA: Float64Array;
  readonly gradB: Float64Array;
  readonly gradWin: Float64Array;
  readonly gradWout: Float64Array;
  readonly gradBOut: Float64Array;
  readonly gradWValue: Float64Array;

  constructor(readonly dims: LowRankDims) {
    const { N, r, nInputs, nOutputs } = dims;
    const k = r + 1;
    this.k = k;
    this.A = new Float64Array(N * k);
    this.At = new Float64Array(N * k);
    this.Bt = new Float64Array(N * k);
    this.WinT = new Float64Array(N * nInputs);
    this.Wout = new Float64Array(nOutputs * N);
    this.bOut = new Float64Array(nOutputs);
    this.wValue = new Float64Array(N);
    this.kappa = new Float64Array(k);
    this.pre = new Float64Array(N);
    this.zeros = new Float64Array(N);
    this.dh = new Float64Array(N);
    this.gradA = new Float64Array(N * k);
    this.gradB = new Float64Array(N * k);
    this.gradWin = new Float64Array(N * nInputs);
    this.gradWout = new Float64Array(nOutputs * N);
    this.gradBOut = new Float64Array(nOutputs);
    this.gradWValue = new Float64Array(N);
  }

  /** Copy (and widen) the current parameter values into the float64 layouts. */
  load(params: LowRankParams): void {
    const { N, r, nInputs } = this.dims;
    const { k, A, At, Bt, WinT } = this;
    const { m, n, M, W_in } = params;
    const Nf = params.N;
    for (let i = 0; i < N; i++) {
      A[i * k] = At[i] = m[i];
      Bt[i] = n[i];
      for (let j = 0; j < r; j++) {
        A[i * k + j + 1] = At[(j + 1) * N + i] = M[i * r + j];
        Bt[(j + 1) * N + i] = Nf[i * r + j];
      }
      for (let c = 0; c < nInputs; c++) WinT[c * N + i] = W_in[i * nInputs + c];
    }
    this.Wout.set(params.W_out);
    this.bOut.set(params.b_out);
    this.wValue.set(params.w_value);
    this.bValue = params.b_value[0];
  }

  /** Backward buffers for `steps` trials, grown on demand and then reused. */
  reserve(steps: number): void {
    const { N } = this.dims;
    if (this.dPre.length < steps * N) {
      this.dPre = new Float64Array(steps * N);
      this.dKappa = new Float64Array(steps * this.k);
    }
  }
}

function workspaceFor(dims: LowRankDims, workspace: LowRankWorkspace | undefined): LowRankWorkspace {
  if (workspace === undefined) return new LowRankWorkspace(dims);
  const d = workspace.dims;
  if (d.N !== dims.N || d.r !== dims.r || d.nInputs !== dims.nInputs || d.nOutputs !== dims.nOutputs) {
    throw new RangeError(`workspace dims ${JSON.stringify(d)} do not match ${JSON.stringify(dims)}`);
  }
  return workspace;
}

function asFloat64(values: Real): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

// The loops below keep four independent partial sums (or four rows per pass): a single running
// sum is bound by the latency of floating-point addition, and that halves the throughput here.

/** Σ_i a[aOff + i] b[bOff + i], i < length. */
function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < length; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + (s2 + s3);
}

/** y[0..N) += Σ_j rows[j*N ..] coeff[cOff + j], j < count (rows of a row-major count×N matrix). */
function addRows(y: Float64Array, rows: Float64Array, coeff: Float64Array, cOff: number, count: number, N: number): void {
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const c0 = coeff[cOff + j];
    const c1 = coeff[cOff + j + 1];
    const c2 = coeff[cOff + j + 2];
    const c3 = coeff[cOff + j + 3];
    const r0 = j * N;
    const r1 = r0 + N;
    const r2 = r1 + N;
    const r3 = r2 + N;
    for (let i = 0; i < N; i++) y[i] += rows[r0 + i] * c0 + rows[r1 + i] * c1 + (rows[r2 + i] * c2 + rows[r3 + i] * c3);
  }
  for (; j < count; j++) {
    const c0 = coeff[cOff + j];
    if (c0 === 0) continue;
    const r0 = j * N;
    for (let i = 0; i < N; i++) y[i] += rows[r0 + i] * c0;
  }
}

/**
 * g[i*cols + j] += Σ_q a[aOff + q*aStride + i] c[cOff + q*cStride + j], q < count: the sum of
 * `count` outer products, four per pass over g.
 */
function addOuterProducts(
  g: Float64Array, rows: number, cols: number,
  a: Float64Array, aOff: number, aStride: number,
  c: Float64Array, cOff: number, cStride: number, count: number,
): void {
  const blocked = count - (count % 4);
  addOuterProductBlocks(g, rows, cols, a, aOff, aStride, c, cOff, cStride, blocked);
  // The remainder goes through its own function: a remainder loop inside the hot one, skipped by
  // the first (long) calls, made V8 throw its optimised code away on every later call.
  for (let q = blocked; q < count; q++) addOuterProduct(g, rows, cols, a, aOff + q * aStride, c, cOff + q * cStride);
}

function addOuterProductBlocks(
  g: Float64Array, rows: number, cols: number,
  a: Float64Array, aOff: number, aStride: number,
  c: Float64Array, cOff: number, cStride: number, count: number,
): void {
  for (let q = 0; q < count; q += 4) {
    const a0 = aOff + q * aStride;
    const a1 = a0 + aStride;
    const a2 = a1 + aStride;
    const a3 = a2 + aStride;
    const c0 = cOff + q * cStride;
    const c1 = c0 + cStride;
    const c2 = c1 + cStride;
    const c3 = c2 + cStride;
    for (let i = 0; i < rows; i++) {
      const v0 = a[a0 + i];
      const v1 = a[a1 + i];
      const v2 = a[a2 + i];
      const v3 = a[a3 + i];
      const row = i * cols;
      for (let j = 0; j < cols; j++) g[row + j] += v0 * c[c0 + j] + v1 * c[c1 + j] + (v2 * c[c2 + j] + v3 * c[c3 + j]);
    }
  }
}

function addOuterProduct(g: Float64Array, rows: number, cols: number, a: Float64Array, aOff: number, c: Float64Array, cOff: number): void {
  for (let i = 0; i < rows; i++) {
    const v = a[aOff + i];
    const row = i * cols;
    for (let j = 0; j < cols; j++) g[row + j] += v * c[cOff + j];
  }
}

/**
 * One trial of one session: κ = Bᵀh_in into `kappaOut`, x into `xOut`, h_out = (1 − leak) h_in + leak x.
 * `hIn` and `hOut` may be the same slots (in-place step). Shared by forward and step so that the
 * two agree to the last bit.
 */
function advance(
  ws: LowRankWorkspace, leak: number,
  hIn: Float64Array, inOff: number, hOut: Float64Array, outOff: number,
  u: Float64Array, uOff: number, xOut: Float64Array, xOff: number, kappaOut: Float64Array, kOff: number,
): void {
  const { N, nInputs } = ws.dims;
  const { k, At, Bt, WinT, kappa, pre } = ws;
  for (let j = 0; j < k; j++) {
    const s = dot(Bt, j * N, hIn, inOff, N);
    kappa[j] = s;
    kappaOut[kOff + j] = s;
  }
  pre.fill(0);
  addRows(pre, At, kappa, 0, k, N);
  addRows(pre, WinT, u, uOff, nInputs, N);
  const decay = 1 - leak;
  for (let i = 0; i < N; i++) {
    const x = Math.tanh(pre[i]);
    xOut[xOff + i] = x;
    hOut[outOff + i] = decay * hIn[inOff + i] + leak * x;
  }
}

/** Logits into `logits[lOff..]`; returns the value. */
function readout(ws: LowRankWorkspace, h: Float64Array, hOff: number, logits: Float64Array, lOff: number): number {
  const { N, nOutputs } = ws.dims;
  const { Wout, bOut } = ws;
  for (let o = 0; o < nOutputs; o++) logits[lOff + o] = bOut[o] + dot(Wout, o * N, h, hOff, N);
  return ws.bValue + dot(ws.wValue, 0, h, hOff, N);
}

// The trial loops live in their own functions, apart from the allocation and result objects:
// V8 then optimises them as whole functions rather than on-stack, which it kept undoing.
function forwardLoop(
  ws: LowRankWorkspace, leak: number, nSessions: number, nTrials: number, inputs: Float64Array,
  hidden: Float64Array, activations: Float64Array, kappas: Float64Array, logits: Float64Array, values: Float64Array,
): void {
  const { N, nInputs, nOutputs } = ws.dims;
  const { k, zeros } = ws;
  for (let b = 0; b < nSessions; b++) {
    for (let t = 0; t < nTrials; t++) {
      const step = b * nTrials + t;
      const off = step * N;
      const hIn = t === 0 ? zeros : hidden;
      advance(ws, leak, hIn, t === 0 ? 0 : off - N, hidden, off, inputs, step * nInputs, activations, off, kappas, step * k);
      values[step] = readout(ws, hidden, off, logits, step * nOutputs);
    }
  }
}

/**
 * Forward pass over B sessions of T trials from h_0 = 0. Returns h_{t+1}, logits and values
 * (session-major), with `cache.activations` = x_t (B*T*N) and `cache.kappa` = Bᵀh_t (B*T*k).
 * @example
 * const result = lowRankForward(model.parameters, { N: 32, r: 8, nInputs: 4, nOutputs: 2, leak: 0.2 }, batch);
 * result.logits[(b * T + t) * 2 + 1]; // logit of action 1 after trial t of session b
 */
export function lowRankForward(params: ParameterSet | LowRankParams, dims: LowRankDims, batch: SequenceBatch, workspace?: LowRankWorkspace): ForwardResult {
  const ws = workspaceFor(dims, workspace);
  ws.load(asParams(params));
  const { N, nOutputs } = dims;
  const { nSessions, nTrials } = batch;
  const inputs = asFloat64(batch.inputs);
  const steps = nSessions * nTrials;
  const hidden = new Float64Array(steps * N);
  const activations = new Float64Array(steps * N);
  const kappas = new Float64Array(steps * ws.k);
  const logits = new Float64Array(steps * nOutputs);
  const values = new Float64Array(steps);
  forwardLoop(ws, dims.leak, nSessions, nTrials, inputs, hidden, activations, kappas, logits, values);
  return { nSessions, nTrials, hidden, logits, values, cache: { activations, kappa: kappas } };
}

/**
 * One trial for a cohort of S sessions, in place: `state` (S×N) becomes h_{t+1}; logits (S×nOutputs)
 * and values (S) are read out from it. Bit-identical to the corresponding trial of `lowRankForward`.
 * @example
 * const state = new Float64Array(S * 32);
 * lowRankStep(model.parameters, dims, state, inputs, logits, values);
 */
export function lowRankStep(
  params: ParameterSet | LowRankParams, dims: LowRankDims,
  state: Float64Array, inputs: Real, logits: Float64Array, values: Float64Array,
  workspace?: LowRankWorkspace,
): void {
  const ws = workspaceFor(dims, workspace);
  ws.load(asParams(params));
  const { N, nInputs, nOutputs, leak } = dims;
  const u = asFloat64(inputs);
  const nSessions = values.length;
  for (let s = 0; s < nSessions; s++) {
    const off = s * N;
    // x only needs a scratch slot here; pre[i] is read before x_i overwrites it.
    advance(ws, leak, state, off, state, off, u, s * nInputs, ws.pre, 0, ws.kappa, 0);
    values[s] = readout(ws, state, off, logits, s * nOutputs);
  }
}

/** The backward walk over trials: fills ws.dPre and ws.dKappa for every trial of the batch. */
function backwardLoop(ws: LowRankWorkspace, leak: number, nSessions: number, nTrials: number, forward: ForwardResult, outputGradients: OutputGradients): void {
  const { N, nOutputs } = ws.dims;
  const { k, At, Bt, Wout, wValue, dh, dPre, dKappa } = ws;
  const decay = 1 - leak;
  const { activations } = forward.cache;
  const { dLogits, dValues, dActivations } = outputGradients;
  for (let b = 0; b < nSessions; b++) {
    dh.fill(0);
    for (let t = nTrials - 1; t >= 0; t--) {
      const step = b * nTrials + t;
      const off = step * N;
      if (dValues !== undefined) addRows(dh, wValue, dValues, step, 1, N);
      if (dLogits !== undefined) addRows(dh, Wout, dLogits, step * nOutputs, nOutputs, N);
      for (let i = 0; i < N; i++) {
        const x = activations[off + i];
        let dx = leak * dh[i];
        if (dActivations !== undefined) dx += dActivations[off + i];
        dPre[off + i] = dx * (1 - x * x);
      }
      const kOff = step * k;
      for (let j = 0; j < k; j++) dKappa[kOff + j] = dot(At, j * N, dPre, off, N);
      for (let i = 0; i < N; i++) dh[i] *= decay;
      addRows(dh, Bt, dKappa, kOff, k, N);
    }
  }
}

/**
 * Exact backpropagation through time over the whole batch: adds dLoss/dParameters into `grads`
 * (same layout as the parameters). `outputGradients.dActivations` is an extra gradient on x_t,
 * added to the one flowing back from later trials.
 *
 * Per session, walking t = T−1 … 0 with dh = dLoss/dh_{t+1} (readouts of trial t included):
 * dpre_t = (leak·dh + dx_extra) ⊙ (1 − x_t²); dκ_t = Aᵀ dpre_t; dh_t = (1 − leak) dh + B dκ_t.
 * The weight gradients are sums of outer products over trials, formed after the walk:
 * dA = Σ dpre_t κ_tᵀ, dB = Σ h_t dκ_tᵀ, dW_in = Σ dpre_t u_tᵀ, dW_out = Σ dlogits_t h_{t+1}ᵀ.
 * @example
 * const grads = model.parameters.zerosLike();
 * const forward = lowRankForward(model.parameters, dims, batch);
 * lowRankBackward(model.parameters, dims, batch, forward, { dLogits }, grads);
 */
export function lowRankBackward(
  params: ParameterSet | LowRankParams, dims: LowRankDims, batch: SequenceBatch, forward: ForwardResult,
  outputGradients: OutputGradients, grads: ParameterSet | LowRankParams, workspace?: LowRankWorkspace,
): void {
  const ws = workspaceFor(dims, workspace);
  ws.load(asParams(params));
  const { N, nInputs, nOutputs, leak } = dims;
  const { nSessions, nTrials } = batch;
  const steps = nSessions * nTrials;
  ws.reserve(steps);
  const inputs = asFloat64(batch.inputs);
  const { hidden } = forward;
  const { kappa } = forward.cache;
  const { dLogits, dValues } = outputGradients;
  backwardLoop(ws, leak, nSessions, nTrials, forward, outputGradients);
  const { k, dPre, dKappa, gradA, gradB, gradWin, gradWout, gradBOut, gradWValue } = ws;
  gradA.fill(0);
  gradB.fill(0);
  gradWin.fill(0);
  gradWout.fill(0);
  gradBOut.fill(0);
  gradWValue.fill(0);
  addOuterProducts(gradA, N, k, dPre, 0, N, kappa, 0, k, steps);
  addOuterProducts(gradWin, N, nInputs, dPre, 0, N, inputs, 0, nInputs, steps);
  // h_0 = 0, so dB collects trials 1 … T−1 of each session, paired with h_t = hidden of trial t − 1.
  for (let b = 0; b < nSessions; b++) {
    const first = b * nTrials + 1;
    addOuterProducts(gradB, N, k, hidden, (first - 1) * N, N, dKappa, first * k, k, nTrials - 1);
  }
  const gradBValue = new Float64Array(1);
  if (dLogits !== undefined) {
    addOuterProducts(gradWout, nOutputs, N, dLogits, 0, nOutputs, hidden, 0, N, steps);
    addColumnSums(gradBOut, dLogits, steps, nOutputs);
  }
  if (dValues !== undefined) {
    addOuterProducts(gradWValue, 1, N, dValues, 0, 1, hidden, 0, N, steps);
    addColumnSums(gradBValue, dValues, steps, 1);
  }
  scatterGradients(ws, gradBValue, asParams(grads));
}

/** Add the float64 accumulators onto the caller's gradient tensors (column 0 of A/B is m/n). */
function scatterGradients(ws: LowRankWorkspace, gradBValue: Float64Array, grads: LowRankParams): void {
  addFactorGradients(grads, ws.gradA, ws.gradB);
  addInto(grads.W_in, ws.gradWin);
  addInto(grads.W_out, ws.gradWout);
  addInto(grads.b_out, ws.gradBOut);
  addInto(grads.w_value, ws.gradWValue);
  addInto(grads.b_value, gradBValue);
}

/** sums[c] += Σ_row values[row*cols + c]. */
function addColumnSums(sums: Float64Array, values: Float64Array, rows: number, cols: number): void {
  for (let row = 0; row < rows; row++) for (let c = 0; c < cols; c++) sums[c] += values[row * cols + c];
}

function addInto(target: Real, source: Float64Array): void {
  for (let i = 0; i < source.length; i++) target[i] += source[i];
}
