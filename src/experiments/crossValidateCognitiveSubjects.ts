/**
 * Cross-validation of a cognitive model on given subject folds, scored per subject: the classical
 * side of a model comparison. Each fold fits one population parameter set to the training
 * subjects by maximum likelihood (as `crossValidate` does) and scores each held-out subject's
 * first-stage choices.
 */
import type { CognitiveModel, ParameterValues } from '../cognitive/cognitiveModel.js';
import { fitMaximumLikelihood, type FitObjective } from '../cognitive/fit.js';
import { sessionsNegLogLikelihood } from '../cognitive/negLogLikelihood.js';
import type { SubjectScore } from './sessionNll.js';
import { sessionsOfSubjects, trainingSubjects, type SubjectFolds } from './subjectFolds.js';

export interface CognitiveSubjectsOptions {
  /** Fold f's random restarts use seed `seed + 1 + f` (as in `crossValidate`). Default 0. */
  seed?: number;
  /** Optimiser starts per fold. Default 5. */
  restarts?: number;
  /** Which choices the fit maximises the likelihood of. Default `stage1`, the networks' target. */
  objective?: FitObjective;
  /** Called after each fold's fit. */
  onFold?: (fold: number) => void;
}

export interface CognitiveFoldFit {
  testSubjects: string[];
  parameters: ParameterValues;
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
  const { seed = 0, restarts = 5, objective = 'stage1' } = options;
  const testSubjects = subjectFolds.testSubjects[fold];
  const train = sessionsOfSubjects(subjectFolds, trainingSubjects(subjectFolds, fold));
  const fit = fitMaximumLikelihood(model, train, { restarts, objective, seed: seed + 1 + fold });
  const kernel = model.bind(fit.vector);
  const scores: SubjectScore[] = testSubjects.map((subject) => {
    const result = sessionsNegLogLikelihood(kernel, subjectFolds.sessionsOf.get(subject) ?? []);
    return { subject, fold, nll: result.stage1Nll, nChoices: result.stage1Choices, nllPerChoice: result.stage1Nll / result.stage1Choices };
  });
  const heldOutNll = scores.reduce((sum, s) => sum + s.nll, 0);
  const heldOutChoices = scores.reduce((sum, s) => sum + s.nChoices, 0);
  return {
    fold: {
      testSubjects: [...testSubjects],
      parameters: fit.parameters,
      trainNll: fit.nll,
      trainChoices: fit.nChoices,
      evaluations: fit.evaluations,
      converged: fit.converged,
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
  const { onFold, ...fitOptions } = options;
  const results = subjectFolds.testSubjects.map((_, f) => {
    const result = fitCognitiveFold(model, subjectFolds, f, fitOptions);
    onFold?.(f);
    return result;
  });
  return reduceCognitiveFolds(model.name, results);
}
