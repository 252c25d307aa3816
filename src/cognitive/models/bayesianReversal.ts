/**
 * Bayesian latent-state model of a reversal task: a hidden state says which option is the better
 * one, it switches with hazard h on every trial, and the better (worse) option pays with
 * probability pHigh (pLow). The agent filters the state exactly (a two-state hidden Markov model,
 * as in Hampton, Bossaerts & O'Doherty 2006) and chooses by softmax on the expected reward,
 * P(choose 1) = σ(β (V1 − V0)) with Va = pLow + (pHigh − pLow) P(state = a).
 */
import type { CognitiveModel, ModelKernel, ParameterSpec } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';
import { INVERSE_TEMPERATURE } from './inverseTemperature.js';

/** State: P(option 0 is the better one) before the coming trial. */
const BELIEF0 = 0;

class BayesianReversalKernel implements ModelKernel {
  readonly stateSize = 1;
  constructor(
    private readonly hazard: number,
    private readonly pHigh: number,
    private readonly pLow: number,
    private readonly beta: number,
  ) {}

  init(state: Float64Array, o: number): void {
    state[o + BELIEF0] = 0.5;
  }

  choiceLogit(state: Float64Array, o: number): number {
    const belief0 = state[o + BELIEF0];
    return this.beta * (this.pHigh - this.pLow) * (1 - 2 * belief0);
  }

  update(state: Float64Array, o: number, choice: number, _s: number, _a2: number, reward: number): void {
    if (choice < 0 || reward < 0) return;
    const prior0 = state[o + BELIEF0];
    // P(reward | chosen option is / is not the better one).
    const pIfBetter = reward > 0 ? this.pHigh : 1 - this.pHigh;
    const pIfWorse = reward > 0 ? this.pLow : 1 - this.pLow;
    const like0 = choice === 0 ? pIfBetter : pIfWorse;
    const like1 = choice === 1 ? pIfBetter : pIfWorse;
    const evidence = prior0 * like0 + (1 - prior0) * like1;
    const posterior0 = evidence > 0 ? (prior0 * like0) / evidence : prior0;
    state[o + BELIEF0] = (1 - this.hazard) * posterior0 + this.hazard * (1 - posterior0);
  }
}

/**
 * Parameters: hazard ([0, 0.5]), pHigh ([0.5, 1]), pLow ([0, 0.5]), beta (≥ 0).
 * @example
 * createBayesianReversalModel().negLogLikelihood({ hazard: 0.05, pHigh: 0.8, pLow: 0.2, beta: 6 }, session);
 */
export function createBayesianReversalModel(): CognitiveModel {
  const parameters: ParameterSpec[] = [
    { name: 'hazard', lower: 0, upper: 0.5, start: 0.05, startRange: [0.01, 0.3] },
    { name: 'pHigh', lower: 0.5, upper: 1, start: 0.8, startRange: [0.55, 0.95] },
    { name: 'pLow', lower: 0, upper: 0.5, start: 0.2, startRange: [0.05, 0.45] },
    INVERSE_TEMPERATURE,
  ];
  return defineCognitiveModel({
    name: 'bayesian_reversal',
    task: 'reversal',
    parameters,
    bind: (p) => new BayesianReversalKernel(p[0], p[1], p[2], p[3]),
  });
}
