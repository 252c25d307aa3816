/**
 * The hybrid model-based / model-free learner of Daw et al. (2011) for the two-step task, with
 * seven free parameters (α1, α2, λ, β1, β2, w, p); see twoStepKernel.ts for the equations.
 * Note the paper's perseveration enters inside the β1 softmax: P ∝ exp(β1 [Q_net + p·rep]).
 */
import { checkProbability } from '../../validation.js';
import type { CognitiveModel, ParameterSpec } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';
import { TwoStepKernel } from './twoStepKernel.js';

export interface TwoStepModelOptions {
  /** P(common transition) the model-based planner assumes. Default 0.7 (the data sets here). */
  commonTransitionProb?: number;
}

/** Parameter specs shared by the three two-step variants. */
export const TWO_STEP_PARAMETERS: Record<string, ParameterSpec> = {
  alpha1: { name: 'alpha1', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
  alpha2: { name: 'alpha2', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
  lambda: { name: 'lambda', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
  beta1: { name: 'beta1', lower: 0, upper: Infinity, start: 4, startRange: [0.5, 10] },
  beta2: { name: 'beta2', lower: 0, upper: Infinity, start: 4, startRange: [0.5, 10] },
  w: { name: 'w', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
  perseveration: { name: 'perseveration', lower: -Infinity, upper: Infinity, start: 0.1, startRange: [-0.5, 0.5] },
};

/** Check the common-transition probability of a two-step model's options. */
export function checkCommonTransitionProb(options: TwoStepModelOptions): number {
  const { commonTransitionProb = 0.7 } = options;
  return checkProbability('commonTransitionProb', commonTransitionProb);
}

/**
 * Parameters, in order: alpha1, alpha2, lambda, beta1, beta2, w, perseveration.
 * @example
 * const hybrid = createDawHybridModel({ commonTransitionProb: 0.7 });
 * const fit = fitMaximumLikelihood(hybrid, sessions, { restarts: 3, seed: 1 });
 */
export function createDawHybridModel(options: TwoStepModelOptions = {}): CognitiveModel {
  const commonTransitionProb = checkCommonTransitionProb(options);
  const { alpha1, alpha2, lambda, beta1, beta2, w, perseveration } = TWO_STEP_PARAMETERS;
  return defineCognitiveModel({
    name: 'daw_hybrid',
    task: 'two_stage',
    parameters: [alpha1, alpha2, lambda, beta1, beta2, w, perseveration],
    bind: (p) =>
      new TwoStepKernel({
        alpha1: p[0],
        alpha2: p[1],
        lambda: p[2],
        beta1: p[3],
        beta2: p[4],
        w: p[5],
        perseveration: p[6],
        commonTransitionProb,
      }),
  });
}
