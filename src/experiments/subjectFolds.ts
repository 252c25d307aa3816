/**
 * K-fold assignment of subjects, shared by every model of a comparison so that a paired
 * comparison scores each subject with models that never saw that subject. The shuffle is the one
 * `crossValidate` (src/cognitive/crossValidate.ts) uses, so its folds match for the same seed.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { groupBySubject } from '../cognitive/fit.js';
import { createRandom } from '../random.js';
import { ConfigError, checkInteger } from '../validation.js';

export interface SubjectFoldsOptions {
  /** Number of folds, an integer in [2, number of subjects]. Default 5. */
  folds?: number;
  /** Seed of the subject shuffle. Default 0. */
  seed?: number;
}

export interface SubjectFolds {
  /** Every subject, in shuffled order (fold f holds positions f, f + k, f + 2k, ...). */
  subjects: string[];
  /** Subjects held out in each fold (every subject in exactly one fold). */
  testSubjects: string[][];
  /** Fold index of every subject. */
  foldOf: Map<string, number>;
  /** Each subject's sessions, in order of first appearance. */
  sessionsOf: Map<string, TrialsSession[]>;
}

/**
 * Shuffle the subjects with `seed` (Fisher-Yates) and deal them round-robin into folds, so fold
 * sizes differ by at most one.
 * @example
 * const { testSubjects } = splitSubjectsIntoFolds(table.sessions, { folds: 5, seed: 1 });
 * testSubjects[0]; // the subjects held out in fold 0
 */
export function splitSubjectsIntoFolds(sessions: readonly TrialsSession[], options: SubjectFoldsOptions = {}): SubjectFolds {
  const { folds = 5, seed = 0 } = options;
  const sessionsOf = groupBySubject(sessions);
  const subjects = [...sessionsOf.keys()];
  checkInteger('folds', folds, 2);
  if (subjects.length < folds) throw new ConfigError([`folds must be an integer in [2, ${subjects.length}] (the number of subjects), got ${folds}`]);
  const rng = createRandom(seed);
  for (let i = subjects.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    [subjects[i], subjects[j]] = [subjects[j], subjects[i]];
  }
  const testSubjects: string[][] = Array.from({ length: folds }, () => []);
  const foldOf = new Map<string, number>();
  subjects.forEach((subject, i) => {
    testSubjects[i % folds].push(subject);
    foldOf.set(subject, i % folds);
  });
  return { subjects, testSubjects, foldOf, sessionsOf };
}

/** The sessions of the subjects in `subjects`, in that order. */
export function sessionsOfSubjects(folds: SubjectFolds, subjects: readonly string[]): TrialsSession[] {
  return subjects.flatMap((s) => folds.sessionsOf.get(s) ?? []);
}

/** The training subjects of fold `fold`: every other fold's, in shuffled order. */
export function trainingSubjects(folds: SubjectFolds, fold: number): string[] {
  return folds.subjects.filter((s) => folds.foldOf.get(s) !== fold);
}
