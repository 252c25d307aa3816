/**
 * A recurrent network (BrainInspiredRNN, TinyGRU) as a CohortAgent: it keeps the cohort's hidden
 * state and the input of the coming trial, and reads its policy out of one `step` per trial.
 */
import type { RecurrentModel } from '../model/recurrentModel.js';
import type { TrialOutcome } from '../tasks/cohortTask.js';
import { ConfigError } from '../validation.js';
import type { CohortAgent } from './cohortAgent.js';

export class RecurrentAgent implements CohortAgent {
  readonly nActions: number;
  /** S×nHidden state after the last `policy` call (h_{t+1}). */
  state: Float64Array = new Float64Array(0);
  /** S×nInputs input of the coming trial (the previous trial's encoding). */
  inputs: Float64Array = new Float64Array(0);
  /** S value estimates read out by the last `policy` call. */
  values: Float64Array = new Float64Array(0);
  private logits = new Float64Array(0);
  private nSessions = 0;

  constructor(readonly model: RecurrentModel) {
    this.nActions = model.nOutputs;
  }

  reset(nSessions: number, initialInputs: Float64Array): void {
    if (initialInputs.length !== nSessions * this.model.nInputs) {
      throw new ConfigError([`initialInputs must have length ${nSessions * this.model.nInputs} (S×nInputs), got ${initialInputs.length}`]);
    }
    this.nSessions = nSessions;
    this.state = this.model.initialState(nSessions);
    this.inputs = initialInputs.slice();
    this.values = new Float64Array(nSessions);
    this.logits = new Float64Array(nSessions * this.nActions);
  }

  /**
   * Advance the network by the coming trial's input and write softmax(logits) into `out`.
   * Unlike a cognitive agent's, this call moves the state on: call it once per trial.
   */
  policy(out: Float64Array): void {
    const A = this.nActions;
    if (out.length !== this.nSessions * A) {
      throw new ConfigError([`out must have length ${this.nSessions * A} (S×${A}), got ${out.length}; call reset first`]);
    }
    this.model.step(this.state, this.inputs, this.logits, this.values);
    const logits = this.logits;
    if (A === 2) {
      softmax2(logits, out, this.nSessions);
      return;
    }
    for (let s = 0; s < this.nSessions; s++) {
      const base = s * A;
      let max = -Infinity;
      for (let a = 0; a < A; a++) max = Math.max(max, logits[base + a]);
      let sum = 0;
      for (let a = 0; a < A; a++) sum += out[base + a] = Math.exp(logits[base + a] - max);
      for (let a = 0; a < A; a++) out[base + a] /= sum;
    }
  }

  observe(outcome: TrialOutcome): void {
    this.inputs.set(outcome.nextInputs);
  }
}

/**
 * softmax over two actions per session, bit for bit what the general loop of `policy` computes:
 * with max = max(l0, l1) finite, exp(max − max) is exactly 1, so only the other action needs an
 * exp (half the exps of a trial). A non-finite max (±∞, NaN) takes the general formula.
 */
function softmax2(logits: Float64Array, out: Float64Array, nSessions: number): void {
  for (let s = 0; s < nSessions; s++) {
    const l0 = logits[2 * s];
    const l1 = logits[2 * s + 1];
    const max = Math.max(l0, l1);
    let e0: number, e1: number;
    if (max - max === 0) {
      e0 = l0 === max ? 1 : Math.exp(l0 - max);
      e1 = l1 === max ? 1 : Math.exp(l1 - max);
    } else {
      e0 = Math.exp(l0 - max);
      e1 = Math.exp(l1 - max);
    }
    const sum = e0 + e1;
    out[2 * s] = e0 / sum;
    out[2 * s + 1] = e1 / sum;
  }
}
