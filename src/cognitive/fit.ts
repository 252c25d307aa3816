/**
 * Maximum-likelihood fitting of a cognitive model: bounded parameters are searched in an
 * unbounded space (parameterTransform.ts) by Nelder-Mead from several seeded starts, and the best
 * optimum is kept. A fit over one subject's sessions is a per-subject fit; a fit over all
 * subjects of a training fold is a population fit (one shared parameter set).
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { createRandom } from '../random.js';
import { ConfigError, checkInteger } from '../validation.js';
import { parameterValues, parameterVector, type CognitiveModel, type LikelihoodResult, type ParameterValues } from './cognitiveModel.js';
import { nelderMead, type NelderMeadOptions } from './nelderMead.js';
import { sessionsNegLogLikelihood } from './negLogLikelihood.js';
import { vectorFromUnbounded, vectorToUnbounded } from './parameterTransform.js';

/** Which choices the fit maximises the likelihood of. */
export type FitObjective = 'total' | 'stage1';

export interface CognitiveFitOptions {
  /** Number of optimiser starts: the first from each parameter's `start`, the rest random. Default 5. */
  restarts?: number;
  /** Seed of the random starts. Default 0. */
  seed?: number;
  /**
   * `total` (default) fits first- and second-stage choices together, as Daw et al. (2011) did;
   * `stage1` fits first-stage choices only. Identical for single-stage tasks.
   */
  objective?: FitObjective;
  /** Passed to the optimiser. */
  optimizer?: NelderMeadOptions;
}

export interface FitResult {
  model: string;
  parameters: ParameterValues;
  /** The same parameters as a vector, in the model's order. */
  vector: Float64Array;
  objective: FitObjective;
  /** Minimised NLL (of the choices the objective counts). */
  nll: number;
  /** Choices the objective counts (the n of BIC). */
  nChoices: number;
  /** Stage-1 (or only) NLL per stage-1 choice: the number to compare with recurrent networks. */
  nllPerChoice: number;
  /** Both stages' NLL and counts at the fitted parameters. */
  likelihood: LikelihoodResult;
  /** 2k + 2 NLL. */
  aic: number;
  /** k ln n + 2 NLL. */
  bic: number;
  /** Function evaluations over all starts. */
  evaluations: number;
  /** Whether the best start's optimiser converged within its budget. */
  converged: boolean;
}

/** The objective's NLL and choice count. */
export function objectiveOf(result: LikelihoodResult, objective: FitObjective): { nll: number; nChoices: number } {
  return objective === 'total' ? { nll: result.nll, nChoices: result.nChoices } : { nll: result.stage1Nll, nChoices: result.stage1Choices };
}

/**
 * Fit one parameter set to all `sessions` by maximum likelihood.
 * @example
 * const fit = fitMaximumLikelihood(createQLearningModel(), table.sessions, { restarts: 5, seed: 1 });
 * fit.parameters.alpha; fit.nllPerChoice; fit.bic;
 */
export function fitMaximumLikelihood(model: CognitiveModel, sessions: readonly TrialsSession[], options: CognitiveFitOptions = {}): FitResult {
  const { restarts = 5, seed = 0, objective = 'total', optimizer = {} } = options;
  checkInteger('restarts', restarts, 1);
  if (sessions.length === 0) throw new ConfigError(['sessions must hold at least one session, got 0']);
  for (const s of sessions) {
    if (s.task !== model.task) throw new ConfigError([`model ${model.name} fits ${model.task} data, got a ${s.task} session (${JSON.stringify(s.session)})`]);
  }
  const specs = model.parameters;
  const rng = createRandom(seed);
  const natural = new Float64Array(specs.length);
  const loss = (u: Float64Array): number => {
    vectorFromUnbounded(specs, u, natural);
    return objectiveOf(sessionsNegLogLikelihood(model.bind(natural), sessions), objective).nll;
  };
  let best: { x: Float64Array; fx: number; converged: boolean } | undefined;
  let evaluations = 0;
  for (let r = 0; r < restarts; r++) {
    const start = specs.map((s) => (r === 0 ? s.start : s.startRange[0] + rng.uniform() * (s.startRange[1] - s.startRange[0])));
    const run = nelderMead(loss, vectorToUnbounded(specs, start), optimizer);
    evaluations += run.evaluations;
    if (best === undefined || run.fx < best.fx) best = run;
  }
  const vector = parameterVector(model, vectorFromUnbounded(specs, best!.x));
  const likelihood = sessionsNegLogLikelihood(model.bind(vector), sessions);
  const { nll, nChoices } = objectiveOf(likelihood, objective);
  const k = specs.length;
  return {
    model: model.name,
    parameters: parameterValues(model, vector),
    vector,
    objective,
    nll,
    nChoices,
    nllPerChoice: likelihood.stage1Nll / likelihood.stage1Choices,
    likelihood,
    aic: 2 * k + 2 * nll,
    bic: k * Math.log(nChoices) + 2 * nll,
    evaluations,
    converged: best!.converged,
  };
}

/** Sessions grouped by subject, in order of first appearance. */
export function groupBySubject(sessions: readonly TrialsSession[]): Map<string, TrialsSession[]> {
  const groups = new Map<string, TrialsSession[]>();
  for (const s of sessions) {
    const group = groups.get(s.subject);
    if (group === undefined) groups.set(s.subject, [s]);
    else group.push(s);
  }
  return groups;
}

/**
 * One maximum-likelihood fit per subject (over that subject's sessions).
 * @example
 * for (const { subject, fit } of fitSubjects(model, table.sessions)) console.log(subject, fit.parameters);
 */
export function fitSubjects(model: CognitiveModel, sessions: readonly TrialsSession[], options: CognitiveFitOptions = {}): { subject: string; fit: FitResult }[] {
  return [...groupBySubject(sessions)].map(([subject, own]) => ({ subject, fit: fitMaximumLikelihood(model, own, options) }));
}
