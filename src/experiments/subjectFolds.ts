/**
 * K-fold assignment of cross-validation units (subjects by default; sessions or blocks for data
 * with few subjects, episodes.ts), shared by every model of a comparison so that a paired
 * comparison scores each unit with models that never saw it. The shuffle is the one
 * `crossValidate` (src/cognitive/crossValidate.ts) uses, so its folds match for the same seed.
 * The fields keep the name `subjects`: with `unit: 'subject'` that is what they hold.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { createRandom } from '../random.js';
import { ConfigError, checkInteger } from '../validation.js';
import { CV_UNITS, countUnits, cvUnitOf, hasBlocks, unitNoun, type CvUnit } from '../data/episodes.js';

export interface SubjectFoldsOptions {
  /** Number of folds, an integer in [2, number of units]. Default 5. */
  folds?: number;
  /** Seed of the unit shuffle. Default 0. */
  seed?: number;
  /** What a fold holds out. Default `subject`. */
  unit?: CvUnit;
}

export interface SubjectFolds {
  /** What the ids below are: subjects, `subject/session` or `subject/session/block`. */
  unit: CvUnit;
  /** Every unit, in shuffled order (fold f holds positions f, f + k, f + 2k, ...). */
  subjects: string[];
  /** Units held out in each fold (every unit in exactly one fold). */
  testSubjects: string[][];
  /** Fold index of every unit. */
  foldOf: Map<string, number>;
  /** Each unit's sessions (episodes), in order of first appearance. */
  sessionsOf: Map<string, TrialsSession[]>;
}

/** What to pass instead: fewer folds, or another unit of which the data have at least `atLeast`. */
function alternatives(sessions: readonly TrialsSession[], unit: CvUnit, atLeast: number, nUnits: number): string {
  const counts = countUnits(sessions);
  const options = CV_UNITS.filter((u) => u !== unit && counts[u] >= atLeast && (u !== 'block' || hasBlocks(sessions))).map(
    (u) => `--cv ${u} (${counts[u]} ${unitNoun(u, counts[u])})`,
  );
  if (nUnits >= 2) options.unshift(`--folds ${nUnits}`);
  return options.length > 0 ? `; pass ${options.join(' or ')}` : '';
}

/**
 * Shuffle the subjects with `seed` (Fisher-Yates) and deal them round-robin into folds, so fold
 * sizes differ by at most one.
 * @example
 * const { testSubjects } = splitSubjectsIntoFolds(table.sessions, { folds: 5, seed: 1 });
 * testSubjects[0]; // the subjects held out in fold 0
 */
export function splitSubjectsIntoFolds(sessions: readonly TrialsSession[], options: SubjectFoldsOptions = {}): SubjectFolds {
  const { folds = 5, seed = 0, unit = 'subject' } = options;
  if (!CV_UNITS.includes(unit)) throw new ConfigError([`unit must be one of ${CV_UNITS.join(', ')}, got ${JSON.stringify(unit)}`]);
  if (unit === 'block' && !hasBlocks(sessions)) {
    throw new ConfigError([`cross-validation over blocks needs a block column with values, but it is empty on every trial${alternatives(sessions, unit, 2, 0)}`]);
  }
  const sessionsOf = new Map<string, TrialsSession[]>();
  const keyOf = cvUnitOf(unit);
  for (const s of sessions) {
    const key = keyOf(s);
    const group = sessionsOf.get(key);
    if (group === undefined) sessionsOf.set(key, [s]);
    else group.push(s);
  }
  const subjects = [...sessionsOf.keys()];
  checkInteger('folds', folds, 2);
  if (subjects.length < folds) {
    const why = `folds must be an integer in [2, ${subjects.length}] (the number of ${unitNoun(unit)}), got ${folds}`;
    throw new ConfigError([`${why}${alternatives(sessions, unit, folds, subjects.length)}`]);
  }
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
  return { unit, subjects, testSubjects, foldOf, sessionsOf };
}

/** The sessions of the subjects in `subjects`, in that order. */
export function sessionsOfSubjects(folds: SubjectFolds, subjects: readonly string[]): TrialsSession[] {
  return subjects.flatMap((s) => folds.sessionsOf.get(s) ?? []);
}

/** The training subjects of fold `fold`: every other fold's, in shuffled order. */
export function trainingSubjects(folds: SubjectFolds, fold: number): string[] {
  return folds.subjects.filter((s) => folds.foldOf.get(s) !== fold);
}

/**
 * Refuse folds that leave a network fewer than 2 training units: its early stopping holds some
 * of them out (the inner validation split), and both parts must hold a unit.
 * @example
 * checkInnerValidation(splitSubjectsIntoFolds(sessions, { folds: 2 }), sessions); // throws for 2 subjects
 */
export function checkInnerValidation(folds: SubjectFolds, sessions: readonly TrialsSession[]): void {
  const k = folds.testSubjects.length;
  const fewest = Math.min(...folds.testSubjects.map((test) => folds.subjects.length - test.length));
  if (fewest >= 2) return;
  const noun = unitNoun(folds.unit);
  throw new ConfigError([
    `with ${folds.subjects.length} ${unitNoun(folds.unit, folds.subjects.length)} and ${k} folds a network trains on ${fewest} ${unitNoun(folds.unit, fewest)} per fold, ` +
      `but its early stopping needs at least 2 training ${noun} (one or more held out for validation)${alternatives(sessions, folds.unit, Math.max(3, k + 1), 0)}`,
  ]);
}
