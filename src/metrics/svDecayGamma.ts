/**
 * Rate γ of the exponential decay of the singular values, σᵢ ≈ e^c e^{−γ i}: the seed reads
 * premature connectivity as slow decay (γ ≈ 0.2) and mature as fast decay (γ ≈ 0.4).
 * Fitted by ordinary least squares of log σᵢ on the index i = 0, 1, ...
 */
import { checkFiniteArray, checkInteger, checkNumber } from '../validation.js';
import type { MatrixInput } from './matrixInput.js';
import { singularValues } from './spectrum.js';

export interface SvDecayGammaOptions {
  /** Use only singular values above relativeThreshold · σ₀, so numerical zeros (log → −∞) are left out. Default 1e-6. */
  relativeThreshold?: number;
  /** Use at most this many leading singular values (e.g. rank + 1 for the low-rank net). Default: all. */
  maxValues?: number;
}

export interface SvDecayFit {
  /** Decay rate γ (positive for a decaying spectrum); NaN when fewer than 2 values were usable. */
  gamma: number;
  /** Intercept c of log σᵢ = c − γ i; NaN when fewer than 2 values were usable. */
  intercept: number;
  /** Coefficient of determination of the fit; 1 when all used values are equal (a perfect flat fit); NaN below 2 values. */
  rSquared: number;
  /** How many singular values entered the fit. */
  nUsed: number;
}

/**
 * Fit the decay of a precomputed, descending spectrum. Values are used from the top while they
 * exceed relativeThreshold · σ₀, up to maxValues.
 * @example
 * svDecayGammaFromSingularValues([3, 3 * Math.exp(-0.4), 3 * Math.exp(-0.8)]).gamma; // 0.4
 */
export function svDecayGammaFromSingularValues(values: ArrayLike<number>, options: SvDecayGammaOptions = {}): SvDecayFit {
  const { relativeThreshold = 1e-6, maxValues = values.length } = options;
  checkNumber('relativeThreshold', relativeThreshold, { min: 0 });
  checkInteger('maxValues', maxValues, 0);
  checkFiniteArray('singular values', values);
  const limit = Math.min(maxValues, values.length);
  const cutoff = relativeThreshold * (values[0] ?? 0);
  let nUsed = 0;
  while (nUsed < limit && values[nUsed] > cutoff && values[nUsed] > 0) nUsed++;
  if (nUsed < 2) return { gamma: Number.NaN, intercept: Number.NaN, rSquared: Number.NaN, nUsed };

  const meanIndex = (nUsed - 1) / 2;
  let meanLog = 0;
  for (let i = 0; i < nUsed; i++) meanLog += Math.log(values[i]);
  meanLog /= nUsed;
  let covariance = 0;
  let indexVariance = 0;
  for (let i = 0; i < nUsed; i++) {
    covariance += (i - meanIndex) * (Math.log(values[i]) - meanLog);
    indexVariance += (i - meanIndex) ** 2;
  }
  const slope = covariance / indexVariance;
  const intercept = meanLog - slope * meanIndex;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < nUsed; i++) {
    const logSigma = Math.log(values[i]);
    residual += (logSigma - (intercept + slope * i)) ** 2;
    total += (logSigma - meanLog) ** 2;
  }
  return { gamma: -slope, intercept, rSquared: total === 0 ? 1 : 1 - residual / total, nUsed };
}

/**
 * Fit log σᵢ = c − γ i to the singular values of W (full SVD).
 * @example
 * const { gamma, rSquared } = svDecayGamma(W, { maxValues: config.rank + 1 });
 */
export function svDecayGamma(W: MatrixInput, options: SvDecayGammaOptions = {}): SvDecayFit {
  return svDecayGammaFromSingularValues(singularValues(W), options);
}
