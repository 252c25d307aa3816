/**
 * Rescorla-Wagner / Pearce-Hall hybrid with an adaptive learning rate (Li, Schiller, Schoenbaum,
 * Phelps & Daw 2011): each option keeps an associability A that tracks its recent surprise,
 * δ = r − Q(c), Q(c) ← Q(c) + κ A(c) δ, A(c) ← η |δ| + (1 − η) A(c), and choices follow
 * P(choose 1) = σ(β (Q1 − Q0)).
 */
import { checkNumber, checkProbability } from '../../validation.js';
import type { CognitiveModel, ModelKernel, ParameterSpec } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';
import { INVERSE_TEMPERATURE } from './inverseTemperature.js';

export interface PearceHallOptions {
  /** Q of both options at the start of a session. Default 0.5. */
  initialValue?: number;
  /** Associability of both options at the start of a session. Default 1. */
  initialAssociability?: number;
}

/** State: Q0, Q1, A0, A1. */
const ASSOCIABILITY = 2;

class PearceHallKernel implements ModelKernel {
  readonly stateSize = 4;
  constructor(
    private readonly kappa: number,
    private readonly eta: number,
    private readonly beta: number,
    private readonly initialValue: number,
    private readonly initialAssociability: number,
  ) {}

  init(state: Float64Array, o: number): void {
    state[o] = this.initialValue;
    state[o + 1] = this.initialValue;
    state[o + ASSOCIABILITY] = this.initialAssociability;
    state[o + ASSOCIABILITY + 1] = this.initialAssociability;
  }

  choiceLogit(state: Float64Array, o: number): number {
    return this.beta * (state[o + 1] - state[o]);
  }

  update(state: Float64Array, o: number, choice: number, _s: number, _a2: number, reward: number): void {
    if (choice < 0 || reward < 0) return;
    const q = o + choice;
    const a = o + ASSOCIABILITY + choice;
    const delta = reward - state[q];
    state[q] += this.kappa * state[a] * delta;
    state[a] = this.eta * Math.abs(delta) + (1 - this.eta) * state[a];
  }
}

/**
 * Parameters: kappa (learning-rate scale, [0, 1]), eta (associability update, [0, 1]), beta (≥ 0).
 * @example
 * createPearceHallModel().negLogLikelihood({ kappa: 0.5, eta: 0.3, beta: 5 }, session);
 */
export function createPearceHallModel(options: PearceHallOptions = {}): CognitiveModel {
  const { initialValue = 0.5, initialAssociability = 1 } = options;
  checkProbability('initialValue', initialValue);
  checkNumber('initialAssociability', initialAssociability, { min: 0, max: 1 });
  const parameters: ParameterSpec[] = [
    { name: 'kappa', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
    { name: 'eta', lower: 0, upper: 1, start: 0.3, startRange: [0.05, 0.95] },
    INVERSE_TEMPERATURE,
  ];
  return defineCognitiveModel({
    name: 'pearce_hall',
    task: 'reversal',
    parameters,
    bind: (p) => new PearceHallKernel(p[0], p[1], p[2], initialValue, initialAssociability),
  });
}
