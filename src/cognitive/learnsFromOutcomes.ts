/**
 * Whether a cognitive model's choices depend on the outcomes it has seen: the question a fit asks
 * before fitting it to data whose rewards are missing. Asked of the model itself (its kernel at
 * its typical parameters) rather than of a list of names, so a new model answers for itself.
 */
import type { CognitiveModel } from './cognitiveModel.js';

/**
 * True when one rewarded trial and one unrewarded trial (same choice, same second-stage state and
 * choice) leave the model with different choice log-odds on the next trial, at its parameters'
 * starting values.
 * @example
 * learnsFromOutcomes(createQLearningModel()); // true: Q-values move with the reward
 */
export function learnsFromOutcomes(model: Pick<CognitiveModel, 'parameters' | 'bind'>): boolean {
  const kernel = model.bind(model.parameters.map((p) => p.start));
  const after = (reward: number) => {
    const state = new Float64Array(kernel.stateSize);
    kernel.init(state, 0);
    kernel.update(state, 0, 0, 0, 0, reward);
    return [kernel.choiceLogit(state, 0), kernel.stage2Logit?.(state, 0, 0) ?? 0];
  };
  const [rewarded, unrewarded] = [after(1), after(0)];
  return rewarded.some((logit, i) => logit !== unrewarded[i]);
}
