/**
 * Map bounded model parameters to an unbounded search space and back, so an unconstrained
 * optimiser can fit them: a scaled logit for [lower, upper], a log for [lower, ∞), the identity
 * for the real line.
 */
import type { ParameterSpec } from './cognitiveModel.js';

/**
 * @example
 * toUnbounded({ name: 'alpha', lower: 0, upper: 1, start: 0.5, startRange: [0, 1] }, 0.5); // 0
 */
export function toUnbounded(spec: ParameterSpec, value: number): number {
  const { lower, upper } = spec;
  if (Number.isFinite(lower) && Number.isFinite(upper)) {
    const unit = (value - lower) / (upper - lower);
    return Math.log(unit) - Math.log1p(-unit);
  }
  if (Number.isFinite(lower)) return Math.log(value - lower);
  if (Number.isFinite(upper)) return -Math.log(upper - value);
  return value;
}

/**
 * Inverse of `toUnbounded`; always lands inside the bounds (possibly on them after underflow).
 * @example
 * fromUnbounded({ name: 'beta', lower: 0, upper: Infinity, start: 1, startRange: [1, 2] }, 0); // 1
 */
export function fromUnbounded(spec: ParameterSpec, u: number): number {
  const { lower, upper } = spec;
  if (Number.isFinite(lower) && Number.isFinite(upper)) {
    const unit = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    return Math.min(upper, Math.max(lower, lower + (upper - lower) * unit));
  }
  // Capped so a runaway search gives a huge but finite value, never Infinity.
  if (Number.isFinite(lower)) return lower + Math.exp(Math.min(u, 700));
  if (Number.isFinite(upper)) return upper - Math.exp(Math.min(-u, 700));
  return u;
}

/** Transform a whole vector to the search space. */
export function vectorToUnbounded(specs: readonly ParameterSpec[], values: ArrayLike<number>): Float64Array {
  return Float64Array.from(specs, (spec, i) => toUnbounded(spec, values[i]));
}

/** Transform a whole search-space vector back, into `out`. */
export function vectorFromUnbounded(specs: readonly ParameterSpec[], u: ArrayLike<number>, out = new Float64Array(specs.length)): Float64Array {
  for (let i = 0; i < specs.length; i++) out[i] = fromUnbounded(specs[i], u[i]);
  return out;
}
