/**
 * Fixed and slow points of a low-rank RNN for a constant input u, after Golub & Sussillo (2018):
 * minimise q(x) = ½‖F(x, u) − x‖² from many initial states. With r = F(x) − x the gradient is
 * ∇q = (J − I)ᵀ r = leak (−r + B Aᵀ (D r)), O(N k) per point. Each point descends with Adam
 * (Kingma & Ba 2015) and, once close, is polished by damped Newton steps on r(x) = 0, which
 * converge quadratically to fixed points of any stability (saddles included). Points are then
 * filtered (q above `maxQ`, far outside the initial cloud), merged, and linearised.
 */
import type { Random } from '../random.js';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { parseWith, zInteger, zNumber } from '../schemaValidation.js';
import { z } from 'zod';
import { eigenModes, type ComplexSpectrum, type EigenMode } from './eigenSpectrum.js';
import { computeJacobian, jacobianEigenvalues } from './jacobian.js';
import { activations, checkStateInput, inputDrive, toLowRankSystem, type LowRankModelLike, type LowRankSystem } from './lowRankSystem.js';

export interface FixedPointFinderOptions {
  /** Most Adam iterations per initial state (default 3000). */
  maxIterations?: number;
  /** Adam step size (default 0.02). */
  learningRate?: number;
  /** A point stops descending once q < qTolerance (default 1e-12). */
  qTolerance?: number;
  /** A point stops descending once |Δq| between iterations < dqTolerance (default 1e-20). */
  dqTolerance?: number;
  /** Newton polishing steps after the descent; 0 disables them (default 20). */
  newtonSteps?: number;
  /** Largest q of a reported fixed point; points above are slow points (default 1e-10). */
  maxQ?: number;
  /** Report slow points too (q above maxQ), instead of dropping them (default false). */
  keepSlowPoints?: boolean;
  /**
   * Drop points farther from the centroid of the initial states than this many times the
   * initial cloud's RMS radius (default 10; Infinity keeps all).
   */
  outlierDistanceScale?: number;
  /** Points closer than this (Euclidean) are one fixed point; the lower-q one is kept (default 1e-4). */
  uniqueTolerance?: number;
  /** Eigenmodes of J closest to 1 reported per point, one per conjugate pair (default 3). */
  nSlowModes?: number;
}

const optionsSchema = z
  .object({
    maxIterations: zInteger(0, 1e7),
    learningRate: zNumber({ min: 0, minExclusive: true }),
    qTolerance: zNumber({ min: 0 }),
    dqTolerance: zNumber({ min: 0 }),
    newtonSteps: zInteger(0, 1000),
    maxQ: zNumber({ min: 0 }),
    keepSlowPoints: z.boolean(),
    outlierDistanceScale: z.custom<number>((v) => typeof v === 'number' && v > 0, { error: (i) => `must be a number > 0 (Infinity allowed), got ${String(i.input)}` }),
    uniqueTolerance: zNumber({ min: 0 }),
    nSlowModes: zInteger(0, 4096),
  })
  .strict();

/** One fixed (or slow) point and its linearisation. */
export interface FixedPoint {
  /** The state x*, length N. */
  x: Float64Array;
  /** q(x*) = ½‖F(x*) − x*‖². */
  q: number;
  /** All N eigenvalues of J at x*, by descending modulus. */
  eigenvalues: ComplexSpectrum;
  /** max |λ|. */
  maxModulus: number;
  /** |λ|max < 1: an attractor of the discrete map. */
  stable: boolean;
  /** Eigenmodes with λ closest to 1 (slowest), one per conjugate pair, unit-norm vectors. */
  slowModes: EigenMode[];
  /** Index of the initial state it descended from. */
  initialIndex: number;
}

export interface FixedPointSearch {
  /** Unique fixed points, ascending q. */
  fixedPoints: FixedPoint[];
  /** Number of initial states. */
  nInitial: number;
  /** Dropped for q > maxQ. */
  nSlowDropped: number;
  /** Dropped as outliers. */
  nOutliers: number;
  /** Merged into another point. */
  nDuplicates: number;
}

/** ½‖r‖² with r = leak (tanh(W x + drive) − x) written into `r`; `gains` receives 1 − tanh². */
function residual(sys: LowRankSystem, x: Float64Array, drive: Float64Array, r: Float64Array, gains: Float64Array, kappa: Float64Array): number {
  activations(sys, x, drive, gains, kappa);
  let q = 0;
  for (let i = 0; i < x.length; i++) {
    const act = gains[i];
    r[i] = sys.leak * (act - x[i]);
    gains[i] = 1 - act * act;
    q += r[i] * r[i];
  }
  return 0.5 * q;
}

/**
 * @example
 * const finder = new FixedPointFinder({ maxIterations: 2000 });
 * const initial = sampleInitialStates(forward.hidden, rnn.nHidden, 64, createRandom(1), 0.1);
 * const { fixedPoints } = finder.find(rnn, input, initial);
 * fixedPoints.filter((p) => p.stable).length; // number of attractors
 */
export class FixedPointFinder {
  readonly options: Readonly<Required<FixedPointFinderOptions>>;

  constructor(options: FixedPointFinderOptions = {}) {
    const defaults: Required<FixedPointFinderOptions> = {
      maxIterations: 3000,
      learningRate: 0.02,
      qTolerance: 1e-12,
      dqTolerance: 1e-20,
      newtonSteps: 20,
      maxQ: 1e-10,
      keepSlowPoints: false,
      outlierDistanceScale: 10,
      uniqueTolerance: 1e-4,
      nSlowModes: 3,
    };
    this.options = Object.freeze(parseWith(optionsSchema, { ...defaults, ...definedFields(options) }, 'options') as Required<FixedPointFinderOptions>);
  }

  /**
   * Search from each initial state (row-major count×N) under the constant input `u`.
   */
  find(model: LowRankSystem | LowRankModelLike, u: ArrayLike<number> | undefined, initialStates: ArrayLike<number>): FixedPointSearch {
    const sys = toLowRankSystem(model);
    const N = sys.nHidden;
    checkStateInput(sys, new Float64Array(N), u);
    if (initialStates.length === 0 || initialStates.length % N !== 0) {
      throw new ConfigError([`initialStates must hold count×${N} values (count >= 1), got ${initialStates.length}`]);
    }
    const nInitial = initialStates.length / N;
    const drive = inputDrive(sys, u);
    const candidates: { x: Float64Array; q: number; index: number }[] = [];
    for (let p = 0; p < nInitial; p++) {
      const x = Float64Array.from({ length: N }, (_, i) => initialStates[p * N + i]);
      this.descend(sys, drive, x);
      candidates.push({ x, q: this.polish(sys, drive, x), index: p });
    }
    const { maxQ, keepSlowPoints, uniqueTolerance } = this.options;
    const accepted = keepSlowPoints ? candidates : candidates.filter((c) => c.q <= maxQ);
    const inside = accepted.filter((c) => !this.isOutlier(c.x, initialStates, nInitial, N));
    inside.sort((a, b) => a.q - b.q);
    const unique: typeof inside = [];
    for (const c of inside) {
      if (!unique.some((kept) => distance(kept.x, c.x) < uniqueTolerance)) unique.push(c);
    }
    return {
      fixedPoints: unique.map((c) => this.linearise(sys, u, c.x, c.q, c.index)),
      nInitial,
      nSlowDropped: candidates.length - accepted.length,
      nOutliers: accepted.length - inside.length,
      nDuplicates: inside.length - unique.length,
    };
  }

  /** Adam on q from x, in place. */
  private descend(sys: LowRankSystem, drive: Float64Array, x: Float64Array): void {
    const { maxIterations, learningRate, qTolerance, dqTolerance } = this.options;
    const { nHidden: N, k, A, B, leak } = sys;
    const r = new Float64Array(N);
    const gains = new Float64Array(N);
    const kappa = new Float64Array(k);
    const projected = new Float64Array(k);
    const m = new Float64Array(N);
    const v = new Float64Array(N);
    const beta1 = 0.9;
    const beta2 = 0.999;
    let qPrevious = Infinity;
    for (let it = 1; it <= maxIterations; it++) {
      const q = residual(sys, x, drive, r, gains, kappa);
      if (q < qTolerance || Math.abs(qPrevious - q) < dqTolerance) return;
      qPrevious = q;
      // ∇q = leak (−r + B Aᵀ D r): project D r onto the k columns of A, then expand with B.
      projected.fill(0);
      for (let i = 0; i < N; i++) {
        const dr = gains[i] * r[i];
        for (let a = 0; a < k; a++) projected[a] += A[i * k + a] * dr;
      }
      const c1 = 1 - beta1 ** it;
      const c2 = 1 - beta2 ** it;
      for (let i = 0; i < N; i++) {
        let back = 0;
        for (let a = 0; a < k; a++) back += B[i * k + a] * projected[a];
        const g = leak * (back - r[i]);
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        x[i] -= (learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-12);
      }
    }
  }

  /**
   * Damped Newton steps on r(x) = F(x) − x, in place; returns the final q. The step solves
   * (J − I) δ = r without an N×N factorisation: J − I = leak (−I + U Bᵀ) with U = D A, and by the
   * Woodbury identity (−I + U Bᵀ)⁻¹ = −I − U (I_k − Bᵀ U)⁻¹ Bᵀ, so
   * δ = −(r + D A (I_k − Bᵀ D A)⁻¹ Bᵀ r) / leak: O(N k + k³) per step. J − I is singular exactly
   * when I_k − Bᵀ D A is (matrix determinant lemma).
   */
  private polish(sys: LowRankSystem, drive: Float64Array, x: Float64Array): number {
    const { nHidden: N, k, A, B, leak } = sys;
    const r = new Float64Array(N);
    const gains = new Float64Array(N);
    const kappa = new Float64Array(k);
    const trial = new Float64Array(N);
    const delta = new Float64Array(N);
    const system = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    let q = residual(sys, x, drive, r, gains, kappa);
    for (let step = 0; step < this.options.newtonSteps && q > 0; step++) {
      // system = I_k − Bᵀ D A, rhs = Bᵀ r (gains hold D at x).
      system.fill(0);
      rhs.fill(0);
      for (let i = 0; i < N; i++) {
        const g = gains[i];
        for (let a = 0; a < k; a++) {
          const ba = B[i * k + a];
          rhs[a] += ba * r[i];
          for (let b = 0; b < k; b++) system[a * k + b] -= ba * g * A[i * k + b];
        }
      }
      for (let a = 0; a < k; a++) system[a * k + a] += 1;
      if (!solveInPlace(system, rhs, k)) break;
      for (let i = 0; i < N; i++) {
        let back = 0;
        for (let a = 0; a < k; a++) back += A[i * k + a] * rhs[a];
        delta[i] = -(r[i] + gains[i] * back) / leak;
      }
      let improved = false;
      for (let scale = 1; scale > 1e-3 && !improved; scale /= 2) {
        for (let i = 0; i < N; i++) trial[i] = x[i] - scale * delta[i];
        const qTrial = residual(sys, trial, drive, r, gains, kappa);
        if (qTrial < q) {
          x.set(trial);
          q = qTrial;
          improved = true;
        }
      }
      if (!improved) break;
      q = residual(sys, x, drive, r, gains, kappa);
    }
    return q;
  }

  private isOutlier(x: Float64Array, initial: ArrayLike<number>, count: number, N: number): boolean {
    const scale = this.options.outlierDistanceScale;
    if (!Number.isFinite(scale)) return false;
    const centroid = new Float64Array(N);
    for (let p = 0; p < count; p++) for (let i = 0; i < N; i++) centroid[i] += initial[p * N + i] / count;
    let spread = 0;
    for (let p = 0; p < count; p++) for (let i = 0; i < N; i++) spread += (initial[p * N + i] - centroid[i]) ** 2 / count;
    const radius = Math.sqrt(spread);
    return radius > 0 && distance(x, centroid) > scale * radius;
  }

  private linearise(sys: LowRankSystem, u: ArrayLike<number> | undefined, x: Float64Array, q: number, initialIndex: number): FixedPoint {
    const eigenvalues = jacobianEigenvalues(sys, x, u);
    const maxModulus = eigenvalues.modulus[0];
    const { nSlowModes } = this.options;
    const slowModes =
      nSlowModes === 0
        ? []
        : eigenModes(computeJacobian(sys, x, u))
            .filter((mode) => mode.im >= 0)
            .sort((a, b) => Math.hypot(a.re - 1, a.im) - Math.hypot(b.re - 1, b.im))
            .slice(0, nSlowModes);
    return { x, q, eigenvalues, maxModulus, stable: maxModulus < 1, slowModes, initialIndex };
  }
}

/**
 * Solves the n×n system M y = b (M row-major) by Gaussian elimination with partial pivoting,
 * overwriting M and leaving y in b; false when a pivot is exactly zero (M singular).
 */
function solveInPlace(M: Float64Array, b: Float64Array, n: number): boolean {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let row = c + 1; row < n; row++) if (Math.abs(M[row * n + c]) > Math.abs(M[pivot * n + c])) pivot = row;
    if (M[pivot * n + c] === 0) return false;
    if (pivot !== c) {
      for (let j = 0; j < n; j++) [M[c * n + j], M[pivot * n + j]] = [M[pivot * n + j], M[c * n + j]];
      [b[c], b[pivot]] = [b[pivot], b[c]];
    }
    for (let row = c + 1; row < n; row++) {
      const f = M[row * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) M[row * n + j] -= f * M[c * n + j];
      b[row] -= f * b[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let sum = b[c];
    for (let j = c + 1; j < n; j++) sum -= M[c * n + j] * b[j];
    b[c] = sum / M[c * n + c];
  }
  return true;
}

/** The fields of an options object that are not undefined (so defaults fill the rest). */
function definedFields<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

/**
 * `count` initial states drawn uniformly (with replacement) from the rows of `states` (row-major
 * rows×nHidden, e.g. ForwardResult.hidden), plus N(0, noiseSd²) noise per coordinate, as in
 * Golub & Sussillo (2018). Empty `states` samples around the origin.
 * @example
 * sampleInitialStates(forward.hidden, 32, 128, createRandom(3), 0.05); // Float64Array 128×32
 */
export function sampleInitialStates(states: ArrayLike<number>, nHidden: number, count: number, rng: Random, noiseSd: number): Float64Array {
  checkInteger('nHidden', nHidden, 1);
  checkInteger('count', count, 1);
  checkNumber('noiseSd', noiseSd, { min: 0 });
  if (states.length % nHidden !== 0) throw new ConfigError([`states must hold rows×${nHidden} values, got ${states.length}`]);
  const rows = states.length / nHidden;
  const out = new Float64Array(count * nHidden);
  for (let p = 0; p < count; p++) {
    const row = rows > 0 ? rng.integer(0, rows - 1) : -1;
    for (let i = 0; i < nHidden; i++) {
      out[p * nHidden + i] = (row >= 0 ? states[row * nHidden + i] : 0) + noiseSd * rng.normal();
    }
  }
  return out;
}
