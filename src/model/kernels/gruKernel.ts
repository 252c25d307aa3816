/**
 * Fused forward pass, exact backpropagation through time and cohort step of the gated recurrent
 * unit used as the tiny-RNN baseline of Ji-An, Benna & Mattar (2025, Nature), in PyTorch's GRU
 * convention (Cho et al. 2014 with the reset gate applied after the recurrent matrix):
 *
 *   r = σ(W_ir u + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz u + b_iz + W_hz h + b_hz)
 *   c = tanh(W_ic u + b_ic + r ⊙ (W_hc h + b_hc))
 *   h' = (1 − z) ⊙ c + z ⊙ h
 *   logits = W_out h' + b_out,   value = w_valueᵀ h' + b_value
 *
 * Parameters are separate named tensors (not PyTorch's stacked `weight_ih_l0`) so that analyses
 * can address each gate by name. All arithmetic is float64 whatever the parameter dtype; forward
 * and step share one cell routine, so stepping a cohort reproduces `gruForward` bit for bit.
 */
import { ConfigError } from '../../validation.js';
import type { ParameterSet, Real } from '../parameters.js';
import type { ForwardResult, OutputGradients, SequenceBatch } from '../recurrentModel.js';

/** Sizes of a GRU network. */
export interface GruDims {
  /** Hidden units H. */
  nHidden: number;
  /** Input width per trial. */
  nInputs: number;
  /** Policy logits per trial. */
  nOutputs: number;
}

/**
 * The parameter tensors of a GRU, in the order they are packed (and initialised).
 * @example
 * const params = new ParameterSet(gruParameterSpec({ nHidden: 2, nInputs: 3, nOutputs: 2 }));
 */
export function gruParameterSpec({ nHidden: H, nInputs: I, nOutputs: O }: GruDims): { name: string; shape: number[] }[] {
  return [
    ...['W_ir', 'W_iz', 'W_ic'].map((name) => ({ name, shape: [H, I] })),
    ...['W_hr', 'W_hz', 'W_hc'].map((name) => ({ name, shape: [H, H] })),
    ...['b_ir', 'b_iz', 'b_ic', 'b_hr', 'b_hz', 'b_hc'].map((name) => ({ name, shape: [H] })),
    { name: 'W_out', shape: [O, H] },
    { name: 'b_out', shape: [O] },
    { name: 'w_value', shape: [H] },
    { name: 'b_value', shape: [1] },
  ];
}

/** Offsets of every tensor inside `params.data`, resolved once per ParameterSet. */
interface GruLayout {
  H: number; I: number; O: number;
  W_ir: number; W_iz: number; W_ic: number; W_hr: number; W_hz: number; W_hc: number;
  b_ir: number; b_iz: number; b_ic: number; b_hr: number; b_hz: number; b_hc: number;
  W_out: number; b_out: number; w_value: number; b_value: number;
}

const layouts = new WeakMap<ParameterSet, GruLayout>();

function resolveLayout(params: ParameterSet, { nHidden: H, nInputs: I, nOutputs: O }: GruDims): GruLayout {
  const cached = layouts.get(params);
  if (cached && cached.H === H && cached.I === I && cached.O === O) return cached;
  for (const { name, shape } of gruParameterSpec({ nHidden: H, nInputs: I, nOutputs: O })) {
    const entry = params.entry(name);
    if (entry.shape.length !== shape.length || entry.shape.some((n, k) => n !== shape[k])) {
      throw new ConfigError([`GRU parameter ${name} must have shape [${shape}], got [${entry.shape}]`]);
    }
  }
  const at = (name: string) => params.entry(name).offset;
  // An object literal, so that V8 gives every layout the same fast hidden class.
  const layout: GruLayout = {
    H, I, O,
    W_ir: at('W_ir'), W_iz: at('W_iz'), W_ic: at('W_ic'), W_hr: at('W_hr'), W_hz: at('W_hz'), W_hc: at('W_hc'),
    b_ir: at('b_ir'), b_iz: at('b_iz'), b_ic: at('b_ic'), b_hr: at('b_hr'), b_hz: at('b_hz'), b_hc: at('b_hc'),
    W_out: at('W_out'), b_out: at('b_out'), w_value: at('w_value'), b_value: at('b_value'),
  };
  layouts.set(params, layout);
  return layout;
}

/** Per-unit gate values of one trial; `recurrent` holds W_hc h + b_hc, which the backward pass needs. */
export interface GruGates {
  reset: Float64Array;
  update: Float64Array;
  candidate: Float64Array;
  recurrent: Float64Array;
}

/** Work buffers for `gruStep`, allocated once per model so stepping allocates nothing. */
export interface GruStepScratch extends GruGates {
  next: Float64Array;
}

/** @example const scratch = createGruStepScratch(4); */
export function createGruStepScratch(nHidden: number): GruStepScratch {
  return {
    reset: new Float64Array(nHidden),
    update: new Float64Array(nHidden),
    candidate: new Float64Array(nHidden),
    recurrent: new Float64Array(nHidden),
    next: new Float64Array(nHidden),
  };
}

/** Three gate pre-activations being summed by `addThreeRowDots` (one scratch: JS never re-enters it). */
const gateSums = new Float64Array(3);

/**
 * gateSums[g] += Σ_k p[row_g + k] · v[vOff + k] for the three gate rows at once, term by term in
 * k order (so every sum is bit-stable) and reading each v[k] once.
 */
function addThreeRowDots(p: Real, row0: number, row1: number, row2: number, v: ArrayLike<number>, vOff: number, length: number): void {
  let sum0 = gateSums[0];
  let sum1 = gateSums[1];
  let sum2 = gateSums[2];
  for (let k = 0; k < length; k++) {
    const vk = v[vOff + k];
    sum0 += p[row0 + k] * vk;
    sum1 += p[row1 + k] * vk;
    sum2 += p[row2 + k] * vk;
  }
  gateSums[0] = sum0;
  gateSums[1] = sum1;
  gateSums[2] = sum2;
}

/** One GRU update h → h'. `next` must not overlap `prev`; gates are written at `gateOffset`. */
function gruCell(
  p: Real, L: GruLayout, u: Real, uOff: number, prev: Float64Array, prevOff: number,
  next: Float64Array, nextOff: number, gates: GruGates, gateOffset: number,
): void {
  const { H, I } = L;
  const { reset, update, candidate, recurrent } = gates;
  for (let i = 0; i < H; i++) {
    // Input terms first, then recurrent ones, onto the biases. The reset gate scales only the
    // recurrent part of the candidate, so that part (hc) is summed apart from aC.
    gateSums[0] = p[L.b_ir + i] + p[L.b_hr + i];
    gateSums[1] = p[L.b_iz + i] + p[L.b_hz + i];
    gateSums[2] = p[L.b_ic + i];
    addThreeRowDots(p, L.W_ir + i * I, L.W_iz + i * I, L.W_ic + i * I, u, uOff, I);
    const aC = gateSums[2];
    gateSums[2] = p[L.b_hc + i];
    addThreeRowDots(p, L.W_hr + i * H, L.W_hz + i * H, L.W_hc + i * H, prev, prevOff, H);
    const aR = gateSums[0];
    const aZ = gateSums[1];
    const hc = gateSums[2];
    const r = 1 / (1 + Math.exp(-aR));
    const z = 1 / (1 + Math.exp(-aZ));
    const c = Math.tanh(aC + r * hc);
    const g = gateOffset + i;
    reset[g] = r;
    update[g] = z;
    candidate[g] = c;
    recurrent[g] = hc;
    next[nextOff + i] = (1 - z) * c + z * prev[prevOff + i];
  }
}

function readout(
  p: Real, L: GruLayout, h: Float64Array, hOff: number,
  logits: Float64Array, logitOff: number, values: Float64Array, valueIndex: number,
): void {
  const { H, O } = L;
  for (let k = 0; k < O; k++) {
    let a = p[L.b_out + k];
    const row = L.W_out + k * H;
    for (let j = 0; j < H; j++) a += p[row + j] * h[hOff + j];
    logits[logitOff + k] = a;
  }
  let v = p[L.b_value];
  for (let j = 0; j < H; j++) v += p[L.w_value + j] * h[hOff + j];
  values[valueIndex] = v;
}

function checkLength(name: string, array: ArrayLike<number> | undefined, expected: number): void {
  if (array !== undefined && array.length !== expected) {
    throw new ConfigError([`${name} must have length ${expected}, got ${array.length}`]);
  }
}

function checkBatch(batch: SequenceBatch, nInputs: number): void {
  if (batch.nInputs !== nInputs) throw new ConfigError([`batch.nInputs must be ${nInputs}, got ${batch.nInputs}`]);
  checkLength('batch.inputs', batch.inputs, batch.nSessions * batch.nTrials * nInputs);
}

/**
 * Forward pass over B sequences of T trials from h_0 = 0. `cache` holds, per trial and unit
 * (layout of `hidden`): `resetGate` r, `updateGate` z, `candidate` c, `recurrentCandidate`
 * W_hc h + b_hc, and `activations`, the same array as `hidden` (the GRU's per-trial output).
 * @example
 * const result = gruForward(params, { nHidden: 2, nInputs: 3, nOutputs: 2 }, batch);
 * result.logits; // B*T*2, read out from h_{t+1}
 */
export function gruForward(params: ParameterSet, dims: GruDims, batch: SequenceBatch): ForwardResult {
  const L = resolveLayout(params, dims);
  checkBatch(batch, L.I);
  const { H, I, O } = L;
  const { nSessions: B, nTrials: T, inputs } = batch;
  const p = params.data;
  const hidden = new Float64Array(B * T * H);
  const logits = new Float64Array(B * T * O);
  const values = new Float64Array(B * T);
  const gates: GruGates = {
    reset: new Float64Array(B * T * H),
    update: new Float64Array(B * T * H),
    candidate: new Float64Array(B * T * H),
    recurrent: new Float64Array(B * T * H),
  };
  const initial = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const prev = t === 0 ? initial : hidden;
      const prevOff = t === 0 ? 0 : (row - 1) * H;
      gruCell(p, L, inputs, row * I, prev, prevOff, hidden, row * H, gates, row * H);
      readout(p, L, hidden, row * H, logits, row * O, values, row);
    }
  }
  const cache = {
    resetGate: gates.reset,
    updateGate: gates.update,
    candidate: gates.candidate,
    recurrentCandidate: gates.recurrent,
    activations: hidden,
  };
  return { nSessions: B, nTrials: T, hidden, logits, values, cache };
}

/**
 * Advance a cohort of S sessions by one trial, in place: `state` (S×H) becomes h', and the
 * readouts go to `logits` (S×nOutputs) and `values` (S). Pass a `scratch` from
 * `createGruStepScratch` to avoid allocating on every call.
 * @example
 * const state = new Float64Array(S * 2);
 * gruStep(params, dims, state, inputs, logits, values, createGruStepScratch(2));
 */
export function gruStep(
  params: ParameterSet, dims: GruDims, state: Float64Array, inputs: Real,
  logits: Float64Array, values: Float64Array, scratch: GruStepScratch = createGruStepScratch(dims.nHidden),
): void {
  const L = resolveLayout(params, dims);
  const { H, I, O } = L;
  const S = values.length;
  checkLength('state', state, S * H);
  checkLength('inputs', inputs, S * I);
  checkLength('logits', logits, S * O);
  for (const key of ['reset', 'update', 'candidate', 'recurrent', 'next'] as const) checkLength(`scratch.${key}`, scratch[key], H);
  const p = params.data;
  const next = scratch.next;
  for (let s = 0; s < S; s++) {
    gruCell(p, L, inputs, s * I, state, s * H, next, 0, scratch, 0);
    for (let i = 0; i < H; i++) state[s * H + i] = next[i];
    readout(p, L, state, s * H, logits, s * O, values, s);
  }
}


/**
 * Exact backpropagation through time of a scalar loss given its gradients with respect to the
 * outputs, accumulated into `gradients` (same layout as `params`; the caller zeroes it). Masking
 * is the caller's business: a masked trial simply has zero output gradients. `dActivations` is
 * taken with respect to `cache.activations`, which for the GRU is the hidden state h_{t+1}, so it
 * adds straight into dL/dh_{t+1}. h_0 is fixed at 0, so its gradient is dropped.
 * @example
 * const grads = params.zerosLike();
 * gruBackward(params, dims, batch, gruForward(params, dims, batch), { dLogits }, grads);
 */
export function gruBackward(
  params: ParameterSet, dims: GruDims, batch: SequenceBatch, forward: ForwardResult,
  outputGradients: OutputGradients, gradients: ParameterSet,
): void {
  const L = resolveLayout(params, dims);
  const G = resolveLayout(gradients, dims);
  checkBatch(batch, L.I);
  const { H, I, O } = L;
  const { nSessions: B, nTrials: T, inputs } = batch;
  if (forward.nSessions !== B || forward.nTrials !== T) {
    throw new ConfigError([`forward must come from a batch of ${B}×${T} trials, got ${forward.nSessions}×${forward.nTrials}`]);
  }
  const { dLogits, dValues, dActivations } = outputGradients;
  checkLength('dLogits', dLogits, B * T * O);
  checkLength('dValues', dValues, B * T);
  checkLength('dActivations', dActivations, B * T * H);
  const { hidden, cache } = forward;
  const { resetGate, updateGate, candidate, recurrentCandidate } = cache;
  for (const [name, array] of Object.entries({ hidden, resetGate, updateGate, candidate, recurrentCandidate })) {
    checkLength(`forward ${name}`, array, B * T * H);
  }
  const p = params.data;
  const g = gradients.data;
  const initial = new Float64Array(H);
  // dL/dh_{t+1}, carried backwards in time; `dPrev` collects dL/dh_t.
  let dNext = new Float64Array(H);
  let dPrev = new Float64Array(H);
  const dPreReset = new Float64Array(H);
  const dPreUpdate = new Float64Array(H);
  const dPreCandidate = new Float64Array(H);
  const dRecurrent = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    dNext.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      const hOff = row * H;
      const prev = t === 0 ? initial : hidden;
      const prevOff = t === 0 ? 0 : (row - 1) * H;
      if (dLogits !== undefined) {
        for (let k = 0; k < O; k++) {
          const dl = dLogits[row * O + k];
          if (dl === 0) continue;
          g[G.b_out + k] += dl;
          const wRow = k * H;
          for (let j = 0; j < H; j++) {
            g[G.W_out + wRow + j] += dl * hidden[hOff + j];
            dNext[j] += p[L.W_out + wRow + j] * dl;
          }
        }
      }
      if (dValues !== undefined) {
        const dv = dValues[row];
        if (dv !== 0) {
          g[G.b_value] += dv;
          for (let j = 0; j < H; j++) {
            g[G.w_value + j] += dv * hidden[hOff + j];
            dNext[j] += p[L.w_value + j] * dv;
          }
        }
      }
      if (dActivations !== undefined) for (let j = 0; j < H; j++) dNext[j] += dActivations[hOff + j];
      for (let i = 0; i < H; i++) {
        const r = resetGate[hOff + i];
        const z = updateGate[hOff + i];
        const c = candidate[hOff + i];
        const dh = dNext[i];
        const dc = dh * (1 - z) * (1 - c * c);
        dPreCandidate[i] = dc;
        dPreUpdate[i] = dh * (prev[prevOff + i] - c) * z * (1 - z);
        dRecurrent[i] = dc * r;
        dPreReset[i] = dc * recurrentCandidate[hOff + i] * r * (1 - r);
        dPrev[i] = dh * z;
      }
      for (let i = 0; i < H; i++) {
        const dR = dPreReset[i];
        const dZ = dPreUpdate[i];
        const dC = dPreCandidate[i];
        const dHc = dRecurrent[i];
        g[G.b_ir + i] += dR;
        g[G.b_hr + i] += dR;
        g[G.b_iz + i] += dZ;
        g[G.b_hz + i] += dZ;
        g[G.b_ic + i] += dC;
        g[G.b_hc + i] += dHc;
        const inRow = i * I;
        for (let k = 0; k < I; k++) {
          const uk = inputs[row * I + k];
          g[G.W_ir + inRow + k] += dR * uk;
          g[G.W_iz + inRow + k] += dZ * uk;
          g[G.W_ic + inRow + k] += dC * uk;
        }
        const recRow = i * H;
        for (let j = 0; j < H; j++) {
          const hj = prev[prevOff + j];
          g[G.W_hr + recRow + j] += dR * hj;
          g[G.W_hz + recRow + j] += dZ * hj;
          g[G.W_hc + recRow + j] += dHc * hj;
          dPrev[j] += p[L.W_hr + recRow + j] * dR + p[L.W_hz + recRow + j] * dZ + p[L.W_hc + recRow + j] * dHc;
        }
      }
      const swap = dNext;
      dNext = dPrev;
      dPrev = swap;
    }
  }
}
