/**
 * The phase portrait of a low-rank RNN in its latent plane (Mastrogiuseppe & Ostojic 2018). With
 * W = m nᵀ + M Nᵀ = A Bᵀ, the recurrence sees a state only through κ = [n | N]ᵀ h = Bᵀ h, and the
 * latent coordinates evolve in closed form: κ' = (1 − leak) κ + leak Bᵀ tanh(A κ + W_in u). The
 * plane drawn is that of the two leading latent coordinates z = V₂ᵀ h, V the right singular
 * vectors of W (an orthonormal basis of the span of [n | N], ordered by gain, from the exact k×k
 * route of lowRankSpectrum); for rank + 1 = 2 it holds the whole latent dynamics. It shows the flow
 * of the autonomous map F(·, u) for a constant input (the arrow at z is V₂ᵀ (F(h) − h) at
 * h = V₂ z), the fixed points of F(·, u) found by the FixedPointFinder, projected, with their
 * stability, the fixed points under other inputs (each trial outcome's), and trajectories of
 * states projected the same way.
 */
import { rowMajor } from '../metrics/matrixInput.js';
import { lowRankSpectrum } from '../metrics/spectrum.js';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { FixedPointFinder, type FixedPointFinderOptions } from './fixedPointFinder.js';
import { activations, advanceState, checkStateInput, inputDrive, type LowRankSystem } from './lowRankSystem.js';

/** States of one trajectory (rows×N, row-major) and a label per row (e.g. the outcome the state took in). */
export interface StateTrajectory {
  states: ArrayLike<number>;
  labels: readonly string[];
}

export interface LatentPhasePortraitOptions {
  /** The constant input of the flow field and of the fixed points (length nInputs). */
  input: ArrayLike<number>;
  /** Initial states of the fixed-point search (rows×N), e.g. visited states; default the trajectories' states. */
  initialStates?: ArrayLike<number>;
  /** Trajectories to project (default none). */
  trajectories?: readonly StateTrajectory[];
  /** Arrows per side of the flow grid (default 15). */
  gridSize?: number;
  /** The grid spans the points drawn, widened by this fraction on each side (default 0.25). */
  margin?: number;
  /**
   * Options of the FixedPointFinder (default: 500 Adam iterations, then its Newton steps, fixed
   * points only; on the trained default-scenario agents 300-2000 iterations found the same points,
   * since the carried starts reach the attractors and Newton converges once near a saddle).
   */
  finder?: FixedPointFinderOptions;
  /**
   * Other constant inputs whose fixed points are drawn in the same plane (e.g. each trial
   * outcome's input: a state that took in outcome c is one step of F(·, u_c), so it moves toward
   * the fixed points of F(·, u_c)). Each is searched from its own initial states (rows×N) with
   * `conditionFinder`.
   */
  conditions?: readonly { label: string; input: ArrayLike<number>; initialStates: ArrayLike<number> }[];
  /**
   * FixedPointFinder options of the conditions' searches (default: 300 Adam iterations before
   * the Newton steps, no outlier filter, fixed points only).
   */
  conditionFinder?: FixedPointFinderOptions;
  /**
   * Steps of the map that carry a start before it is searched from (default 200): a state then
   * sits near the attractor it is pulled to, which the search polishes. Each condition's starts
   * are all carried (the search finds its attractors reliably, its unstable points only when a
   * start passes near one); the resting search adds up to 8 carried copies of its own starts.
   */
  settleSteps?: number;
}

export interface LatentPhasePortrait {
  /** The plane's basis: 2×N, row-major (v1 then v2). */
  basis: Float64Array;
  /** Singular values of W along v1, v2. */
  gains: [number, number];
  /** The flow on a gridSize² grid: position (z1, z2) and step (dz1, dz2) per arrow. */
  flow: { z1: number[]; z2: number[]; dz1: number[]; dz2: number[] };
  /** Fixed points of F(·, input), projected; stable: |λ|max < 1. */
  fixedPoints: { z1: number; z2: number; stable: boolean; maxModulus: number }[];
  /** Fixed points of F(·, u) for each condition's input u, projected, labelled by the condition. */
  conditionedFixedPoints: { label: string; z1: number; z2: number; stable: boolean; maxModulus: number }[];
  /** Trajectories, projected. */
  trajectories: { z1: number[]; z2: number[]; labels: string[] }[];
}

/**
 * The two leading right singular vectors of W = A Bᵀ (2×N row-major), each signed so that its
 * largest entry is positive (singular vectors have no sign of their own).
 * @example
 * latentPlane(sys); // Float64Array [v1…, v2…]
 */
export function latentPlane(sys: LowRankSystem): { basis: Float64Array; gains: [number, number] } {
  const { nHidden: N, k, A, B } = sys;
  if (k < 2) throw new ConfigError([`the latent plane needs k = rank + 1 >= 2 factor columns, got k = ${k}`]);
  const { values, right } = lowRankSpectrum(rowMajor(A, N, k, 'A'), rowMajor(B, N, k, 'B'));
  const basis = new Float64Array(2 * N);
  for (let c = 0; c < 2; c++) {
    const column = right.getColumn(c);
    let largest = 0;
    for (const value of column) if (Math.abs(value) > Math.abs(largest)) largest = value;
    const sign = largest < 0 ? -1 : 1;
    for (let i = 0; i < N; i++) basis[c * N + i] = sign * column[i];
  }
  return { basis, gains: [values[0], values[1]] };
}

function project(basis: Float64Array, N: number, h: ArrayLike<number>, offset: number): [number, number] {
  let z1 = 0;
  let z2 = 0;
  for (let i = 0; i < N; i++) {
    z1 += basis[i] * h[offset + i];
    z2 += basis[N + i] * h[offset + i];
  }
  return [z1, z2];
}

/** Rows of the resting search's initial states that are also searched from after settling. */
const SETTLED_STARTS = 8;

/**
 * At most `count` rows of `states` (rows×N), evenly spaced, the first row included.
 * @example
 * evenlySpacedRows([1, 2, 3, 4, 5, 6], 2, 2); // Float64Array [1, 2, 3, 4]
 */
export function evenlySpacedRows(states: ArrayLike<number>, N: number, count: number): Float64Array {
  const rows = Math.floor(states.length / N);
  const take = Math.min(rows, count);
  const out = new Float64Array(take * N);
  for (let r = 0; r < take; r++) {
    const row = Math.floor((r * rows) / take);
    for (let i = 0; i < N; i++) out[r * N + i] = states[row * N + i];
  }
  return out;
}

function concat(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Each row of `states` (rows×N) carried `steps` steps by F(·, u) = (1 − leak) h + leak tanh(W h + W_in u). */
function settle(sys: LowRankSystem, u: ArrayLike<number>, states: ArrayLike<number>, steps: number): Float64Array {
  const N = sys.nHidden;
  const out = Float64Array.from(states);
  const drive = inputDrive(sys, u);
  const x = new Float64Array(N);
  const kappa = new Float64Array(sys.k);
  for (let r = 0; r < out.length / N; r++) {
    const h = out.subarray(r * N, (r + 1) * N);
    for (let step = 0; step < steps; step++) advanceState(sys, h, drive, x, kappa);
  }
  return out;
}

function range(values: number[], margin: number): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  const pad = Math.max(hi - lo, 0.2) * margin;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/**
 * @example
 * const portrait = latentPhasePortrait(toLowRankSystem(rnn), { input: encodeTrialRow(TaskType.REVERSAL, { action: -1, reward: 0 }), initialStates: probe.states });
 * portrait.fixedPoints.filter((p) => p.stable).length; // attractors under the resting input
 */
export function latentPhasePortrait(sys: LowRankSystem, options: LatentPhasePortraitOptions): LatentPhasePortrait {
  const { input, trajectories = [], gridSize = 15, margin = 0.25, finder = {}, conditions = [], conditionFinder = {}, settleSteps = 200 } = options;
  const N = sys.nHidden;
  checkStateInput(sys, new Float64Array(N), input);
  checkInteger('gridSize', gridSize, 2, 100);
  checkNumber('margin', margin, { min: 0 });
  checkInteger('settleSteps', settleSteps, 0, 100_000);
  for (const [i, t] of trajectories.entries()) {
    if (t.states.length !== t.labels.length * N) throw new ConfigError([`trajectories[${i}].states must hold labels.length×${N} = ${t.labels.length * N} values, got ${t.states.length}`]);
  }
  const { basis, gains } = latentPlane(sys);
  const projected = trajectories.map(({ states, labels }) => {
    const out = { z1: [] as number[], z2: [] as number[], labels: [...labels] };
    for (let r = 0; r < labels.length; r++) {
      const [z1, z2] = project(basis, N, states, r * N);
      out.z1.push(z1);
      out.z2.push(z2);
    }
    return out;
  });
  const given = options.initialStates ?? Float64Array.from(trajectories.flatMap((t) => Array.from(t.states)));
  // Descent from visited states can stall in a slow region and miss an attractor; up to 8 of them
  // carried by the map first reach the attractors they are pulled to (the others still find saddles).
  const initialStates = given.length > 0 ? concat(given, settle(sys, input, evenlySpacedRows(given, N, SETTLED_STARTS), settleSteps)) : given;
  const search = initialStates.length > 0
    ? new FixedPointFinder({ maxIterations: 500, nSlowModes: 0, ...finder }).find(sys, input, initialStates).fixedPoints
    : [];
  const fixedPoints = search.map((p) => {
    const [z1, z2] = project(basis, N, p.x, 0);
    return { z1, z2, stable: p.stable, maxModulus: p.maxModulus };
  });
  const conditionedFinder = new FixedPointFinder({ maxIterations: 300, outlierDistanceScale: Infinity, nSlowModes: 0, ...conditionFinder });
  const conditionedFixedPoints = conditions.flatMap(({ label, input: u, initialStates: starts }, i) => {
    checkStateInput(sys, new Float64Array(N), u);
    if (starts.length === 0 || starts.length % N !== 0) throw new ConfigError([`conditions[${i}].initialStates must hold count×${N} values (count >= 1), got ${starts.length}`]);
    return conditionedFinder.find(sys, u, settle(sys, u, starts, settleSteps)).fixedPoints.map((p) => {
      const [z1, z2] = project(basis, N, p.x, 0);
      return { label, z1, z2, stable: p.stable, maxModulus: p.maxModulus };
    });
  });
  const drawn = [...fixedPoints, ...conditionedFixedPoints];
  const [lo1, hi1] = range([...projected.flatMap((t) => t.z1), ...drawn.map((p) => p.z1)], margin);
  const [lo2, hi2] = range([...projected.flatMap((t) => t.z2), ...drawn.map((p) => p.z2)], margin);
  const drive = inputDrive(sys, input);
  const h = new Float64Array(N);
  const next = new Float64Array(N);
  const kappa = new Float64Array(sys.k);
  const flow: LatentPhasePortrait['flow'] = { z1: [], z2: [], dz1: [], dz2: [] };
  for (let a = 0; a < gridSize; a++) {
    for (let b = 0; b < gridSize; b++) {
      const z1 = lo1 + ((hi1 - lo1) * a) / (gridSize - 1);
      const z2 = lo2 + ((hi2 - lo2) * b) / (gridSize - 1);
      for (let i = 0; i < N; i++) h[i] = z1 * basis[i] + z2 * basis[N + i];
      activations(sys, h, drive, next, kappa);
      // F(h) − h = leak (tanh(W h + W_in u) − h).
      for (let i = 0; i < N; i++) next[i] = sys.leak * (next[i] - h[i]);
      const [dz1, dz2] = project(basis, N, next, 0);
      flow.z1.push(z1);
      flow.z2.push(z2);
      flow.dz1.push(dz1);
      flow.dz2.push(dz2);
    }
  }
  return { basis, gains, flow, fixedPoints, conditionedFixedPoints, trajectories: projected };
}
