/**
 * The two-step learner of Daw, Gershman, Seymour, Dayan & Dolan (2011), shared by the hybrid, the
 * model-free and the model-based variants (which fix w to 0 or 1).
 *
 * Stage 1: P(a) ∝ exp(β1 [w Q_MB(a) + (1 − w) Q_MF(a) + p·rep(a)]), with
 * Q_MB(a) = P(common) max Q2(a, ·) + P(rare) max Q2(1 − a, ·) (state a is the common successor of
 * choice a). Stage 2: P(b | s) ∝ exp(β2 Q2(s, b)). Learning is SARSA(λ):
 * δ1 = Q2(s, b) − Q_MF(a), Q_MF(a) += α1 δ1; δ2 = r − Q2(s, b), Q2(s, b) += α2 δ2,
 * Q_MF(a) += α1 λ δ2. Values start at 0, as in the paper.
 */
import type { ModelKernel } from '../cognitiveModel.js';

/** Parameters of the full learner, all in natural space. */
export interface TwoStepParameters {
  alpha1: number;
  alpha2: number;
  lambda: number;
  beta1: number;
  beta2: number;
  w: number;
  perseveration: number;
  commonTransitionProb: number;
}

/** State layout: Q_MF(0), Q_MF(1), Q2(s, b) at 2 + 2s + b, last first-stage choice. */
const Q2 = 2;
const LAST = 6;

export class TwoStepKernel implements ModelKernel {
  readonly stateSize = 7;
  // Copied into fields: this is the innermost loop of every fit.
  private readonly alpha1: number;
  private readonly alpha2: number;
  private readonly lambda: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly w: number;
  private readonly perseveration: number;
  private readonly commonTransitionProb: number;
  constructor(p: Readonly<TwoStepParameters>) {
    this.alpha1 = p.alpha1;
    this.alpha2 = p.alpha2;
    this.lambda = p.lambda;
    this.beta1 = p.beta1;
    this.beta2 = p.beta2;
    this.w = p.w;
    this.perseveration = p.perseveration;
    this.commonTransitionProb = p.commonTransitionProb;
  }

  init(state: Float64Array, o: number): void {
    state.fill(0, o, o + LAST);
    state[o + LAST] = -1;
  }

  choiceLogit(state: Float64Array, o: number): number {
    const { w, beta1, perseveration, commonTransitionProb } = this;
    const best0 = Math.max(state[o + Q2], state[o + Q2 + 1]);
    const best1 = Math.max(state[o + Q2 + 2], state[o + Q2 + 3]);
    // Q_MB(1) − Q_MB(0) = (2 P(common) − 1)(best1 − best0).
    const modelBased = (2 * commonTransitionProb - 1) * (best1 - best0);
    const modelFree = state[o + 1] - state[o];
    const last = state[o + LAST];
    const stay = last === 1 ? 1 : last === 0 ? -1 : 0;
    return beta1 * (w * modelBased + (1 - w) * modelFree + perseveration * stay);
  }

  stage2Logit(state: Float64Array, o: number, stage2State: number): number {
    const q = o + Q2 + 2 * stage2State;
    return this.beta2 * (state[q + 1] - state[q]);
  }

  update(state: Float64Array, o: number, choice: number, stage2State: number, stage2Choice: number, reward: number): void {
    if (choice < 0) return;
    state[o + LAST] = choice;
    // Without a second-stage choice there is nothing to learn from.
    if (stage2State < 0 || stage2Choice < 0) return;
    const { alpha1, alpha2, lambda } = this;
    const q1 = o + choice;
    const q2 = o + Q2 + 2 * stage2State + stage2Choice;
    state[q1] += alpha1 * (state[q2] - state[q1]);
    if (reward < 0) return;
    const delta2 = reward - state[q2];
    state[q2] += alpha2 * delta2;
    state[q1] += alpha1 * lambda * delta2;
  }
}
