/**
 * A cognitive model with fixed parameters playing a task online: the same kernel that scores
 * observed choices, stepped for a cohort of S sessions (state `s * stateSize + i`).
 */
import type { CohortAgent } from '../agents/cohortAgent.js';
import type { TrialOutcome } from '../tasks/cohortTask.js';
import { ConfigError } from '../validation.js';
import { sigmoid, type ModelKernel } from './cognitiveModel.js';

export class CognitiveAgent implements CohortAgent {
  readonly nActions = 2;
  private state = new Float64Array(0);
  private nSessions = 0;
  /** Present only when the kernel models the second stage (the task picks at random otherwise). */
  readonly stage2Policy?: (stage2States: Int8Array, out: Float64Array) => void;

  constructor(private readonly kernel: ModelKernel) {
    if (kernel.stage2Logit !== undefined) this.stage2Policy = (states, out) => this.secondStage(states, out);
  }

  reset(nSessions: number, _initialInputs: Float64Array): void {
    this.nSessions = nSessions;
    const size = this.kernel.stateSize;
    this.state = new Float64Array(nSessions * size);
    for (let s = 0; s < nSessions; s++) this.kernel.init(this.state, s * size);
  }

  policy(out: Float64Array): void {
    this.checkOut(out);
    const size = this.kernel.stateSize;
    for (let s = 0; s < this.nSessions; s++) {
      const p1 = sigmoid(this.kernel.choiceLogit(this.state, s * size));
      out[2 * s] = 1 - p1;
      out[2 * s + 1] = p1;
    }
  }

  private secondStage(stage2States: Int8Array, out: Float64Array): void {
    this.checkOut(out);
    const size = this.kernel.stateSize;
    for (let s = 0; s < this.nSessions; s++) {
      const p1 = sigmoid(this.kernel.stage2Logit!(this.state, s * size, stage2States[s]));
      out[2 * s] = 1 - p1;
      out[2 * s + 1] = p1;
    }
  }

  observe(outcome: TrialOutcome): void {
    const size = this.kernel.stateSize;
    const { actions, rewards, latent } = outcome;
    for (let s = 0; s < this.nSessions; s++) {
      const state2 = latent.stage2States?.[s] ?? -1;
      const choice2 = latent.stage2Actions?.[s] ?? -1;
      this.kernel.update(this.state, s * size, actions[s], state2, choice2, rewards[s]);
    }
  }

  private checkOut(out: Float64Array): void {
    if (out.length !== this.nSessions * 2) {
      throw new ConfigError([`out must have length ${this.nSessions * 2} (S×2), got ${out.length}; call reset first`]);
    }
  }
}
