/**
 * Pure model-based learner for the two-step task: the Daw et al. (2011) learner with w = 1, which
 * plans through the known transition matrix from the second-stage values it learns.
 * Parameters: alpha2, beta1, beta2, perseveration.
 */
import type { CognitiveModel } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';
import { checkCommonTransitionProb, TWO_STEP_PARAMETERS, type TwoStepModelOptions } from './dawHybrid.js';
import { TwoStepKernel } from './twoStepKernel.js';

/**
 * @example
 * createModelBasedTwoStepModel({ commonTransitionProb: 0.8 }).negLogLikelihood({ alpha2: 0.5, beta1: 4, beta2: 4, perseveration: 0.1 }, session);
 */
export function createModelBasedTwoStepModel(options: TwoStepModelOptions = {}): CognitiveModel {
  const commonTransitionProb = checkCommonTransitionProb(options);
  const { alpha2, beta1, beta2, perseveration } = TWO_STEP_PARAMETERS;
  return defineCognitiveModel({
    name: 'model_based_two_step',
    task: 'two_stage',
    parameters: [alpha2, beta1, beta2, perseveration],
    // With w = 1 the model-free values never reach the choice, so α1 and λ are irrelevant.
    bind: (p) =>
      new TwoStepKernel({ alpha1: 0, alpha2: p[0], lambda: 0, beta1: p[1], beta2: p[2], w: 1, perseveration: p[3], commonTransitionProb }),
  });
}
