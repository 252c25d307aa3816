/**
 * Turn a model description (name, task, parameters, `bind`) into a full CognitiveModel with its
 * likelihood and its online agent, so each model file only writes its kernel.
 */
import type { TrialsTask } from '../data/trialsCsv.js';
import { CognitiveAgent } from './cognitiveAgent.js';
import { parameterVector, type CognitiveModel, type ModelKernel, type ParameterSpec } from './cognitiveModel.js';
import { sessionNegLogLikelihood } from './negLogLikelihood.js';

export interface CognitiveModelDefinition {
  name: string;
  task: TrialsTask;
  parameters: readonly ParameterSpec[];
  /** Build the kernel from a checked parameter vector. */
  bind(params: Float64Array): ModelKernel;
}

/**
 * @example
 * const model = defineCognitiveModel({ name: 'biased_coin', task: 'reversal', parameters, bind });
 */
export function defineCognitiveModel(definition: CognitiveModelDefinition): CognitiveModel {
  const { name, task, parameters } = definition;
  const model: CognitiveModel = {
    name,
    task,
    parameters,
    bind: (params) => definition.bind(parameterVector(model, params)),
    negLogLikelihood: (params, session) => sessionNegLogLikelihood(definition.bind(parameterVector(model, params)), session),
    createAgent: (params) => new CognitiveAgent(definition.bind(parameterVector(model, params))),
  };
  return model;
}
