/**
 * Derivative-free minimisation by the Nelder-Mead simplex method (Nelder & Mead 1965), with the
 * dimension-adaptive coefficients of Gao & Han (2012) and one restart from the converged point
 * (a collapsed simplex can stall away from a minimum; restarting is the usual remedy).
 */
import { checkInteger, checkNumber } from '../validation.js';

export interface NelderMeadOptions {
  /** Size of the initial simplex along each axis. Default 1. */
  initialStep?: number;
  /** Stop when the simplex's function values span less than this. Default 1e-6. */
  fTolerance?: number;
  /** ... and its vertices lie within this distance (max-norm) of the best one. Default 1e-4. */
  xTolerance?: number;
  /** Budget of function evaluations. Default 200 × dimension + 400. */
  maxEvaluations?: number;
  /** Restarts from the converged point with a fresh simplex. Default 1. */
  restarts?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  fx: number;
  evaluations: number;
  /** False when the evaluation budget ran out first. */
  converged: boolean;
}

/**
 * @example
 * const { x } = nelderMead((v) => (v[0] - 1) ** 2 + (v[1] + 2) ** 2, [0, 0]); // ≈ [1, -2]
 */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  checkInteger('x0.length', n, 1);
  const {
    initialStep = 1,
    fTolerance = 1e-6,
    xTolerance = 1e-4,
    maxEvaluations = 200 * n + 400,
    restarts = 1,
  } = options;
  checkNumber('initialStep', initialStep, { min: 0, minExclusive: true });
  checkInteger('maxEvaluations', maxEvaluations, n + 1);
  checkInteger('restarts', restarts, 0);
  let evaluations = 0;
  // NaN (e.g. a log of 0) is treated as +∞ so the simplex moves away from it.
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const value = f(x);
    return Number.isNaN(value) ? Infinity : value;
  };
  let best: Float64Array = Float64Array.from(x0);
  let bestF = evaluate(best);
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const run = simplexSearch(evaluate, best, bestF, initialStep, fTolerance, xTolerance, () => evaluations >= maxEvaluations);
    const improved = bestF - run.fx;
    best = run.x;
    bestF = run.fx;
    converged = run.converged;
    if (!converged || (round > 0 && Math.abs(improved) < fTolerance)) break;
  }
  return { x: best, fx: bestF, evaluations, converged };
}

function simplexSearch(
  evaluate: (x: Float64Array) => number,
  start: Float64Array,
  startF: number,
  step: number,
  fTolerance: number,
  xTolerance: number,
  outOfBudget: () => boolean,
): { x: Float64Array; fx: number; converged: boolean } {
  const n = start.length;
  const reflect = 1;
  const expand = 1 + 2 / n;
  const contract = 0.75 - 1 / (2 * n);
  const shrink = 1 - 1 / n;
  const points: Float64Array[] = [Float64Array.from(start)];
  const values: number[] = [startF];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] += step;
    points.push(p);
    values.push(evaluate(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const along = (t: number): Float64Array => {
    const worst = points[order[n]];
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (centroid[j] - worst[j]);
    return p;
  };
  for (;;) {
    order.sort((a, b) => values[a] - values[b]);
    const bestPoint = points[order[0]];
    let spread = 0;
    for (let i = 1; i <= n; i++) {
      const p = points[order[i]];
      for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(p[j] - bestPoint[j]));
    }
    const fSpread = values[order[n]] - values[order[0]];
    if (fSpread <= fTolerance && spread <= xTolerance) return { x: bestPoint, fx: values[order[0]], converged: true };
    if (outOfBudget()) return { x: bestPoint, fx: values[order[0]], converged: false };

    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const p = points[order[i]];
      for (let j = 0; j < n; j++) centroid[j] += p[j] / n;
    }
    const worstIndex = order[n];
    const fBest = values[order[0]];
    const fSecondWorst = values[order[n - 1]];
    const fWorst = values[worstIndex];
    const reflected = along(reflect);
    const fReflected = evaluate(reflected);
    let accepted: Float64Array | undefined;
    let acceptedF = 0;
    if (fReflected < fBest) {
      const expanded = along(expand);
      const fExpanded = evaluate(expanded);
      [accepted, acceptedF] = fExpanded < fReflected ? [expanded, fExpanded] : [reflected, fReflected];
    } else if (fReflected < fSecondWorst) {
      [accepted, acceptedF] = [reflected, fReflected];
    } else {
      const outside = fReflected < fWorst;
      const contracted = along(outside ? contract * reflect : -contract);
      const fContracted = evaluate(contracted);
      if (fContracted < (outside ? fReflected : fWorst)) [accepted, acceptedF] = [contracted, fContracted];
    }
    if (accepted !== undefined) {
      points[worstIndex] = accepted;
      values[worstIndex] = acceptedF;
      continue;
    }
    const anchor = points[order[0]];
    for (let i = 1; i <= n; i++) {
      const p = points[order[i]];
      for (let j = 0; j < n; j++) p[j] = anchor[j] + shrink * (p[j] - anchor[j]);
      values[order[i]] = evaluate(p);
    }
  }
}
