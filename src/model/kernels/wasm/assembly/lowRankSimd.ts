// AssemblyScript source of the WebAssembly SIMD float32 low-rank RNN kernel (not TypeScript: AS
// types). Compiled by tools/buildWasm.ts into ../lowRankSimd.wasm.ts; the JS driver is
// ../../lowRankWasmKernel.ts, which owns the memory layout and passes every pointer.
//
// Same algorithm as ../../lowRankKernel.ts (Mastrogiuseppe & Ostojic 2018 low-rank RNN, exact
// BPTT), with four sessions per f32x4 lane group: the state of a group is N vectors, one per unit,
// lane l holding session 4g + l (structure of arrays). Every scalar operation of the per-session
// algorithm becomes one vector operation on four sessions, weights are splatted, and nothing in
// the trial loops sums across lanes. Lanes past the last session are padding: their inputs are 0
// and their gradients are masked to 0.
//
// Buffers (v128 = one f32x4 per unit per group; `[g][t][i]` means ((g*T + t)*width + i)*16 bytes):
//   U [g][t][c] inputs, H [g][t][i] h_{t+1}, X [g][t][i] x_t = tanh(pre_t), K [g][t][j] κ_t = Bᵀh_t.
// Session-major float64 arrays ([b][t][c], as in recurrentModel.ts) are read and written lane by lane.

let N: i32 = 0;
let K: i32 = 0;
let NIN: i32 = 0;
let NOUT: i32 = 0;
let LEAK: f32 = 0;
let DECAY: f32 = 0;

// float32 weights: At (K×N), A (N×K), Bt (K×N), B (N×K), W_in (N×NIN), W_out (NOUT×N), b_out, w_value,
// b_value, ‖W_in[i,:]‖ (N).
let pAt: usize = 0;
let pA: usize = 0;
let pBt: usize = 0;
let pB: usize = 0;
let pWin: usize = 0;
let pWout: usize = 0;
let pBout: usize = 0;
let pWval: usize = 0;
let pBval: usize = 0;
let pNorm: usize = 0;

// v128 scratch: zeros [N], hIn [N], hOut [N], x [N], kappa [K], u [NIN], dh [N], dpre [N], dkappa [K],
// dlogits [NOUT], r [N].
let pZeros: usize = 0;
let pHIn: usize = 0;
let pHOut: usize = 0;
let pXs: usize = 0;
let pKs: usize = 0;
let pUs: usize = 0;
let pDh: usize = 0;
let pDpre: usize = 0;
let pDk: usize = 0;
let pDl: usize = 0;
let pR: usize = 0;

// v128 per-lane accumulators of one group: gA [N×K], gB [N×K], gWin [N×NIN], gWout [NOUT×N],
// gbOut [NOUT], gwValue [N], gbValue [1], heterogeneity value [1], d heterogeneity / d‖W_in[i,:]‖ [N].
let pGA: usize = 0;
let pGB: usize = 0;
let pGWin: usize = 0;
let pGWout: usize = 0;
let pGBout: usize = 0;
let pGWval: usize = 0;
let pGBval: usize = 0;
let pHet: usize = 0;
let pHetNorm: usize = 0;

/** Float32 values needed by `configure`, in units of 4 bytes. */
export function weightFloats(n: i32, k: i32, nIn: i32, nOut: i32): i32 {
  return 4 * n * k + n * nIn + nOut * n + nOut + n + 1 + n;
}

/** Vectors of scratch needed by `configure`. */
export function scratchVectors(n: i32, k: i32, nIn: i32, nOut: i32): i32 {
  return 7 * n + 2 * k + nIn + nOut;
}

/** Vectors of per-group accumulators needed by `configure`. */
export function accumulatorVectors(n: i32, k: i32, nIn: i32, nOut: i32): i32 {
  return 2 * n * k + n * nIn + nOut * n + nOut + n + 2 + n;
}

/** Sizes, leak and the three fixed regions (weights: float32, 16-byte aligned; scratch and accumulators: v128). */
export function configure(n: i32, k: i32, nIn: i32, nOut: i32, leak: f32, weights: usize, scratch: usize, acc: usize): void {
  N = n;
  K = k;
  NIN = nIn;
  NOUT = nOut;
  LEAK = leak;
  DECAY = <f32>1 - leak;
  const nk = <usize>(n * k) << 2;
  pAt = weights;
  pA = pAt + nk;
  pBt = pA + nk;
  pB = pBt + nk;
  pWin = pB + nk;
  pWout = pWin + (<usize>(n * nIn) << 2);
  pBout = pWout + (<usize>(nOut * n) << 2);
  pWval = pBout + (<usize>nOut << 2);
  pBval = pWval + (<usize>n << 2);
  pNorm = pBval + 4;
  const vn = <usize>n << 4;
  const vk = <usize>k << 4;
  pZeros = scratch;
  pHIn = pZeros + vn;
  pHOut = pHIn + vn;
  pXs = pHOut + vn;
  pKs = pXs + vn;
  pUs = pKs + vk;
  pDh = pUs + (<usize>nIn << 4);
  pDpre = pDh + vn;
  pDk = pDpre + vn;
  pDl = pDk + vk;
  pR = pDl + (<usize>nOut << 4);
  memory.fill(pZeros, 0, vn);
  pGA = acc;
  pGB = pGA + (<usize>(n * k) << 4);
  pGWin = pGB + (<usize>(n * k) << 4);
  pGWout = pGWin + (<usize>(n * nIn) << 4);
  pGBout = pGWout + (<usize>(nOut * n) << 4);
  pGWval = pGBout + (<usize>nOut << 4);
  pGBval = pGWval + vn;
  pHet = pGBval + 16;
  pHetNorm = pHet + 16;
}

// ---- vector helpers -------------------------------------------------------------------------

@inline function vec(ptr: usize): v128 {
  return v128.load(ptr);
}

@inline function splatAt(ptr: usize): v128 {
  return v128.load32_splat(ptr);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** 1.0 in lanes [0, count), 0 elsewhere. */
@inline function laneMask(count: i32): v128 {
  let m = f32x4.splat(0);
  m = f32x4.replace_lane(m, 0, 1);
  if (count > 1) m = f32x4.replace_lane(m, 1, 1);
  if (count > 2) m = f32x4.replace_lane(m, 2, 1);
  if (count > 3) m = f32x4.replace_lane(m, 3, 1);
  return m;
}

/** Lanes l < count from float64 values at ptr + l*stride (others 0). */
@inline function gather(ptr: usize, stride: usize, count: i32): v128 {
  let v = f32x4.splat(<f32>load<f64>(ptr));
  if (count === 4) {
    v = f32x4.replace_lane(v, 1, <f32>load<f64>(ptr + stride));
    v = f32x4.replace_lane(v, 2, <f32>load<f64>(ptr + 2 * stride));
    return f32x4.replace_lane(v, 3, <f32>load<f64>(ptr + 3 * stride));
  }
  v = f32x4.replace_lane(v, 1, count > 1 ? <f32>load<f64>(ptr + stride) : 0);
  v = f32x4.replace_lane(v, 2, count > 2 ? <f32>load<f64>(ptr + 2 * stride) : 0);
  return f32x4.replace_lane(v, 3, 0);
}

/** Store lanes l < count as float64 at ptr + l*stride. */
@inline function scatter(v: v128, ptr: usize, stride: usize, count: i32): void {
  store<f64>(ptr, <f64>f32x4.extract_lane(v, 0));
  if (count === 4) {
    store<f64>(ptr + stride, <f64>f32x4.extract_lane(v, 1));
    store<f64>(ptr + 2 * stride, <f64>f32x4.extract_lane(v, 2));
    store<f64>(ptr + 3 * stride, <f64>f32x4.extract_lane(v, 3));
    return;
  }
  if (count > 1) store<f64>(ptr + stride, <f64>f32x4.extract_lane(v, 1));
  if (count > 2) store<f64>(ptr + 2 * stride, <f64>f32x4.extract_lane(v, 2));
}

/** Σ of the four lanes, in float64. */
@inline function laneSum(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

/**
 * e^y for y in [0, 18]: y = n ln2 + r with |r| <= ln2/2 (ln2 split in two so n·ln2hi is exact),
 * e^r by its degree-7 Taylor polynomial (truncation < 1e-8 relative), 2^n built in the exponent bits.
 */
@inline function exp4(y: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(y, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(y, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = madd(f32x4.splat(1.0 / 720.0), p, r);
  p = madd(f32x4.splat(1.0 / 120.0), p, r);
  p = madd(f32x4.splat(1.0 / 24.0), p, r);
  p = madd(f32x4.splat(1.0 / 6.0), p, r);
  p = madd(f32x4.splat(0.5), p, r);
  p = madd(f32x4.splat(1.0), p, r);
  p = madd(f32x4.splat(1.0), p, r);
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/**
 * tanh on four lanes, float32, within a few 1e-7 relative: for |x| < 0.3 the odd Taylor series to
 * x^11 (next term < 1e-8 relative there); otherwise sign(x)(1 − 2/(e^{2|x|} + 1)), with |x| clamped
 * at 9, where tanh already rounds to 1 in float32.
 */
@inline function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-1382.0 / 155925.0);
  p = madd(f32x4.splat(62.0 / 2835.0), p, z);
  p = madd(f32x4.splat(-17.0 / 315.0), p, z);
  p = madd(f32x4.splat(2.0 / 15.0), p, z);
  p = madd(f32x4.splat(-1.0 / 3.0), p, z);
  const small = madd(x, f32x4.mul(x, z), p);
  const e = exp4(f32x4.mul(f32x4.min(a, f32x4.splat(9)), f32x4.splat(2)));
  const magnitude = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const large = v128.or(magnitude, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, large, f32x4.lt(a, f32x4.splat(0.3)));
}

// ---- one trial ------------------------------------------------------------------------------

/**
 * One trial of one group: κ = Bᵀh_in → kOut, x = tanh(A κ + W_in u) → xOut,
 * h_out = (1 − leak) h_in + leak x. Shared by `forward` and `step` so the two agree bit for bit.
 */
function advance(hIn: usize, u: usize, xOut: usize, hOut: usize, kOut: usize): void {
  const n = N;
  const k = K;
  const nIn = NIN;
  for (let j = 0; j < k; j++) {
    const w = pBt + (<usize>(j * n) << 2);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let i = 0;
    for (; i + 1 < n; i += 2) {
      s0 = madd(s0, splatAt(w + (<usize>i << 2)), vec(hIn + (<usize>i << 4)));
      s1 = madd(s1, splatAt(w + (<usize>i << 2) + 4), vec(hIn + (<usize>i << 4) + 16));
    }
    if (i < n) s0 = madd(s0, splatAt(w + (<usize>i << 2)), vec(hIn + (<usize>i << 4)));
    v128.store(kOut + (<usize>j << 4), f32x4.add(s0, s1));
  }
  const leak = f32x4.splat(LEAK);
  const decay = f32x4.splat(DECAY);
  for (let i = 0; i < n; i++) {
    const a = pA + (<usize>(i * k) << 2);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      s0 = madd(s0, splatAt(a + (<usize>j << 2)), vec(kOut + (<usize>j << 4)));
      s1 = madd(s1, splatAt(a + (<usize>j << 2) + 4), vec(kOut + (<usize>j << 4) + 16));
    }
    if (j < k) s0 = madd(s0, splatAt(a + (<usize>j << 2)), vec(kOut + (<usize>j << 4)));
    const win = pWin + (<usize>(i * nIn) << 2);
    for (let c = 0; c < nIn; c++) s1 = madd(s1, splatAt(win + (<usize>c << 2)), vec(u + (<usize>c << 4)));
    const x = tanh4(f32x4.add(s0, s1));
    v128.store(xOut + (<usize>i << 4), x);
    v128.store(hOut + (<usize>i << 4), f32x4.add(f32x4.mul(decay, vec(hIn + (<usize>i << 4))), f32x4.mul(leak, x)));
  }
}

/** Logits and value of a group from h: float64 to logits + l*logitStride + o*8 and values + l*valueStride. */
function readout(h: usize, logits: usize, logitStride: usize, values: usize, valueStride: usize, count: i32): void {
  const n = N;
  for (let o = 0; o < NOUT; o++) {
    const w = pWout + (<usize>(o * n) << 2);
    let s = f32x4.splat(0);
    for (let i = 0; i < n; i++) s = madd(s, splatAt(w + (<usize>i << 2)), vec(h + (<usize>i << 4)));
    scatter(f32x4.add(s, splatAt(pBout + (<usize>o << 2))), logits + (<usize>o << 3), logitStride, count);
  }
  let s = f32x4.splat(0);
  for (let i = 0; i < n; i++) s = madd(s, splatAt(pWval + (<usize>i << 2)), vec(h + (<usize>i << 4)));
  scatter(f32x4.add(s, splatAt(pBval)), values, valueStride, count);
}

/**
 * Input sensitivities r_i = leak (1 − x_i²) ‖W_in[i,:]‖ of one group-trial into the r scratch;
 * returns their mean over units (per lane).
 */
function sensitivities(x: usize): v128 {
  const n = N;
  const leak = f32x4.splat(LEAK);
  const one = f32x4.splat(1);
  let sum = f32x4.splat(0);
  for (let i = 0; i < n; i++) {
    const xi = vec(x + (<usize>i << 4));
    const r = f32x4.mul(f32x4.mul(leak, f32x4.sub(one, f32x4.mul(xi, xi))), splatAt(pNorm + (<usize>i << 2)));
    v128.store(pR + (<usize>i << 4), r);
    sum = f32x4.add(sum, r);
  }
  return f32x4.mul(sum, f32x4.splat(<f32>1 / <f32>n));
}

// ---- layout conversion ----------------------------------------------------------------------

/** Session-major float64 [b][t][c] (B×T×width) → lane groups v128 [g][t][c], padding lanes 0. */
export function pack(src: usize, dst: usize, nSessions: i32, nTrials: i32, width: i32): void {
  const groups = (nSessions + 3) >> 2;
  const laneStride = <usize>(nTrials * width) << 3;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    for (let t = 0; t < nTrials; t++) {
      const from = src + (<usize>((4 * g * nTrials + t) * width) << 3);
      const to = dst + (<usize>((g * nTrials + t) * width) << 4);
      for (let c = 0; c < width; c++) v128.store(to + (<usize>c << 4), gather(from + (<usize>c << 3), laneStride, count));
    }
  }
}

/** Lane groups v128 [g][t][c] → session-major float64 [b][t][c]. */
export function unpack(src: usize, dst: usize, nSessions: i32, nTrials: i32, width: i32): void {
  const groups = (nSessions + 3) >> 2;
  const laneStride = <usize>(nTrials * width) << 3;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    for (let t = 0; t < nTrials; t++) {
      const from = src + (<usize>((g * nTrials + t) * width) << 4);
      const to = dst + (<usize>((4 * g * nTrials + t) * width) << 3);
      for (let c = 0; c < width; c++) scatter(vec(from + (<usize>c << 4)), to + (<usize>c << 3), laneStride, count);
    }
  }
}

// ---- forward, step, backward ----------------------------------------------------------------

/**
 * Adds one group-trial's share of the response heterogeneity of x (its variance across units of
 * r_i, over N, and its gradient terms) to the group accumulators pHet, pHetNorm.
 */
@inline function accumulateHeterogeneity(xOut: usize, mask: v128): void {
  const n = N;
  const mean = sensitivities(xOut);
  let variance = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let i = 0; i < n; i++) {
    const d = f32x4.mul(f32x4.sub(vec(pR + (<usize>i << 4)), mean), mask);
    variance = madd(variance, d, d);
    const xi = vec(xOut + (<usize>i << 4));
    const slot = pHetNorm + (<usize>i << 4);
    v128.store(slot, madd(vec(slot), d, f32x4.sub(one, f32x4.mul(xi, xi))));
  }
  v128.store(pHet, madd(vec(pHet), variance, f32x4.splat(<f32>1 / <f32>n)));
}

/** Adds a finished group's heterogeneity accumulators, lane-summed in float64, into het[0 .. N]. */
@inline function flushHeterogeneity(het: usize, heteroCount: f64): void {
  const n = N;
  store<f64>(het, load<f64>(het) + laneSum(vec(pHet)) / heteroCount);
  const scale = (2.0 * <f64>LEAK) / (<f64>n * heteroCount);
  for (let i = 0; i < n; i++) {
    const slot = het + 8 + (<usize>i << 3);
    store<f64>(slot, load<f64>(slot) + laneSum(vec(pHetNorm + (<usize>i << 4))) * scale);
  }
}

/**
 * Forward pass over packed inputs U from h_0 = 0: fills H, X, K, float64 logits (B×T×NOUT) and
 * values (B×T). With heteroCount > 0, also the response heterogeneity of X (mean over the B·T rows
 * of the variance across units of r_i) into het[0] and its gradient with respect to ‖W_in[i,:]‖
 * into het[1 .. N] (float64), as heterogeneityPenalty in src/training/regularizers.ts.
 */
export function forward(
  nSessions: i32, nTrials: i32, u: usize, h: usize, x: usize, kappa: usize,
  logits: usize, values: usize, het: usize, heteroCount: f64,
): void {
  const n = N;
  const groups = (nSessions + 3) >> 2;
  const hetero = heteroCount > 0;
  if (hetero) memory.fill(het, 0, (<usize>(n + 1)) << 3);
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const mask = laneMask(count);
    if (hetero) memory.fill(pHet, 0, (<usize>(n + 1)) << 4);
    for (let t = 0; t < nTrials; t++) {
      const step = g * nTrials + t;
      const hOut = h + (<usize>(step * n) << 4);
      const hIn = t === 0 ? pZeros : hOut - (<usize>n << 4);
      const xOut = x + (<usize>(step * n) << 4);
      advance(hIn, u + (<usize>(step * NIN) << 4), xOut, hOut, kappa + (<usize>(step * K) << 4));
      const row = 4 * g * nTrials + t;
      readout(hOut, logits + (<usize>(row * NOUT) << 3), <usize>(nTrials * NOUT) << 3, values + (<usize>row << 3), <usize>nTrials << 3, count);
      if (hetero) accumulateHeterogeneity(xOut, mask);
    }
    if (hetero) flushHeterogeneity(het, heteroCount);
  }
}

/**
 * Trial t of `forward` for every group (a closed-loop rollout records its pass trial by trial:
 * trial t's inputs depend on the actions sampled from trial t − 1's logits). Same arithmetic as
 * `forward`, so T calls t = 0 .. T−1 leave H, X, K, logits and values bit for bit as one `forward`.
 */
export function forwardTrial(
  nSessions: i32, nTrials: i32, t: i32, u: usize, h: usize, x: usize, kappa: usize, logits: usize, values: usize,
): void {
  const n = N;
  const groups = (nSessions + 3) >> 2;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const step = g * nTrials + t;
    const hOut = h + (<usize>(step * n) << 4);
    const hIn = t === 0 ? pZeros : hOut - (<usize>n << 4);
    advance(hIn, u + (<usize>(step * NIN) << 4), x + (<usize>(step * n) << 4), hOut, kappa + (<usize>(step * K) << 4));
    const row = 4 * g * nTrials + t;
    readout(hOut, logits + (<usize>(row * NOUT) << 3), <usize>(nTrials * NOUT) << 3, values + (<usize>row << 3), <usize>nTrials << 3, count);
  }
}

/** The heterogeneity outputs of `forward` (het[0 .. N]) from a finished X, in `forward`'s order. */
export function heterogeneity(nSessions: i32, nTrials: i32, x: usize, het: usize, heteroCount: f64): void {
  const n = N;
  const groups = (nSessions + 3) >> 2;
  memory.fill(het, 0, (<usize>(n + 1)) << 3);
  for (let g = 0; g < groups; g++) {
    const mask = laneMask(min(4, nSessions - 4 * g));
    memory.fill(pHet, 0, (<usize>(n + 1)) << 4);
    for (let t = 0; t < nTrials; t++) accumulateHeterogeneity(x + (<usize>((g * nTrials + t) * n) << 4), mask);
    flushHeterogeneity(het, heteroCount);
  }
}

/**
 * One trial for a cohort of S sessions, in place on a session-major float64 state (S×N), from
 * float64 inputs (S×NIN); writes float64 logits (S×NOUT) and values (S).
 */
export function step(nSessions: i32, state: usize, inputs: usize, logits: usize, values: usize): void {
  const n = N;
  const groups = (nSessions + 3) >> 2;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const s0 = 4 * g;
    const stateAt = state + (<usize>(s0 * n) << 3);
    const stateStride = <usize>n << 3;
    for (let i = 0; i < n; i++) v128.store(pHIn + (<usize>i << 4), gather(stateAt + (<usize>i << 3), stateStride, count));
    const inputsAt = inputs + (<usize>(s0 * NIN) << 3);
    for (let c = 0; c < NIN; c++) v128.store(pUs + (<usize>c << 4), gather(inputsAt + (<usize>c << 3), <usize>NIN << 3, count));
    advance(pHIn, pUs, pXs, pHOut, pKs);
    readout(pHOut, logits + (<usize>(s0 * NOUT) << 3), <usize>NOUT << 3, values + (<usize>s0 << 3), 8, count);
    for (let i = 0; i < n; i++) scatter(vec(pHOut + (<usize>i << 4)), stateAt + (<usize>i << 3), stateStride, count);
  }
}

/** Add the lanes of `vectors` v128 accumulators into `count` float64 values at `out`. */
function flush(acc: usize, out: usize, count: i32): void {
  for (let q = 0; q < count; q++) {
    const slot = out + (<usize>q << 3);
    store<f64>(slot, load<f64>(slot) + laneSum(vec(acc + (<usize>q << 4))));
  }
}

/**
 * Exact BPTT over the packed forward buffers. Output gradients are float64 session-major (0 = none):
 * dLogits B×T×NOUT, dValues B×T, dAct B×T×N (extra gradient on x_t). heteroWeight ≠ 0 adds
 * heteroWeight · d(heterogeneity)/dx_t (same definition as `forward`, over heteroCount rows).
 * Writes (overwrites) float64 gradients at grads: gA N×K, gB N×K, gW_in N×NIN, gW_out NOUT×N,
 * gb_out NOUT, gw_value N, gb_value 1, where A = [m | M], B = [n | N].
 */
export function backward(
  nSessions: i32, nTrials: i32, u: usize, h: usize, x: usize, kappa: usize,
  dLogits: usize, dValues: usize, dAct: usize, heteroWeight: f64, heteroCount: f64, grads: usize,
): void {
  const n = N;
  const k = K;
  const nIn = NIN;
  const nOut = NOUT;
  const groups = (nSessions + 3) >> 2;
  const gradFloats = 2 * n * k + n * nIn + nOut * n + nOut + n + 1;
  memory.fill(grads, 0, <usize>gradFloats << 3);
  const gradA = grads;
  const gradB = gradA + (<usize>(n * k) << 3);
  const gradWin = gradB + (<usize>(n * k) << 3);
  const gradWout = gradWin + (<usize>(n * nIn) << 3);
  const gradBout = gradWout + (<usize>(nOut * n) << 3);
  const gradWval = gradBout + (<usize>nOut << 3);
  const gradBval = gradWval + (<usize>n << 3);
  const leak = f32x4.splat(LEAK);
  const decay = f32x4.splat(DECAY);
  const one = f32x4.splat(1);
  const hetero = heteroWeight !== 0;
  // d heterogeneity / d x_i = 2 (r_i − r̄)/(N count) · leak · (−2 x_i) ‖W_in[i,:]‖
  const heteroScale = f32x4.splat(<f32>((heteroWeight * 2.0 * <f64>LEAK * -2.0) / (<f64>n * heteroCount)));
  const accVectors = accumulatorVectors(n, k, nIn, nOut);
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const mask = laneMask(count);
    memory.fill(pGA, 0, <usize>accVectors << 4);
    memory.fill(pDh, 0, <usize>n << 4);
    for (let t = nTrials - 1; t >= 0; t--) {
      const step = g * nTrials + t;
      const row = 4 * g * nTrials + t;
      const hNext = h + (<usize>(step * n) << 4);
      const hPrev = t === 0 ? pZeros : hNext - (<usize>n << 4);
      const xt = x + (<usize>(step * n) << 4);
      const kt = kappa + (<usize>(step * k) << 4);
      const ut = u + (<usize>(step * nIn) << 4);
      if (dLogits !== 0) {
        const from = dLogits + (<usize>(row * nOut) << 3);
        const stride = <usize>(nTrials * nOut) << 3;
        for (let o = 0; o < nOut; o++) {
          const dl = gather(from + (<usize>o << 3), stride, count);
          v128.store(pDl + (<usize>o << 4), dl);
          const b = pGBout + (<usize>o << 4);
          v128.store(b, f32x4.add(vec(b), dl));
          const gw = pGWout + (<usize>(o * n) << 4);
          for (let i = 0; i < n; i++) {
            const slot = gw + (<usize>i << 4);
            v128.store(slot, madd(vec(slot), dl, vec(hNext + (<usize>i << 4))));
          }
        }
        for (let i = 0; i < n; i++) {
          let s = vec(pDh + (<usize>i << 4));
          for (let o = 0; o < nOut; o++) s = madd(s, splatAt(pWout + (<usize>(o * n + i) << 2)), vec(pDl + (<usize>o << 4)));
          v128.store(pDh + (<usize>i << 4), s);
        }
      }
      if (dValues !== 0) {
        const dv = gather(dValues + (<usize>row << 3), <usize>nTrials << 3, count);
        v128.store(pGBval, f32x4.add(vec(pGBval), dv));
        for (let i = 0; i < n; i++) {
          const slot = pGWval + (<usize>i << 4);
          const hi = vec(hNext + (<usize>i << 4));
          v128.store(slot, madd(vec(slot), dv, hi));
          const dhSlot = pDh + (<usize>i << 4);
          v128.store(dhSlot, madd(vec(dhSlot), splatAt(pWval + (<usize>i << 2)), dv));
        }
      }
      let mean = f32x4.splat(0);
      if (hetero) mean = sensitivities(xt);
      const dActRow = dAct + (<usize>(row * n) << 3);
      const dActStride = <usize>(nTrials * n) << 3;
      for (let i = 0; i < n; i++) {
        const xi = vec(xt + (<usize>i << 4));
        let dx = f32x4.mul(leak, vec(pDh + (<usize>i << 4)));
        if (dAct !== 0) dx = f32x4.add(dx, gather(dActRow + (<usize>i << 3), dActStride, count));
        if (hetero) {
          const centred = f32x4.mul(f32x4.sub(vec(pR + (<usize>i << 4)), mean), mask);
          dx = madd(dx, f32x4.mul(centred, heteroScale), f32x4.mul(xi, splatAt(pNorm + (<usize>i << 2))));
        }
        v128.store(pDpre + (<usize>i << 4), f32x4.mul(dx, f32x4.sub(one, f32x4.mul(xi, xi))));
      }
      // dκ_j = Σ_i A[i, j] dpre_i
      for (let j = 0; j < k; j++) {
        const w = pAt + (<usize>(j * n) << 2);
        let s0 = f32x4.splat(0);
        let s1 = f32x4.splat(0);
        let i = 0;
        for (; i + 1 < n; i += 2) {
          s0 = madd(s0, splatAt(w + (<usize>i << 2)), vec(pDpre + (<usize>i << 4)));
          s1 = madd(s1, splatAt(w + (<usize>i << 2) + 4), vec(pDpre + (<usize>i << 4) + 16));
        }
        if (i < n) s0 = madd(s0, splatAt(w + (<usize>i << 2)), vec(pDpre + (<usize>i << 4)));
        v128.store(pDk + (<usize>j << 4), f32x4.add(s0, s1));
      }
      for (let i = 0; i < n; i++) {
        const d = vec(pDpre + (<usize>i << 4));
        const bRow = pB + (<usize>(i * k) << 2);
        const gaRow = pGA + (<usize>(i * k) << 4);
        const gbRow = pGB + (<usize>(i * k) << 4);
        const hp = vec(hPrev + (<usize>i << 4));
        let s = f32x4.mul(decay, vec(pDh + (<usize>i << 4)));
        for (let j = 0; j < k; j++) {
          const dk = vec(pDk + (<usize>j << 4));
          s = madd(s, splatAt(bRow + (<usize>j << 2)), dk);
          const ga = gaRow + (<usize>j << 4);
          v128.store(ga, madd(vec(ga), d, vec(kt + (<usize>j << 4))));
          const gb = gbRow + (<usize>j << 4);
          v128.store(gb, madd(vec(gb), hp, dk));
        }
        v128.store(pDh + (<usize>i << 4), s);
        const gwRow = pGWin + (<usize>(i * nIn) << 4);
        for (let c = 0; c < nIn; c++) {
          const gw = gwRow + (<usize>c << 4);
          v128.store(gw, madd(vec(gw), d, vec(ut + (<usize>c << 4))));
        }
      }
    }
    flush(pGA, gradA, n * k);
    flush(pGB, gradB, n * k);
    flush(pGWin, gradWin, n * nIn);
    flush(pGWout, gradWout, nOut * n);
    flush(pGBout, gradBout, nOut);
    flush(pGWval, gradWval, n);
    flush(pGBval, gradBval, 1);
  }
}
