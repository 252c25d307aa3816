/**
 * The contract shared by every classical cognitive model. A model binds a parameter vector into a
 * `ModelKernel`: one per-trial update and one choice rule, used both to score observed choices
 * (negative log-likelihood) and to play a task online (CohortAgent). Sharing the kernel is what
 * makes the fitted model and the simulated agent the same model.
 */
import type { CohortAgent } from '../agents/cohortAgent.js';
import type { TrialsSession, TrialsTask } from '../data/trialsCsv.js';
import { ConfigError, checkNumber } from '../validation.js';

/** One free parameter: its bounds (which decide its unbounded transform) and where fits start. */
export interface ParameterSpec {
  /** Field-style name, e.g. `alpha`, `beta`, `pHigh`. */
  name: string;
  /** Lower bound (may be -Infinity). */
  lower: number;
  /** Upper bound (may be Infinity). */
  upper: number;
  /** A typical value: the first restart of a fit starts here. */
  start: number;
  /** Random restarts draw uniformly from this range (inside the bounds). */
  startRange: readonly [number, number];
}

/**
 * A model with its parameters bound: the state of one session lives in `state[offset ..
 * offset + stateSize)` so a cohort of S sessions shares one Float64Array.
 */
export interface ModelKernel {
  readonly stateSize: number;
  /** Write a fresh session's state. */
  init(state: Float64Array, offset: number): void;
  /** Log-odds of choosing first-stage option 1 over option 0 on the coming trial. */
  choiceLogit(state: Float64Array, offset: number): number;
  /** Two-stage models: log-odds of second-stage option 1 in `stage2State`. */
  stage2Logit?(state: Float64Array, offset: number, stage2State: number): number;
  /**
   * Learn from one trial. Values are -1 when missing: a missed first-stage choice changes
   * nothing; a missing outcome updates only what does not need it (e.g. the last choice).
   */
  update(state: Float64Array, offset: number, choice: number, stage2State: number, stage2Choice: number, reward: number): void;
}

/** Negative log-likelihood of one or more sessions, split by stage. */
export interface LikelihoodResult {
  /** Stage-1 plus stage-2 NLL (equals `stage1Nll` for single-stage tasks). */
  nll: number;
  /** Choices scored in `nll`. */
  nChoices: number;
  /** NLL of the first-stage choices: the number compared with recurrent networks. */
  stage1Nll: number;
  stage1Choices: number;
  stage2Nll: number;
  stage2Choices: number;
}

/** Named parameter values, e.g. `{ alpha: 0.3, beta: 5, kappa: 0.2 }`. */
export type ParameterValues = Record<string, number>;

export interface CognitiveModel {
  /** Snake-case identifier, e.g. `q_learning`, `daw_hybrid`. */
  readonly name: string;
  readonly task: TrialsTask;
  readonly parameters: readonly ParameterSpec[];
  /** Bind a parameter vector (natural space, in `parameters` order) into a kernel. */
  bind(params: ArrayLike<number>): ModelKernel;
  /** Score a session's valid trials (missed trials: no update, no term). */
  negLogLikelihood(params: ArrayLike<number> | ParameterValues, session: TrialsSession): LikelihoodResult;
  /** An online agent with fixed parameters for a cohort of sessions. */
  createAgent(params: ArrayLike<number> | ParameterValues): CohortAgent;
}

/**
 * A parameter vector from named values, checking every name and bound.
 * @example
 * parameterVector(model, { alpha: 0.3, beta: 5, kappa: 0 }); // Float64Array [0.3, 5, 0]
 */
export function parameterVector(model: Pick<CognitiveModel, 'name' | 'parameters'>, values: ArrayLike<number> | ParameterValues): Float64Array {
  const specs = model.parameters;
  const out = new Float64Array(specs.length);
  if (isArrayLike(values)) {
    if (values.length !== specs.length) {
      throw new ConfigError([`${model.name} parameters must have length ${specs.length}, got ${values.length}`]);
    }
    for (let i = 0; i < specs.length; i++) out[i] = values[i];
  } else {
    const unknown = Object.keys(values).filter((k) => !specs.some((s) => s.name === k));
    if (unknown.length > 0) throw new ConfigError([`${model.name} has no parameter(s) ${unknown.join(', ')}; expected ${specs.map((s) => s.name).join(', ')}`]);
    specs.forEach((s, i) => {
      if (!(s.name in values)) throw new ConfigError([`${model.name} parameter ${s.name} is required`]);
      out[i] = values[s.name];
    });
  }
  specs.forEach((s, i) => {
    const range = { ...(Number.isFinite(s.lower) ? { min: s.lower } : {}), ...(Number.isFinite(s.upper) ? { max: s.upper } : {}) };
    checkNumber(`${model.name} ${s.name}`, out[i], range);
  });
  return out;
}

/**
 * Named values from a parameter vector.
 * @example
 * parameterValues(model, Float64Array.of(0.3, 5, 0)); // { alpha: 0.3, beta: 5, kappa: 0 }
 */
export function parameterValues(model: Pick<CognitiveModel, 'parameters'>, vector: ArrayLike<number>): ParameterValues {
  const out: ParameterValues = {};
  model.parameters.forEach((s, i) => (out[s.name] = vector[i]));
  return out;
}

function isArrayLike(values: ArrayLike<number> | ParameterValues): values is ArrayLike<number> {
  return ArrayBuffer.isView(values) || Array.isArray(values);
}

/** log σ(x) = −log(1 + e^−x), stable for large |x| (and ±Infinity). */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** σ(x) = 1 / (1 + e^−x). */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
