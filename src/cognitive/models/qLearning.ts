/**
 * Q-learning with softmax choice and perseveration for two-option reversal / volatile bandits:
 * Q(c) ← Q(c) + α (r − Q(c)) for the chosen option (Rescorla & Wagner 1972; Sutton & Barto 2018),
 * P(choose 1) = σ(β (Q1 − Q0) + κ (rep1 − rep0)) where rep marks the previous choice.
 * With `forgetting`, the unchosen value decays toward its initial value at rate φ (Ito & Doya 2009).
 */
import { checkProbability } from '../../validation.js';
import type { CognitiveModel, ModelKernel, ParameterSpec } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';

export interface QLearningOptions {
  /** Add a forgetting rate `forgetRate` for the unchosen option. Default false. */
  forgetting?: boolean;
  /** Q of both options at the start of a session (and the target of forgetting). Default 0.5. */
  initialValue?: number;
}

const Q0 = 0;
const Q1 = 1;
const LAST = 2;

class QLearningKernel implements ModelKernel {
  readonly stateSize = 3;
  constructor(
    private readonly alpha: number,
    private readonly beta: number,
    private readonly kappa: number,
    private readonly forgetRate: number,
    private readonly initialValue: number,
  ) {}

  init(state: Float64Array, o: number): void {
    state[o + Q0] = this.initialValue;
    state[o + Q1] = this.initialValue;
    state[o + LAST] = -1;
  }

  choiceLogit(state: Float64Array, o: number): number {
    const last = state[o + LAST];
    const stay = last === 1 ? 1 : last === 0 ? -1 : 0;
    return this.beta * (state[o + Q1] - state[o + Q0]) + this.kappa * stay;
  }

  update(state: Float64Array, o: number, choice: number, _s: number, _a2: number, reward: number): void {
    if (choice < 0) return;
    state[o + LAST] = choice;
    if (reward < 0) return;
    const chosen = o + choice;
    state[chosen] += this.alpha * (reward - state[chosen]);
    const other = o + 1 - choice;
    state[other] += this.forgetRate * (this.initialValue - state[other]);
  }
}

/**
 * Parameters: alpha (learning rate, [0, 1]), beta (inverse temperature, ≥ 0), kappa
 * (perseveration, real; > 0 repeats the last choice) and, with `forgetting`, forgetRate ([0, 1]).
 * @example
 * const model = createQLearningModel();
 * model.negLogLikelihood({ alpha: 0.4, beta: 5, kappa: 0.3 }, session).stage1Nll;
 */
export function createQLearningModel(options: QLearningOptions = {}): CognitiveModel {
  const { forgetting = false, initialValue = 0.5 } = options;
  checkProbability('initialValue', initialValue);
  const parameters: ParameterSpec[] = [
    { name: 'alpha', lower: 0, upper: 1, start: 0.4, startRange: [0.05, 0.95] },
    { name: 'beta', lower: 0, upper: Infinity, start: 5, startRange: [0.5, 15] },
    { name: 'kappa', lower: -Infinity, upper: Infinity, start: 0, startRange: [-1, 1] },
  ];
  if (forgetting) parameters.push({ name: 'forgetRate', lower: 0, upper: 1, start: 0.1, startRange: [0.01, 0.9] });
  return defineCognitiveModel({
    name: forgetting ? 'q_learning_forgetting' : 'q_learning',
    task: 'reversal',
    parameters,
    bind: (p) => new QLearningKernel(p[0], p[1], p[2], forgetting ? p[3] : 0, initialValue),
  });
}
