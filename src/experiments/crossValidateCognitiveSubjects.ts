/**
 * Cross-validation of a cognitive model on given subject folds, scored per subject: the classical
 * side of a model comparison. Each fold fits one population parameter set to the training
 * subjects by maximum likelihood (as `crossValidate` does) and scores each held-out subject's
 * first-stage choices.
 */
import type { CognitiveModel, ParameterValues } from '../cognitive/cognitiveModel.js';
import { fitMaximumLikelihood, type FitObjective } from '../cognitive/fit.js';
import { priorPredictiveLogLikelihood } from '../cognitive/fitHierarchical.js';
import { sessionsNegLogLikelihood } from '../cognitive/negLogLikelihood.js';
import { createRandom } from '../random.js';
import { checkLevelUnit, fitAtLevel, subjectVectors, type FitLevel } from './cognitiveLevel.js';
import type { SubjectScore } from './sessionNll.js';
import { ConfigError } from '../validation.js';
import { sessionsOfSubjects, trainingSubjects, type SubjectFolds } from './subjectFolds.js';

export interface CognitiveSubjectsOptions {
  /** Fold f's random restarts use seed `seed + 1 + f` (as in `crossValidate`). Default 0. */
  seed?: number;
  /** Optimiser starts per fold. Default 5. */
  restarts?: number;
  /** Which choices the fit maximises the likelihood of. Default `stage1`, the networks' target. */
  objective?: FitObjective;
  /**
   * `population` (default): one parameter set per fold; `individual` / `hierarchical`: each
   * subject's own (cognitiveLevel.ts), fitted to its training units and scored on its held-out
   * ones. A subject held out whole is scored, hierarchically, with its parameters integrated
   * over the fold's group prior (individual fits refuse such folds).
   */
  level?: FitLevel;
  /** Called after each fold's fit. */
  onFold?: (fold: number) => void;
}

export interface CognitiveFoldFit {
  testSubjects: string[];
  /** The population fit's parameters; per-subject levels: the typical subject's. */
  parameters: ParameterValues;
  /** Per-subject levels: each subject's parameters in this fold. */
  subjectParameters?: Record<string, ParameterValues>;
  /** Training NLL of the fit's objective, and the number of choices it counts. */
  trainNll: number;
  trainChoices: number;
  evaluations: number;
  converged: boolean;
  heldOutNll: number;
  heldOutChoices: number;
  nllPerChoice: number;
}

export interface CognitiveSubjectsResult {
  model: string;
  folds: CognitiveFoldFit[];
  subjects: SubjectScore[];
  heldOutNll: number;
  heldOutChoices: number;
  nllPerChoice: number;
}

/** One fold of a cognitive model: its fit and the held-out score of each of its test subjects. */
export interface CognitiveFoldResult {
  fold: CognitiveFoldFit;
  scores: SubjectScore[];
}

/**
 * Fit fold `fold` (seed `seed + 1 + fold`) and score its held-out subjects: one cell of a `fit` sweep.
 * @example
 * const { fold, scores } = fitCognitiveFold(createDawHybridModel(), folds, 0, { seed: 1 });
 */
export function fitCognitiveFold(model: CognitiveModel, subjectFolds: SubjectFolds, fold: number, options: Omit<CognitiveSubjectsOptions, 'onFold'> = {}): CognitiveFoldResult {
  const { seed = 0, restarts = 5, objective = 'stage1', level = 'population' } = options;
  checkLevelUnit(level, subjectFolds.unit);
  const f = fold;
  const testSubjects = subjectFolds.testSubjects[f];
  const train = sessionsOfSubjects(subjectFolds, trainingSubjects(subjectFolds, f));
  const fit = level === 'population' ? fitMaximumLikelihood(model, train, { restarts, objective, seed: seed + 1 + f }) : undefined;
  const perSubject = level === 'population' ? undefined : fitAtLevel(model, train, level, { objective, restarts, seed: seed + 1 + f });
  const vectors = perSubject ? subjectVectors(model, perSubject) : undefined;
  const predictive = createRandom(seed + 1 + f);
  const score = (unit: string) => {
    const own = subjectFolds.sessionsOf.get(unit) ?? [];
    if (fit) return sessionsNegLogLikelihood(model.bind(fit.vector), own);
    const owner = own[0].subject;
    const vector = vectors!.get(owner);
    if (vector !== undefined) return sessionsNegLogLikelihood(model.bind(vector), own);
    if (perSubject!.prior === undefined) {
      throw new ConfigError([`fold ${f} holds out every unit of subject ${JSON.stringify(owner)}, which an individual fit cannot score; use fewer folds, --cv block or --level hierarchical`]);
    }
    // A subject the fold never saw: its parameters integrated over the group prior.
    const stage1Choices = own.reduce((n, s) => n + s.valid.reduce((a, v) => a + v, 0), 0);
    return { stage1Nll: -priorPredictiveLogLikelihood(model, own, { ...perSubject!.prior, objective: 'stage1' }, { rng: predictive }), stage1Choices };
  };
  const scores: SubjectScore[] = testSubjects.map((subject) => {
    const result = score(subject);
    return { subject, fold: f, nll: result.stage1Nll, nChoices: result.stage1Choices, nllPerChoice: result.stage1Nll / result.stage1Choices };
  });
  const heldOutNll = scores.reduce((sum, s) => sum + s.nll, 0);
  const heldOutChoices = scores.reduce((sum, s) => sum + s.nChoices, 0);
  return {
    fold: {
      testSubjects: [...testSubjects],
      parameters: fit ? fit.parameters : perSubject!.typical,
      ...(perSubject ? { subjectParameters: Object.fromEntries(perSubject.subjects.map((s) => [s.subject, s.parameters])) } : {}),
      trainNll: fit ? fit.nll : perSubject!.nll,
      trainChoices: fit ? fit.nChoices : perSubject!.nChoices,
      evaluations: fit ? fit.evaluations : 0,
      converged: fit ? fit.converged : perSubject!.converged,
      heldOutNll,
      heldOutChoices,
      nllPerChoice: heldOutNll / heldOutChoices,
    },
    scores,
  };
}

/** The cross-validation result of a cognitive model from its folds (in fold order). */
export function reduceCognitiveFolds(modelName: string, results: readonly CognitiveFoldResult[]): CognitiveSubjectsResult {
  const folds = results.map((r) => r.fold);
  const heldOutNll = folds.reduce((sum, f) => sum + f.heldOutNll, 0);
  const heldOutChoices = folds.reduce((sum, f) => sum + f.heldOutChoices, 0);
  return { model: modelName, folds, subjects: results.flatMap((r) => r.scores), heldOutNll, heldOutChoices, nllPerChoice: heldOutNll / heldOutChoices };
}

/**
 * @example
 * const folds = splitSubjectsIntoFolds(table.sessions, { folds: 5, seed: 1 });
 * crossValidateCognitiveSubjects(createDawHybridModel(), folds, { seed: 1 }).nllPerChoice;
 */
export function crossValidateCognitiveSubjects(
  model: CognitiveModel,
  subjectFolds: SubjectFolds,
  options: CognitiveSubjectsOptions = {},
): CognitiveSubjectsResult {
  checkLevelUnit(options.level ?? 'population', subjectFolds.unit);
  const { onFold, ...fitOptions } = options;
  const results = subjectFolds.testSubjects.map((_, f) => {
    const result = fitCognitiveFold(model, subjectFolds, f, fitOptions);
    onFold?.(f);
    return result;
  });
  return reduceCognitiveFolds(model.name, results);
}
