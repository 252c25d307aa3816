/**
 * Adam (Kingma & Ba 2015) over a flat ParameterSet, with PyTorch's conventions (bias-corrected
 * moments, eps added to the square root), so the same hyper-parameters mean the same thing as in
 * the PyTorch reference of shared/bench.
 */
import type { ParameterSet } from '../model/parameters.js';
import { checkNumber } from '../validation.js';

export interface AdamOptions {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to sqrt(v̂) (default 1e-8). */
  epsilon?: number;
}

export interface AdamState {
  step: number;
  firstMoment: number[];
  secondMoment: number[];
}

export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private firstMoment: Float64Array;
  private secondMoment: Float64Array;
  private stepCount = 0;

  constructor(size: number, { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }: AdamOptions = {}) {
    this.learningRate = checkNumber('learningRate', learningRate, { min: 0, minExclusive: true });
    this.beta1 = checkNumber('beta1', beta1, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber('beta2', beta2, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber('epsilon', epsilon, { min: 0 });
    this.firstMoment = new Float64Array(size);
    this.secondMoment = new Float64Array(size);
  }

  /** One update of `parameters.data` in place from `gradients.data` (same layout). */
  step(parameters: ParameterSet, gradients: ParameterSet, learningRate = this.learningRate): void {
    const p = parameters.data;
    const g = gradients.data;
    const m = this.firstMoment;
    const v = this.secondMoment;
    const { beta1, beta2, epsilon } = this;
    this.stepCount += 1;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    const stepSize = learningRate / correction1;
    const sqrtCorrection2 = Math.sqrt(correction2);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + epsilon);
    }
  }

  get steps(): number {
    return this.stepCount;
  }

  toJSON(): AdamState {
    return { step: this.stepCount, firstMoment: Array.from(this.firstMoment), secondMoment: Array.from(this.secondMoment) };
  }

  restore(state: AdamState): void {
    this.stepCount = state.step;
    this.firstMoment = Float64Array.from(state.firstMoment);
    this.secondMoment = Float64Array.from(state.secondMoment);
  }
}

/**
 * Scale gradients in place so their global L2 norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_); returns the norm before clipping.
 * @example
 * const norm = clipGradientNorm(grads, 1);
 */
export function clipGradientNorm(gradients: ParameterSet, maxNorm: number): number {
  const g = gradients.data;
  let sumSquares = 0;
  for (let i = 0; i < g.length; i++) sumSquares += g[i] * g[i];
  const norm = Math.sqrt(sumSquares);
  if (Number.isFinite(maxNorm) && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}
