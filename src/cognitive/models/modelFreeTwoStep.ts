/**
 * Model-free TD(λ) (SARSA(λ) over the two stages) for the two-step task: the Daw et al. (2011)
 * learner with w = 0. Parameters: alpha1, alpha2, lambda, beta1, beta2, perseveration.
 */
import type { CognitiveModel } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';
import { checkCommonTransitionProb, TWO_STEP_PARAMETERS, type TwoStepModelOptions } from './dawHybrid.js';
import { TwoStepKernel } from './twoStepKernel.js';

/**
 * @example
 * createModelFreeTwoStepModel().negLogLikelihood({ alpha1: 0.5, alpha2: 0.5, lambda: 1, beta1: 4, beta2: 4, perseveration: 0.1 }, session);
 */
export function createModelFreeTwoStepModel(options: TwoStepModelOptions = {}): CognitiveModel {
  const commonTransitionProb = checkCommonTransitionProb(options);
  const { alpha1, alpha2, lambda, beta1, beta2, perseveration } = TWO_STEP_PARAMETERS;
  return defineCognitiveModel({
    name: 'model_free_two_step',
    task: 'two_stage',
    parameters: [alpha1, alpha2, lambda, beta1, beta2, perseveration],
    bind: (p) =>
      new TwoStepKernel({ alpha1: p[0], alpha2: p[1], lambda: p[2], beta1: p[3], beta2: p[4], w: 0, perseveration: p[5], commonTransitionProb }),
  });
}
