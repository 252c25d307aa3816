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
  const { seed = 0, restarts = 5, objective = 'stage1', onFold } = options;
  const folds: CognitiveFoldFit[] = [];
  const subjects: SubjectScore[] = [];
  subjectFolds.testSubjects.forEach((testSubjects, f) => {
    const train = sessionsOfSubjects(subjectFolds, trainingSubjects(subjectFolds, f));
    const fit = fitMaximumLikelihood(model, train, { restarts, objective, seed: seed + 1 + f });
    const kernel = model.bind(fit.vector);
    let heldOutNll = 0;
    let heldOutChoices = 0;
    for (const subject of testSubjects) {
      const result = sessionsNegLogLikelihood(kernel, subjectFolds.sessionsOf.get(subject) ?? []);
      subjects.push({ subject, fold: f, nll: result.stage1Nll, nChoices: result.stage1Choices, nllPerChoice: result.stage1Nll / result.stage1Choices });
      heldOutNll += result.stage1Nll;
      heldOutChoices += result.stage1Choices;
    }
    folds.push({
      testSubjects: [...testSubjects],
      parameters: fit.parameters,
      trainNll: fit.nll,
      trainChoices: fit.nChoices,
      evaluations: fit.evaluations,
      converged: fit.converged,
      heldOutNll,
      heldOutChoices,
      nllPerChoice: heldOutNll / heldOutChoices,
    });
    onFold?.(f);
  });
  const heldOutNll = folds.reduce((sum, f) => sum + f.heldOutNll, 0);
  const heldOutChoices = folds.reduce((sum, f) => sum + f.heldOutChoices, 0);
  return { model: model.name, folds, subjects, heldOutNll, heldOutChoices, nllPerChoice: heldOutNll / heldOutChoices };
}
