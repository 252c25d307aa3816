/**
 * Behavioural policies that generate synthetic datasets: a softmax Q-learner and a uniformly
 * random chooser. Both are `CohortAgent`s reporting probabilities only; the caller samples the
 * choices with `sampleChoices` from one stream per session, so a dataset is a pure function of
 * its seed.
 */
import type { CohortAgent } from '../agents/cohortAgent.js';
import type { Random } from '../random.js';
import { ConfigError, checkNumber, checkProbability, showValue } from '../validation.js';
import type { TrialOutcome } from './cohortTask.js';

export interface SoftmaxQLearnerOptions {
  /** Step size α of the value update Q ← Q + α(r − Q), in [0, 1] (default 0.3). */
  learningRate?: number;
  /** Inverse temperature β of the softmax over values, >= 0 (default 5). */
  inverseTemperature?: number;
  /** Rate at which values of unchosen options decay back to `initialValue`, in [0, 1] (default 0). */
  forgetting?: number;
  /** Value of every option at the start of a session, in [0, 1] (default 0.5, an uninformed guess). */
  initialValue?: number;
}

/**
 * Model-free softmax Q-learning, per session: P(a) ∝ exp(β Q[a]), and after each trial
 * Q[a] ← Q[a] + α(r − Q[a]) for the chosen action while unchosen values decay towards the initial
 * value at rate `forgetting` (Ito & Doya 2009).
 *
 * Two-stage task: the first-stage values learn directly from the final reward (model-free with
 * full eligibility, λ = 1, Daw et al. 2011), ignoring the transition structure; second-stage
 * values Q2[state][b] learn the same way and drive `stage2Policy`, so second-stage choices are
 * not random.
 * @example
 * const agent = new SoftmaxQLearner({ learningRate: 0.3, inverseTemperature: 5 });
 * agent.reset(2, task.initialInputs());
 * const probs = new Float64Array(4);
 * agent.policy(probs); // [0.5, 0.5, 0.5, 0.5] before any learning
 */
export class SoftmaxQLearner implements CohortAgent {
  readonly nActions = 2;
  readonly learningRate: number;
  readonly inverseTemperature: number;
  readonly forgetting: number;
  readonly initialValue: number;
  private nSessions = 0;
  /** S×2 first-stage values. */
  private values = new Float64Array(0);
  /** S×4 second-stage values, index state*2+action. */
  private stage2Values = new Float64Array(0);

  constructor(options: SoftmaxQLearnerOptions = {}) {
    const { learningRate = 0.3, inverseTemperature = 5, forgetting = 0, initialValue = 0.5 } = options;
    this.learningRate = checkProbability('learningRate', learningRate);
    this.inverseTemperature = checkNumber('inverseTemperature', inverseTemperature, { min: 0 });
    this.forgetting = checkProbability('forgetting', forgetting);
    this.initialValue = checkProbability('initialValue', initialValue);
  }

  reset(nSessions: number): void {
    this.nSessions = nSessions;
    this.values = new Float64Array(nSessions * 2).fill(this.initialValue);
    this.stage2Values = new Float64Array(nSessions * 4).fill(this.initialValue);
  }

  policy(out: Float64Array): void {
    for (let s = 0; s < this.nSessions; s++) softmaxPair(this.values, s * 2, this.inverseTemperature, out, s * 2);
  }

  stage2Policy(stage2States: Int8Array, out: Float64Array): void {
    for (let s = 0; s < this.nSessions; s++) {
      softmaxPair(this.stage2Values, s * 4 + stage2States[s] * 2, this.inverseTemperature, out, s * 2);
    }
  }

  observe(outcome: TrialOutcome): void {
    const { actions, rewards, latent } = outcome;
    const { stage2States, stage2Actions } = latent;
    for (let s = 0; s < this.nSessions; s++) {
      this.learn(this.values, s * 2, 2, actions[s], rewards[s]);
      if (stage2States && stage2Actions) {
        this.learn(this.stage2Values, s * 4, 4, stage2States[s] * 2 + stage2Actions[s], rewards[s]);
      }
    }
  }

  private learn(values: Float64Array, base: number, width: number, chosen: number, reward: number): void {
    for (let k = 0; k < width; k++) {
      const i = base + k;
      if (k === chosen) values[i] += this.learningRate * (reward - values[i]);
      else values[i] += this.forgetting * (this.initialValue - values[i]);
    }
  }
}

/** out[o], out[o+1] = softmax(β·values[v], β·values[v+1]), shifted by the max for stability. */
function softmaxPair(values: Float64Array, v: number, beta: number, out: Float64Array, o: number): void {
  const a = beta * values[v];
  const b = beta * values[v + 1];
  const m = Math.max(a, b);
  const ea = Math.exp(a - m);
  const eb = Math.exp(b - m);
  out[o] = ea / (ea + eb);
  out[o + 1] = eb / (ea + eb);
}

/**
 * Chooses uniformly at random at both stages: the chance-level baseline.
 * @example
 * new RandomPolicy().policy(out); // every entry 1 / nActions
 */
export class RandomPolicy implements CohortAgent {
  private nSessions = 0;
  constructor(readonly nActions = 2) {}

  reset(nSessions: number): void {
    this.nSessions = nSessions;
  }

  policy(out: Float64Array): void {
    out.fill(1 / this.nActions, 0, this.nSessions * this.nActions);
  }

  stage2Policy(_stage2States: Int8Array, out: Float64Array): void {
    out.fill(0.5, 0, this.nSessions * 2);
  }

  observe(): void {}
}

/**
 * Draw one choice per session from rows of probabilities (S×width), session s from `streams[s]`,
 * exactly one uniform per session, so the draws of a session do not depend on S.
 * @example
 * sampleChoices(Float64Array.of(1, 0, 0, 1), 2, createRandom(1).split(2)); // Int8Array [0, 1]
 */
export function sampleChoices(
  probabilities: Float64Array,
  width: number,
  streams: readonly Random[],
  out: Int8Array = new Int8Array(streams.length),
): Int8Array {
  const S = streams.length;
  if (probabilities.length < S * width) {
    throw new ConfigError([`probabilities must have length ${S * width} (S×${width}), got ${probabilities.length}`]);
  }
  for (let s = 0; s < S; s++) {
    let total = 0;
    for (let k = 0; k < width; k++) {
      const p = probabilities[s * width + k];
      if (!(p >= 0 && Number.isFinite(p))) {
        throw new ConfigError([`probabilities[${s * width + k}] must be a finite number >= 0, got ${showValue(p)}`]);
      }
      total += p;
    }
    if (!(total > 0)) throw new ConfigError([`probabilities of session ${s} must not all be 0`]);
    let u = streams[s].uniform() * total;
    let choice = width - 1;
    for (let k = 0; k < width; k++) {
      u -= probabilities[s * width + k];
      if (u < 0) {
        choice = k;
        break;
      }
    }
    out[s] = choice;
  }
  return out;
}
