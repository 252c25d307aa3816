// AssemblyScript source of the WebAssembly SIMD float32 TinyGRU kernel (not TypeScript: AS types).
// Compiled by tools/buildWasm.ts into ../gruSimd.wasm.ts; the JS owner is ../../gruWasmKernel.ts,
// which lays out the memory and passes every pointer.
//
// Same algorithm as ../../gruKernel.ts (PyTorch's GRU convention, the reset gate applied to
// W_hc h + b_hc; exact BPTT), with four sessions per f32x4 lane group as in ./lowRankSimd.ts: the
// state of a group is H vectors, one per unit, lane l holding session 4g + l. Every scalar
// operation of the per-session algorithm is one vector operation on four sessions, weights are
// splatted, and nothing in the trial loops sums across lanes. Padding lanes have zero inputs and
// zero output gradients, so they add nothing to the parameter gradients.
//
// Buffers (v128 per unit per group; `[g][t][i]` means ((g*T + t)*width + i)*16 bytes):
//   U [g][t][c] inputs u_t, Hs [g][t][i] h_{t+1}, R, Z, C, HC [g][t][i] the gates r, z, c and
//   W_hc h_t + b_hc; backward's own D [g][t][4][i] (dR, dZ, dC, dHc: gradients of the gate
//   pre-activations and of W_hc h + b_hc), DL [g][t][o] and DV [g][t] (the output gradients).
// Session-major float64 arrays ([b][t][c], as in recurrentModel.ts) are read and written lane by lane.

let H: i32 = 0;
let NIN: i32 = 0;
let NOUT: i32 = 0;

// float32 weights: W_ir, W_iz, W_ic (H×NIN), W_hr, W_hz, W_hc (H×H), b_r = b_ir + b_hr,
// b_z = b_iz + b_hz, b_ic, b_hc (H), W_out (NOUT×H), b_out (NOUT), w_value (H), b_value (1).
let pWir: usize = 0;
let pWiz: usize = 0;
let pWic: usize = 0;
let pWhr: usize = 0;
let pWhz: usize = 0;
let pWhc: usize = 0;
let pBr: usize = 0;
let pBz: usize = 0;
let pBic: usize = 0;
let pBhc: usize = 0;
let pWout: usize = 0;
let pBout: usize = 0;
let pWval: usize = 0;
let pBval: usize = 0;

// v128 scratch: zeros [H], hIn [H], hOut [H], u [NIN], r z c hc [4H] (step's gates), dh [H], dPrev [H].
let pZeros: usize = 0;
let pHIn: usize = 0;
let pHOut: usize = 0;
let pUs: usize = 0;
let pGates: usize = 0;
let pDh: usize = 0;
let pDPrev: usize = 0;

/** Float32 values needed by `configure` for the weights. */
export function weightFloats(h: i32, nIn: i32, nOut: i32): i32 {
  return 3 * h * nIn + 3 * h * h + 4 * h + nOut * h + nOut + h + 1;
}

/** Vectors of scratch needed by `configure`. */
export function scratchVectors(h: i32, nIn: i32): i32 {
  return 9 * h + nIn;
}

/** Float64 gradients written by `backward`, in the order of gruParameterSpec. */
export function gradientFloats(h: i32, nIn: i32, nOut: i32): i32 {
  return 3 * h * nIn + 3 * h * h + 6 * h + nOut * h + nOut + h + 1;
}

/** Sizes and the two fixed regions (weights: float32, 16-byte aligned; scratch: v128). */
export function configure(h: i32, nIn: i32, nOut: i32, weights: usize, scratch: usize): void {
  H = h;
  NIN = nIn;
  NOUT = nOut;
  const hi = <usize>(h * nIn) << 2;
  const hh = <usize>(h * h) << 2;
  const h4 = <usize>h << 2;
  pWir = weights;
  pWiz = pWir + hi;
  pWic = pWiz + hi;
  pWhr = pWic + hi;
  pWhz = pWhr + hh;
  pWhc = pWhz + hh;
  pBr = pWhc + hh;
  pBz = pBr + h4;
  pBic = pBz + h4;
  pBhc = pBic + h4;
  pWout = pBhc + h4;
  pBout = pWout + (<usize>(nOut * h) << 2);
  pWval = pBout + (<usize>nOut << 2);
  pBval = pWval + h4;
  const vh = <usize>h << 4;
  pZeros = scratch;
  pHIn = pZeros + vh;
  pHOut = pHIn + vh;
  pUs = pHOut + vh;
  pGates = pUs + (<usize>nIn << 4);
  pDh = pGates + 4 * vh;
  pDPrev = pDh + vh;
  memory.fill(pZeros, 0, vh);
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

/** Add Σ of the four lanes, in float64, to the float64 at `out`. */
@inline function addLaneSum(v: v128, out: usize): void {
  const sum = (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
  store<f64>(out, load<f64>(out) + sum);
}

/**
 * e^{−y} for y in [0, 87] (callers clamp): −y = n ln2 + f with |f| <= ln2/2 (ln2 split in two so
 * n·ln2hi is exact), e^f by its degree-7 Taylor polynomial (truncation < 1e-8 relative), 2^n
 * built in the exponent bits (n >= −126, so 2^n is a normal float32). n is rounded by adding
 * 1.5·2^23, which leaves it in the low mantissa bits: cheaper on x86 than nearest + trunc_sat.
 */
@inline function expNeg4(y: v128): v128 {
  const magic = f32x4.splat(12582912.0);
  const shifted = f32x4.sub(magic, f32x4.mul(y, f32x4.splat(1.4426950408889634)));
  const n = f32x4.sub(shifted, magic);
  let f = f32x4.sub(f32x4.neg(y), f32x4.mul(n, f32x4.splat(0.693359375)));
  f = f32x4.sub(f, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = madd(f32x4.splat(1.0 / 720.0), p, f);
  p = madd(f32x4.splat(1.0 / 120.0), p, f);
  p = madd(f32x4.splat(1.0 / 24.0), p, f);
  p = madd(f32x4.splat(1.0 / 6.0), p, f);
  p = madd(f32x4.splat(0.5), p, f);
  p = madd(f32x4.splat(1.0), p, f);
  p = madd(f32x4.splat(1.0), p, f);
  const scale = i32x4.shl(i32x4.add(i32x4.sub(shifted, magic), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/**
 * The logistic σ(x) = 1/(1 + e^{−x}) on four lanes from t = e^{−|x|}: 1/(1 + t) for x >= 0 and
 * t/(1 + t) for x < 0, so both tails keep their relative precision (|x| clamped at 87, where
 * σ(−x) is still a normal float32 and σ(x) rounds to 1).
 */
@inline function sigmoid4(x: v128): v128 {
  const t = expNeg4(f32x4.pmin(f32x4.abs(x), f32x4.splat(87)));
  const denominator = f32x4.add(f32x4.splat(1), t);
  const numerator = v128.bitselect(t, f32x4.splat(1), f32x4.lt(x, f32x4.splat(0)));
  return f32x4.div(numerator, denominator);
}

/**
 * tanh on four lanes: for |x| < 0.3 the odd Taylor series to x^11 (next term < 2e-9 relative
 * there); otherwise sign(x)(1 − t)/(1 + t) with t = e^{−2|x|}, |x| clamped at 9 where tanh
 * already rounds to 1 in float32.
 */
@inline function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-1382.0 / 155925.0);
  p = madd(f32x4.splat(62.0 / 2835.0), p, x2);
  p = madd(f32x4.splat(-17.0 / 315.0), p, x2);
  p = madd(f32x4.splat(2.0 / 15.0), p, x2);
  p = madd(f32x4.splat(-1.0 / 3.0), p, x2);
  const small = madd(x, f32x4.mul(x, x2), p);
  const t = expNeg4(f32x4.mul(f32x4.pmin(a, f32x4.splat(9)), f32x4.splat(2)));
  const magnitude = f32x4.div(f32x4.sub(f32x4.splat(1), t), f32x4.add(f32x4.splat(1), t));
  const large = v128.or(magnitude, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, large, f32x4.lt(a, f32x4.splat(0.3)));
}

/**
 * ln x on four lanes for normal x > 0: x = 2^e m with m in [√½, √2), ln m = 2 atanh(s),
 * s = (m − 1)/(m + 1) in ±0.172, by its odd series to s^9 (next term < 1e-9).
 */
@inline function log4(x: v128): v128 {
  const bits = i32x4.sub(x, i32x4.splat(0x3f3504f3)); // subtract the bits of √½
  const e = i32x4.shr_s(bits, 23);
  const m = i32x4.add(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const s = f32x4.div(f32x4.sub(m, f32x4.splat(1)), f32x4.add(m, f32x4.splat(1)));
  const s2 = f32x4.mul(s, s);
  let p = f32x4.splat(2.0 / 9.0);
  p = madd(f32x4.splat(2.0 / 7.0), p, s2);
  p = madd(f32x4.splat(2.0 / 5.0), p, s2);
  p = madd(f32x4.splat(2.0 / 3.0), p, s2);
  p = madd(f32x4.splat(2.0), p, s2);
  return madd(f32x4.mul(s, p), f32x4.convert_i32x4_s(e), f32x4.splat(0.6931471805599453));
}

/** Test hooks: σ and tanh of n float32 values at src into dst (n a multiple of 4). */
export function sigmoidArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), sigmoid4(vec(src + (<usize>i << 2))));
}

export function tanhArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), tanh4(vec(src + (<usize>i << 2))));
}

export function logArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), log4(vec(src + (<usize>i << 2))));
}

// ---- one trial ------------------------------------------------------------------------------

/**
 * One GRU update of `blocks` groups at once, h_in → h_out, writing r, z, c and W_hc h + b_hc at
 * the four gate pointers; group p's buffers are p·hInStride, p·uStride and p·outStride bytes past
 * the first's. Interleaving two groups gives the processor two independent dependency chains: one
 * group's trial-to-trial recurrence alone leaves it waiting on latencies. Shared by `forward` and
 * `step` so the two agree bit for bit.
 */
function cell(
  hIn: usize, hInStride: usize, u: usize, uStride: usize,
  hOut: usize, rOut: usize, zOut: usize, cOut: usize, hcOut: usize, outStride: usize, blocks: i32,
): void {
  const h = H;
  const nIn = NIN;
  const one = f32x4.splat(1);
  for (let i = 0; i < h; i++) {
    const inRow = <usize>(i * nIn) << 2;
    const recRow = <usize>(i * h) << 2;
    const at = <usize>i << 4;
    for (let p = 0; p < blocks; p++) {
      const hp = hIn + <usize>p * hInStride;
      const up = u + <usize>p * uStride;
      let aR = splatAt(pBr + (<usize>i << 2));
      let aZ = splatAt(pBz + (<usize>i << 2));
      let aC = splatAt(pBic + (<usize>i << 2));
      let hc = splatAt(pBhc + (<usize>i << 2));
      for (let k = 0; k < nIn; k++) {
        const uk = vec(up + (<usize>k << 4));
        const w = <usize>k << 2;
        aR = madd(aR, splatAt(pWir + inRow + w), uk);
        aZ = madd(aZ, splatAt(pWiz + inRow + w), uk);
        aC = madd(aC, splatAt(pWic + inRow + w), uk);
      }
      for (let j = 0; j < h; j++) {
        const hj = vec(hp + (<usize>j << 4));
        const w = <usize>j << 2;
        aR = madd(aR, splatAt(pWhr + recRow + w), hj);
        aZ = madd(aZ, splatAt(pWhz + recRow + w), hj);
        hc = madd(hc, splatAt(pWhc + recRow + w), hj);
      }
      const r = sigmoid4(aR);
      const z = sigmoid4(aZ);
      const c = tanh4(madd(aC, r, hc));
      const o = at + <usize>p * outStride;
      v128.store(rOut + o, r);
      v128.store(zOut + o, z);
      v128.store(cOut + o, c);
      v128.store(hcOut + o, hc);
      // (1 − z) c + z h, as the reference computes it
      v128.store(hOut + o, f32x4.add(f32x4.mul(f32x4.sub(one, z), c), f32x4.mul(z, vec(hp + at))));
    }
  }
}

/** Logits and value of a group from h: float64 to logits + l*logitStride + o*8 and values + l*valueStride. */
function readout(h: usize, logits: usize, logitStride: usize, values: usize, valueStride: usize, count: i32): void {
  const n = H;
  for (let o = 0; o < NOUT; o++) {
    const w = pWout + (<usize>(o * n) << 2);
    let s = splatAt(pBout + (<usize>o << 2));
    for (let i = 0; i < n; i++) s = madd(s, splatAt(w + (<usize>i << 2)), vec(h + (<usize>i << 4)));
    scatter(s, logits + (<usize>o << 3), logitStride, count);
  }
  let s = splatAt(pBval);
  for (let i = 0; i < n; i++) s = madd(s, splatAt(pWval + (<usize>i << 2)), vec(h + (<usize>i << 4)));
  scatter(s, values, valueStride, count);
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
 * Forward pass over packed inputs U from h_0 = 0: fills Hs, R, Z, C, HC and float64 logits
 * (B×T×NOUT) and values (B×T), session-major.
 */
export function forward(
  nSessions: i32, nTrials: i32, u: usize, hs: usize, r: usize, z: usize, c: usize, hc: usize,
  logits: usize, values: usize,
): void {
  const h = H;
  const groups = (nSessions + 3) >> 2;
  const logitStride = <usize>(nTrials * NOUT) << 3;
  const valueStride = <usize>nTrials << 3;
  const stateStride = <usize>(nTrials * h) << 4;
  const inputStride = <usize>(nTrials * NIN) << 4;
  for (let g = 0; g < groups; g += 2) {
    const blocks = min(2, groups - g);
    for (let t = 0; t < nTrials; t++) {
      const step = g * nTrials + t;
      const at = <usize>(step * h) << 4;
      const hOut = hs + at;
      const first = t === 0;
      cell(
        first ? pZeros : hOut - (<usize>h << 4), first ? 0 : stateStride, u + (<usize>(step * NIN) << 4), inputStride,
        hOut, r + at, z + at, c + at, hc + at, stateStride, blocks,
      );
      for (let p = 0; p < blocks; p++) {
        const row = 4 * (g + p) * nTrials + t;
        const count = min(4, nSessions - 4 * (g + p));
        readout(hOut + <usize>p * stateStride, logits + (<usize>(row * NOUT) << 3), logitStride, values + (<usize>row << 3), valueStride, count);
      }
    }
  }
}

/**
 * One trial for a cohort of S sessions, in place on a session-major float64 state (S×H), from
 * float64 inputs (S×NIN); writes float64 logits (S×NOUT) and values (S).
 */
export function step(nSessions: i32, state: usize, inputs: usize, logits: usize, values: usize): void {
  const h = H;
  const groups = (nSessions + 3) >> 2;
  const vh = <usize>h << 4;
  const stateStride = <usize>h << 3;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const s0 = 4 * g;
    const stateAt = state + (<usize>(s0 * h) << 3);
    for (let i = 0; i < h; i++) v128.store(pHIn + (<usize>i << 4), gather(stateAt + (<usize>i << 3), stateStride, count));
    const inputsAt = inputs + (<usize>(s0 * NIN) << 3);
    for (let k = 0; k < NIN; k++) v128.store(pUs + (<usize>k << 4), gather(inputsAt + (<usize>k << 3), <usize>NIN << 3, count));
    cell(pHIn, 0, pUs, 0, pHOut, pGates, pGates + vh, pGates + 2 * vh, pGates + 3 * vh, 0, 1);
    readout(pHOut, logits + (<usize>(s0 * NOUT) << 3), <usize>NOUT << 3, values + (<usize>s0 << 3), 8, count);
    for (let i = 0; i < h; i++) scatter(vec(pHOut + (<usize>i << 4)), stateAt + (<usize>i << 3), stateStride, count);
  }
}

/**
 * For t in [from, n): Σ d[t]·v[t] of three gate gradients (at gates + t·dStride + offset) and one
 * vector (at v + t·vStride), lanes added in float64 into out0, out1, out2.
 */
@inline function addGateProducts(
  gates: usize, dStride: usize, offset0: usize, offset1: usize, offset2: usize,
  v: usize, vStride: usize, from: i32, n: i32, out0: usize, out1: usize, out2: usize,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  for (let t = from; t < n; t++) {
    const dt = gates + <usize>t * dStride;
    const vt = vec(v + <usize>t * vStride);
    a0 = madd(a0, vec(dt + offset0), vt);
    a1 = madd(a1, vec(dt + offset1), vt);
    a2 = madd(a2, vec(dt + offset2), vt);
  }
  addLaneSum(a0, out0);
  addLaneSum(a1, out1);
  addLaneSum(a2, out2);
}

/** Σ_t d[t] into bias and Σ_t d[t] h_{t+1}[i] into weights[i], d at dFirst + t·dStride, for the group's n trials. */
function addReadoutProducts(dFirst: usize, dStride: usize, hFirst: usize, n: i32, bias: usize, weights: usize): void {
  const h = H;
  let sb = f32x4.splat(0);
  for (let t = 0; t < n; t++) sb = f32x4.add(sb, vec(dFirst + <usize>t * dStride));
  addLaneSum(sb, bias);
  for (let i = 0; i < h; i++) {
    let s = f32x4.splat(0);
    for (let t = 0; t < n; t++) s = madd(s, vec(dFirst + <usize>t * dStride), vec(hFirst + (<usize>(t * h + i) << 4)));
    addLaneSum(s, weights + (<usize>i << 3));
  }
}

/**
 * Exact BPTT over the packed forward buffers. Output gradients are float64 session-major (0 = none):
 * dLogits B×T×NOUT, dValues B×T, dAct B×T×H (on h_{t+1}); with logitsPacked ≠ 0 the logit gradients
 * are already in DL (from `crossEntropy`) and dLogits is ignored. Writes (overwrites) the float64
 * gradients at grads in the order of gruParameterSpec. Two passes per group: the recurrence
 * backwards in time, storing the gate gradients in D; then every outer product Σ_t d_t ⊗ v_t with
 * its accumulator in a register, the four lanes added in float64 at the end of the group.
 */
export function backward(
  nSessions: i32, nTrials: i32, u: usize, hs: usize, r: usize, z: usize, c: usize, hc: usize,
  d: usize, dl: usize, dv: usize, dLogits: usize, dValues: usize, dAct: usize, logitsPacked: i32, grads: usize,
): void {
  const hasLogits = dLogits !== 0 || logitsPacked !== 0;
  const h = H;
  const nIn = NIN;
  const nOut = NOUT;
  const groups = (nSessions + 3) >> 2;
  memory.fill(grads, 0, <usize>gradientFloats(h, nIn, nOut) << 3);
  const gWir = grads;
  const gWiz = gWir + (<usize>(h * nIn) << 3);
  const gWic = gWiz + (<usize>(h * nIn) << 3);
  const gWhr = gWic + (<usize>(h * nIn) << 3);
  const gWhz = gWhr + (<usize>(h * h) << 3);
  const gWhc = gWhz + (<usize>(h * h) << 3);
  const gBir = gWhc + (<usize>(h * h) << 3);
  const gBiz = gBir + (<usize>h << 3);
  const gBic = gBiz + (<usize>h << 3);
  const gBhr = gBic + (<usize>h << 3);
  const gBhz = gBhr + (<usize>h << 3);
  const gBhc = gBhz + (<usize>h << 3);
  const gWout = gBhc + (<usize>h << 3);
  const gBout = gWout + (<usize>(nOut * h) << 3);
  const gWval = gBout + (<usize>nOut << 3);
  const gBval = gWval + (<usize>h << 3);
  const one = f32x4.splat(1);
  const vh = <usize>h << 4;
  const dStride = vh << 2;
  const logitStride = <usize>(nTrials * nOut) << 3;
  const valueStride = <usize>nTrials << 3;
  const actStride = <usize>(nTrials * h) << 3;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    const first = g * nTrials;
    memory.fill(pDh, 0, vh);
    for (let t = nTrials - 1; t >= 0; t--) {
      const step = first + t;
      const row = 4 * g * nTrials + t;
      const at = <usize>(step * h) << 4;
      const hPrev = t === 0 ? pZeros : hs + at - vh;
      if (hasLogits) {
        const to = dl + (<usize>(step * nOut) << 4);
        if (logitsPacked === 0) {
          const from = dLogits + (<usize>(row * nOut) << 3);
          for (let o = 0; o < nOut; o++) v128.store(to + (<usize>o << 4), gather(from + (<usize>o << 3), logitStride, count));
        }
        for (let i = 0; i < h; i++) {
          let s = vec(pDh + (<usize>i << 4));
          for (let o = 0; o < nOut; o++) s = madd(s, splatAt(pWout + (<usize>(o * h + i) << 2)), vec(to + (<usize>o << 4)));
          v128.store(pDh + (<usize>i << 4), s);
        }
      }
      if (dValues !== 0) {
        const dvt = gather(dValues + (<usize>row << 3), valueStride, count);
        v128.store(dv + (<usize>step << 4), dvt);
        for (let i = 0; i < h; i++) {
          const slot = pDh + (<usize>i << 4);
          v128.store(slot, madd(vec(slot), splatAt(pWval + (<usize>i << 2)), dvt));
        }
      }
      if (dAct !== 0) {
        const from = dAct + (<usize>(row * h) << 3);
        for (let i = 0; i < h; i++) {
          const slot = pDh + (<usize>i << 4);
          v128.store(slot, f32x4.add(vec(slot), gather(from + (<usize>i << 3), actStride, count)));
        }
      }
      const dt = d + <usize>step * dStride;
      for (let i = 0; i < h; i++) {
        const q = <usize>i << 4;
        const ri = vec(r + at + q);
        const zi = vec(z + at + q);
        const ci = vec(c + at + q);
        const dhi = vec(pDh + q);
        const dC = f32x4.mul(f32x4.mul(dhi, f32x4.sub(one, zi)), f32x4.sub(one, f32x4.mul(ci, ci)));
        const dZ = f32x4.mul(f32x4.mul(dhi, f32x4.sub(vec(hPrev + q), ci)), f32x4.mul(zi, f32x4.sub(one, zi)));
        const dHc = f32x4.mul(dC, ri);
        const dR = f32x4.mul(f32x4.mul(dC, vec(hc + at + q)), f32x4.mul(ri, f32x4.sub(one, ri)));
        v128.store(dt + q, dR);
        v128.store(dt + vh + q, dZ);
        v128.store(dt + 2 * vh + q, dC);
        v128.store(dt + 3 * vh + q, dHc);
        v128.store(pDPrev + q, f32x4.mul(dhi, zi));
      }
      // dL/dh_t = z ⊙ dh + W_hrᵀ dR + W_hzᵀ dZ + W_hcᵀ dHc
      for (let j = 0; j < h; j++) {
        let s = vec(pDPrev + (<usize>j << 4));
        for (let i = 0; i < h; i++) {
          const w = <usize>(i * h + j) << 2;
          const q = <usize>i << 4;
          s = madd(s, splatAt(pWhr + w), vec(dt + q));
          s = madd(s, splatAt(pWhz + w), vec(dt + vh + q));
          s = madd(s, splatAt(pWhc + w), vec(dt + 3 * vh + q));
        }
        v128.store(pDh + (<usize>j << 4), s);
      }
    }
    // Outer products over the group's trials.
    const dFirst = d + <usize>first * dStride;
    const uFirst = u + (<usize>(first * nIn) << 4);
    const hFirst = hs + (<usize>(first * h) << 4);
    for (let i = 0; i < h; i++) {
      const q = <usize>i << 4;
      let sR = f32x4.splat(0);
      let sZ = f32x4.splat(0);
      let sC = f32x4.splat(0);
      let sHc = f32x4.splat(0);
      for (let t = 0; t < nTrials; t++) {
        const dt = dFirst + <usize>t * dStride + q;
        sR = f32x4.add(sR, vec(dt));
        sZ = f32x4.add(sZ, vec(dt + vh));
        sC = f32x4.add(sC, vec(dt + 2 * vh));
        sHc = f32x4.add(sHc, vec(dt + 3 * vh));
      }
      const b = <usize>i << 3;
      addLaneSum(sR, gBir + b);
      addLaneSum(sR, gBhr + b);
      addLaneSum(sZ, gBiz + b);
      addLaneSum(sZ, gBhz + b);
      addLaneSum(sC, gBic + b);
      addLaneSum(sHc, gBhc + b);
      const gates = dFirst + q;
      for (let k = 0; k < nIn; k++) {
        const w = <usize>(i * nIn + k) << 3;
        addGateProducts(gates, dStride, 0, vh, 2 * vh, uFirst + (<usize>k << 4), <usize>nIn << 4, 0, nTrials, gWir + w, gWiz + w, gWic + w);
      }
      // h_t = h_{t−1} of Hs for t >= 1 (h_0 = 0 adds nothing)
      for (let j = 0; j < h; j++) {
        const w = <usize>(i * h + j) << 3;
        addGateProducts(gates, dStride, 0, vh, 3 * vh, hFirst + (<usize>j << 4) - vh, vh, 1, nTrials, gWhr + w, gWhz + w, gWhc + w);
      }
    }
    // The readouts': Σ_t d_t and Σ_t d_t h_{t+1}, for each logit and the value.
    if (hasLogits) {
      const dlFirst = dl + (<usize>(first * nOut) << 4);
      for (let o = 0; o < nOut; o++) {
        addReadoutProducts(dlFirst + (<usize>o << 4), <usize>nOut << 4, hFirst, nTrials, gBout + (<usize>o << 3), gWout + (<usize>(o * h) << 3));
      }
    }
    if (dValues !== 0) addReadoutProducts(dv + (<usize>first << 4), 16, hFirst, nTrials, gBval, gWval);
  }
}

/** The target of a row, −1 where it does not count (no target, or masked out). */
@inline function countedTarget(targets: usize, mask: usize, row: usize): i32 {
  const k = load<i32>(targets + (row << 2));
  return mask === 0 || load<u8>(mask + row) !== 0 ? k : -1;
}

/**
 * Masked softmax cross-entropy of the float64 logits a `forward` wrote (B×T×NOUT, session-major),
 * as maskedCrossEntropy in src/training/crossEntropy.ts: a trial counts where targets[row] >= 0
 * (int32) and, with mask ≠ 0, mask[row] ≠ 0 (uint8). Writes d(mean NLL)/d logits straight into DL
 * in backward's lane-group layout (zero on trials that do not count and on padding lanes) and
 * the sum of −log p(target) and the count of counted trials, float64, to out[0] and out[1].
 */
export function crossEntropy(nSessions: i32, nTrials: i32, logits: usize, targets: usize, mask: usize, dl: usize, out: usize): void {
  const nOut = NOUT;
  const rows = nSessions * nTrials;
  let counted = 0;
  for (let row = 0; row < rows; row++) {
    if (load<i32>(targets + (<usize>row << 2)) >= 0 && (mask === 0 || load<u8>(mask + <usize>row) !== 0)) counted++;
  }
  const groups = (nSessions + 3) >> 2;
  const scale = f32x4.splat(counted > 0 ? <f32>(1.0 / <f64>counted) : 0);
  const logitStride = <usize>(nTrials * nOut) << 3;
  const laneRows = <usize>nTrials;
  let total: f64 = 0;
  for (let g = 0; g < groups; g++) {
    const count = min(4, nSessions - 4 * g);
    let nll = f32x4.splat(0);
    for (let t = 0; t < nTrials; t++) {
      const row = 4 * g * nTrials + t;
      const step = g * nTrials + t;
      // Per lane: the target (−1 where the trial does not count) and the logits, into DL first.
      let target = i32x4.splat(countedTarget(targets, mask, <usize>row));
      if (count > 1) target = i32x4.replace_lane(target, 1, countedTarget(targets, mask, <usize>row + laneRows));
      target = i32x4.replace_lane(target, 2, count > 2 ? countedTarget(targets, mask, <usize>row + 2 * laneRows) : -1);
      target = i32x4.replace_lane(target, 3, count > 3 ? countedTarget(targets, mask, <usize>row + 3 * laneRows) : -1);
      if (count === 1) target = i32x4.replace_lane(target, 1, -1);
      const valid = i32x4.ge_s(target, i32x4.splat(0));
      const to = dl + (<usize>(step * nOut) << 4);
      const from = logits + (<usize>(row * nOut) << 3);
      let top = gather(from, logitStride, count);
      v128.store(to, top);
      for (let o = 1; o < nOut; o++) {
        const lo = gather(from + (<usize>o << 3), logitStride, count);
        v128.store(to + (<usize>o << 4), lo);
        top = f32x4.pmax(top, lo);
      }
      let sum = f32x4.splat(0);
      let chosen = f32x4.splat(0);
      for (let o = 0; o < nOut; o++) {
        const lo = vec(to + (<usize>o << 4));
        sum = f32x4.add(sum, expNeg4(f32x4.sub(top, lo)));
        chosen = v128.bitselect(lo, chosen, i32x4.eq(target, i32x4.splat(o)));
      }
      const logSum = f32x4.add(top, log4(sum));
      nll = f32x4.add(nll, v128.and(f32x4.sub(logSum, chosen), valid));
      for (let o = 0; o < nOut; o++) {
        const slot = to + (<usize>o << 4);
        const p = expNeg4(f32x4.pmin(f32x4.sub(logSum, vec(slot)), f32x4.splat(87)));
        const onehot = v128.and(f32x4.splat(1), i32x4.eq(target, i32x4.splat(o)));
        v128.store(slot, v128.and(f32x4.mul(f32x4.sub(p, onehot), scale), valid));
      }
    }
    total += (<f64>f32x4.extract_lane(nll, 0) + <f64>f32x4.extract_lane(nll, 1)) + (<f64>f32x4.extract_lane(nll, 2) + <f64>f32x4.extract_lane(nll, 3));
  }
  store<f64>(out, total);
  store<f64>(out + 8, <f64>counted);
}
