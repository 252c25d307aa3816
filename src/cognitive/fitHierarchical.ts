/**
 * Hierarchical (empirical-Bayes) fit of a cognitive model: every subject's parameters, in the
 * unbounded space of parameterTransform.ts, are drawn from a Gaussian group prior N(μ, diag σ²),
 * and μ, σ² are fitted by expectation-maximisation with Laplace approximations (Huys et al. 2011,
 * "emfit"; Daw 2011, "Trial-by-trial data analysis using computational models"):
 *
 *   E-step: per subject, the MAP mᵢ = argmin NLLᵢ(u) + ½ Σₖ (uₖ − μₖ)² / σ²ₖ and the Hessian Hᵢ of
 *           that objective at mᵢ (finite differences, laplace.ts); the posterior is ≈ N(mᵢ, Hᵢ⁻¹).
 *   M-step: μ = meanᵢ mᵢ;  σ²ₖ = meanᵢ (mᵢₖ² + (Hᵢ⁻¹)ₖₖ) − μₖ².
 *
 * Model comparison uses the integrated BIC (Huys et al. 2012): iBIC = −2 log p(D | μ, σ²) + 2K ln N,
 * K parameters (a mean and a variance each), N choices, with log p(Dᵢ | μ, σ²) estimated by
 * sampling as emfit does: log (1/S) Σₛ p(Dᵢ | uₛ), uₛ ~ N(μ, σ²).
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { createRandom } from '../random.js';
import { ConfigError, checkInteger, checkNumber } from '../validation.js';
import { parameterValues, type CognitiveModel, type ParameterValues } from './cognitiveModel.js';
import { groupBySubject, objectiveOf, type FitObjective } from './fit.js';
import { hessianByFiniteDifferences, invertSpd } from './laplace.js';
import { nelderMead, type NelderMeadOptions } from './nelderMead.js';
import { sessionsNegLogLikelihood } from './negLogLikelihood.js';
import { vectorFromUnbounded, vectorToUnbounded } from './parameterTransform.js';

export interface HierarchicalFitOptions {
  /** Which choices are fitted. Default `total`, as fitMaximumLikelihood. */
  objective?: FitObjective;
  /** EM iterations at most. Default 100. */
  maxIterations?: number;
  /** Stop when the Laplace log marginal likelihood changes by less than this. Default 1e-3. */
  tolerance?: number;
  /** Optimiser starts per subject in the first E-step (later ones start from the last MAP). Default 3. */
  restarts?: number;
  /** Seed of the random starts and of the iBIC samples. Default 0. */
  seed?: number;
  /** Samples from the group prior for the integrated likelihood. Default 1000. */
  iBicSamples?: number;
  /** Floor of each group variance, so a parameter every subject shares cannot collapse the prior. Default 1e-4. */
  minVariance?: number;
  /** Initial group variance (the first E-step's prior). Default 10. */
  initialVariance?: number;
  /** Finite-difference step of the Hessian. Default 1e-3. */
  hessianStep?: number;
  optimizer?: NelderMeadOptions;
}

export interface SubjectPosterior {
  subject: string;
  /** MAP estimate, natural units. */
  parameters: ParameterValues;
  /** MAP estimate in the unbounded space. */
  mode: Float64Array;
  /** Diagonal of the Laplace posterior covariance Hᵢ⁻¹ (unbounded space). */
  posteriorVariance: Float64Array;
  /** NLL of the fitted choices at the MAP, and their number. */
  nll: number;
  nChoices: number;
}

export interface HierarchicalFitResult {
  model: string;
  objective: FitObjective;
  /** Group mean and variance of each parameter in the unbounded space, by name. */
  groupMean: ParameterValues;
  groupVariance: ParameterValues;
  /** The group mean mapped back to natural units (the median subject's parameters). */
  groupMeanNatural: ParameterValues;
  subjects: SubjectPosterior[];
  iterations: number;
  converged: boolean;
  /** Σᵢ Laplace log p(Dᵢ | μ, σ²) at the last E-step. */
  laplaceLogMarginal: number;
  /** Σᵢ sampled log p(Dᵢ | μ, σ²) with `iBicSamples` samples. */
  logMarginal: number;
  iBicSamples: number;
  /** −2 logMarginal + 2K ln nChoices. */
  iBic: number;
  nChoices: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * @example
 * const fit = fitHierarchical(createQLearningModel(), table.sessions, { objective: 'stage1', seed: 1 });
 * fit.groupMeanNatural.alpha; fit.subjects[0].parameters.beta; fit.iBic;
 */
export function fitHierarchical(model: CognitiveModel, sessions: readonly TrialsSession[], options: HierarchicalFitOptions = {}): HierarchicalFitResult {
  const {
    objective = 'total',
    maxIterations = 100,
    tolerance = 1e-3,
    restarts = 3,
    seed = 0,
    iBicSamples = 1000,
    minVariance = 1e-4,
    initialVariance = 10,
    hessianStep = 1e-3,
    optimizer = {},
  } = options;
  checkInteger('maxIterations', maxIterations, 1);
  checkInteger('restarts', restarts, 1);
  checkInteger('iBicSamples', iBicSamples, 1);
  checkNumber('tolerance', tolerance, { min: 0, minExclusive: true });
  checkNumber('minVariance', minVariance, { min: 0, minExclusive: true });
  checkNumber('initialVariance', initialVariance, { min: 0, minExclusive: true });
  const groups = [...groupBySubject(sessions)];
  if (groups.length < 2) throw new ConfigError([`a hierarchical fit needs at least 2 subjects, got ${groups.length}`]);
  for (const s of sessions) {
    if (s.task !== model.task) throw new ConfigError([`model ${model.name} fits ${model.task} data, got a ${s.task} session (${JSON.stringify(s.session)})`]);
  }
  const specs = model.parameters;
  const k = specs.length;
  const rng = createRandom(seed);
  const natural = new Float64Array(k);
  const nllOf = (own: readonly TrialsSession[], u: ArrayLike<number>) => {
    vectorFromUnbounded(specs, u, natural);
    return objectiveOf(sessionsNegLogLikelihood(model.bind(natural), own), objective);
  };

  const mean = vectorToUnbounded(specs, specs.map((s) => s.start));
  const variance = new Float64Array(k).fill(initialVariance);
  const modes: Float64Array[] = groups.map(() => Float64Array.from(mean));
  const posteriorVariance = groups.map(() => new Float64Array(k));
  let laplaceLogMarginal = -Infinity;
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIterations; it++) {
    iterations = it + 1;
    let logMarginal = 0;
    groups.forEach(([, own], i) => {
      const objectiveAt = (u: Float64Array) => {
        let prior = 0;
        for (let p = 0; p < k; p++) prior += 0.5 * ((u[p] - mean[p]) ** 2 / variance[p] + Math.log(variance[p]) + LOG_2PI);
        return nllOf(own, u).nll + prior;
      };
      const starts = it === 0 ? Array.from({ length: restarts }, (_, r) => (r === 0 ? mean : randomStart(specs, rng))) : [modes[i]];
      let best = nelderMead(objectiveAt, starts[0], optimizer);
      for (const start of starts.slice(1)) {
        const run = nelderMead(objectiveAt, start, optimizer);
        if (run.fx < best.fx) best = run;
      }
      modes[i] = best.x;
      const { inverse, logDet } = invertSpd(positiveDefinite(hessianByFiniteDifferences(objectiveAt, best.x, hessianStep), variance));
      for (let p = 0; p < k; p++) posteriorVariance[i][p] = inverse[p][p];
      // Laplace: log ∫ e^{−g(u)} du ≈ −g(m) + (k/2) ln 2π − ½ ln det H.
      logMarginal += -best.fx + 0.5 * k * LOG_2PI - 0.5 * logDet;
    });
    for (let p = 0; p < k; p++) {
      let m = 0;
      for (const mode of modes) m += mode[p];
      m /= groups.length;
      let second = 0;
      modes.forEach((mode, i) => (second += mode[p] ** 2 + posteriorVariance[i][p]));
      mean[p] = m;
      variance[p] = Math.max(minVariance, second / groups.length - m * m);
    }
    const change = Math.abs(logMarginal - laplaceLogMarginal);
    laplaceLogMarginal = logMarginal;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }

  const subjects: SubjectPosterior[] = groups.map(([subject, own], i) => {
    const { nll, nChoices } = nllOf(own, modes[i]);
    return { subject, parameters: parameterValues(model, vectorFromUnbounded(specs, modes[i])), mode: modes[i], posteriorVariance: posteriorVariance[i], nll, nChoices };
  });
  const nChoices = subjects.reduce((sum, s) => sum + s.nChoices, 0);
  const logMarginal = sampledLogMarginal(groups.map(([, own]) => own), (own, u) => nllOf(own, u).nll, mean, variance, iBicSamples, rng);
  const byName = (values: ArrayLike<number>) => parameterValues(model, values);
  return {
    model: model.name,
    objective,
    groupMean: byName(mean),
    groupVariance: byName(variance),
    groupMeanNatural: byName(vectorFromUnbounded(specs, mean)),
    subjects,
    iterations,
    converged,
    laplaceLogMarginal,
    logMarginal,
    iBicSamples,
    iBic: -2 * logMarginal + 2 * k * Math.log(nChoices),
    nChoices,
  };
}

function randomStart(specs: CognitiveModel['parameters'], rng: ReturnType<typeof createRandom>): Float64Array {
  return vectorToUnbounded(specs, specs.map((s) => s.startRange[0] + rng.uniform() * (s.startRange[1] - s.startRange[0])));
}

/**
 * The Hessian, positive definite: at an inexact optimum (or on a flat likelihood) finite
 * differences can dip below the prior's own curvature 1/σ², which the exact Hessian never does,
 * so each diagonal entry is kept at least 1/σ²; if the matrix is still not positive definite its
 * diagonal alone is used.
 */
function positiveDefinite(H: number[][], variance: Float64Array): number[][] {
  const out = H.map((row, i) => row.map((v, j) => (i === j ? Math.max(v, 1 / variance[i]) : v)));
  try {
    invertSpd(out);
    return out;
  } catch {
    return out.map((row, i) => row.map((v, j) => (i === j ? v : 0)));
  }
}

/**
 * log p(D | μ, σ²) of one subject's sessions, the subject's own parameters integrated out over the
 * group prior by sampling: log (1/S) Σₛ p(D | uₛ), uₛ ~ N(μ, σ²). A held-out subject's predictive
 * likelihood under a hierarchical fit.
 * @example
 * const fit = fitHierarchical(model, training);
 * -priorPredictiveLogLikelihood(model, heldOut, fit, { rng: createRandom(1) }); // held-out NLL
 */
export function priorPredictiveLogLikelihood(
  model: CognitiveModel,
  sessions: readonly TrialsSession[],
  prior: Pick<HierarchicalFitResult, 'groupMean' | 'groupVariance' | 'objective'>,
  options: { rng: ReturnType<typeof createRandom>; samples?: number },
): number {
  const { rng, samples = 1000 } = options;
  const specs = model.parameters;
  const natural = new Float64Array(specs.length);
  const nll = (own: readonly TrialsSession[], u: Float64Array) => {
    vectorFromUnbounded(specs, u, natural);
    return objectiveOf(sessionsNegLogLikelihood(model.bind(natural), own), prior.objective).nll;
  };
  const mean = Float64Array.from(specs, (p) => prior.groupMean[p.name]);
  const variance = Float64Array.from(specs, (p) => prior.groupVariance[p.name]);
  return sampledLogMarginal([sessions], nll, mean, variance, samples, rng);
}

/** Σᵢ log (1/S) Σₛ exp(−NLLᵢ(uₛ)), uₛ ~ N(mean, diag variance), the same S draws for every subject. */
function sampledLogMarginal(
  groups: readonly (readonly TrialsSession[])[],
  nll: (own: readonly TrialsSession[], u: Float64Array) => number,
  mean: Float64Array,
  variance: Float64Array,
  nSamples: number,
  rng: ReturnType<typeof createRandom>,
): number {
  const k = mean.length;
  const samples = Array.from({ length: nSamples }, () => Float64Array.from({ length: k }, (_, p) => mean[p] + Math.sqrt(variance[p]) * rng.normal()));
  let total = 0;
  for (const own of groups) {
    const logs = samples.map((u) => -nll(own, u));
    const max = Math.max(...logs);
    let sum = 0;
    for (const v of logs) sum += Math.exp(v - max);
    total += max + Math.log(sum / nSamples);
  }
  return total;
}
