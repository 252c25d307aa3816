/**
 * K-fold cross-validation over subjects of a population fit: fit one parameter set on the
 * training subjects, score the held-out subjects' first-stage choices. The held-out NLL per
 * first-stage choice is what recurrent networks are compared on.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { createRandom } from '../random.js';
import { ConfigError, checkInteger } from '../validation.js';
import type { CognitiveModel, LikelihoodResult } from './cognitiveModel.js';
import { fitMaximumLikelihood, groupBySubject, type CognitiveFitOptions, type FitResult } from './fit.js';
import { sessionsNegLogLikelihood } from './negLogLikelihood.js';

export interface CrossValidationOptions extends CognitiveFitOptions {
  /** Number of folds (subjects are split as evenly as possible). Default 5. */
  folds?: number;
}

export interface CrossValidationFold {
  /** Subjects held out in this fold. */
  testSubjects: string[];
  /** Population fit on the other subjects. */
  fit: FitResult;
  /** NLL of the held-out sessions at the fitted parameters. */
  heldOut: LikelihoodResult;
  /** Held-out stage-1 NLL per stage-1 choice. */
  nllPerChoice: number;
}

export interface CrossValidationResult {
  folds: CrossValidationFold[];
  /** Held-out stage-1 NLL summed over folds. */
  heldOutNll: number;
  /** Held-out stage-1 choices summed over folds. */
  heldOutChoices: number;
  /** heldOutNll / heldOutChoices. */
  nllPerChoice: number;
}

/**
 * Subjects are shuffled with `seed` and dealt round-robin into folds; fold f's fit uses seed
 * `seed + 1 + f` for its random starts.
 * @example
 * const cv = crossValidate(createQLearningModel(), table.sessions, { folds: 5, seed: 1 });
 * cv.nllPerChoice; // held-out NLL per first-stage choice
 */
export function crossValidate(model: CognitiveModel, sessions: readonly TrialsSession[], options: CrossValidationOptions = {}): CrossValidationResult {
  const { folds: nFolds = 5, seed = 0, ...fitOptions } = options;
  const bySubject = groupBySubject(sessions);
  const subjects = [...bySubject.keys()];
  checkInteger('folds', nFolds, 2);
  if (subjects.length < nFolds) throw new ConfigError([`folds must be at most the number of subjects (${subjects.length}), got ${nFolds}`]);
  const rng = createRandom(seed);
  for (let i = subjects.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    [subjects[i], subjects[j]] = [subjects[j], subjects[i]];
  }
  const folds: CrossValidationFold[] = [];
  let heldOutNll = 0;
  let heldOutChoices = 0;
  for (let f = 0; f < nFolds; f++) {
    const testSubjects = subjects.filter((_, i) => i % nFolds === f);
    const test = testSubjects.flatMap((s) => bySubject.get(s)!);
    const train = subjects.filter((_, i) => i % nFolds !== f).flatMap((s) => bySubject.get(s)!);
    const fit = fitMaximumLikelihood(model, train, { ...fitOptions, seed: seed + 1 + f });
    const heldOut = sessionsNegLogLikelihood(model.bind(fit.vector), test);
    heldOutNll += heldOut.stage1Nll;
    heldOutChoices += heldOut.stage1Choices;
    folds.push({ testSubjects, fit, heldOut, nllPerChoice: heldOut.stage1Nll / heldOut.stage1Choices });
  }
  return { folds, heldOutNll, heldOutChoices, nllPerChoice: heldOutNll / heldOutChoices };
}
