/**
 * Episodes and cross-validation units of a data set. Labs hold data in different shapes: many
 * humans with one session each, or two monkeys with three sessions of 35 independent blocks
 * (tinyRNN's animal data, Ji-An, Benna & Mattar 2025). Two choices follow from the shape:
 *
 * - where a learner restarts (`ResetOn`): at every session, or at every block when blocks are
 *   independent episodes. An episode becomes its own sequence, so a network starts from its
 *   initial state and a cognitive model from its initial values at each boundary, and no
 *   trial-to-trial pair of an analysis crosses one;
 * - what cross-validation holds out (`CvUnit`): whole subjects, sessions, or blocks.
 */
import type { TrialsSession } from './trialsCsv.js';
import { ConfigError } from '../validation.js';

/** Where a learner starts afresh. */
export type ResetOn = 'session' | 'block';
/** What a cross-validation fold holds out. */
export type CvUnit = 'subject' | 'session' | 'block';

export const RESET_ON_VALUES: readonly ResetOn[] = Object.freeze(['session', 'block']);
export const CV_UNITS: readonly CvUnit[] = Object.freeze(['subject', 'session', 'block']);

/** Fewest subjects (then sessions) for which `defaultCvUnit` holds out whole subjects (then sessions). */
export const MIN_UNITS_FOR_DEFAULT = 5;

/** Whether any trial has a block index. */
export function hasBlocks(sessions: readonly TrialsSession[]): boolean {
  return sessions.some((s) => s.block.some((b) => b >= 0));
}

/**
 * `block` for reversal data whose block column has values (blocks of a reversal schedule are
 * independent episodes, as in tinyRNN's animal data), `session` otherwise. Two-stage files keep
 * `session`: their blocks (Hartley's four blocks of 50 trials) are rests inside one task whose
 * reward probabilities drift on across them.
 * @example
 * defaultResetOn(table.sessions); // 'block' for the animal reversal data
 */
export function defaultResetOn(sessions: readonly TrialsSession[]): ResetOn {
  return sessions.length > 0 && sessions[0].task === 'reversal' && hasBlocks(sessions) ? 'block' : 'session';
}

/**
 * The sessions cut at every change of the block index (`block`), or as they are (`session`). An
 * episode keeps its subject and session ids; its columns are views into the session's.
 * @example
 * splitIntoEpisodes(table.sessions, 'block').length; // 2 × 3 × 35 = 210 for the animal data
 */
export function splitIntoEpisodes(sessions: readonly TrialsSession[], resetOn: ResetOn): TrialsSession[] {
  if (!RESET_ON_VALUES.includes(resetOn)) throw new ConfigError([`resetOn must be session or block, got ${JSON.stringify(resetOn)}`]);
  if (resetOn === 'session') return [...sessions];
  const episodes: TrialsSession[] = [];
  for (const s of sessions) {
    let start = 0;
    for (let t = 1; t <= s.nTrials; t++) {
      if (t < s.nTrials && s.block[t] === s.block[start]) continue;
      episodes.push(slice(s, start, t));
      start = t;
    }
  }
  return episodes;
}

function slice(s: TrialsSession, start: number, end: number): TrialsSession {
  return {
    task: s.task,
    subject: s.subject,
    session: s.session,
    nTrials: end - start,
    choice: s.choice.subarray(start, end),
    stage2State: s.stage2State.subarray(start, end),
    stage2Choice: s.stage2Choice.subarray(start, end),
    reward: s.reward.subarray(start, end),
    block: s.block.subarray(start, end),
    reversal: s.reversal.subarray(start, end),
    common: s.common.subarray(start, end),
    valid: s.valid.subarray(start, end),
  };
}

/**
 * The id of the unit an episode belongs to: its subject, `subject/session`, or
 * `subject/session/block`.
 * @example
 * cvUnitOf('session')(episode); // 'animal0/animal0_s1'
 */
export function cvUnitOf(unit: CvUnit): (episode: TrialsSession) => string {
  if (unit === 'subject') return (e) => e.subject;
  if (unit === 'session') return (e) => `${e.subject}/${e.session}`;
  return (e) => `${e.subject}/${e.session}/${e.block[0] >= 0 ? e.block[0] : '-'}`;
}

/** Number of subjects, sessions and blocks (blocks: episodes when cut at blocks). */
export function countUnits(sessions: readonly TrialsSession[]): Record<CvUnit, number> {
  const distinct = (unit: CvUnit, of: readonly TrialsSession[]) => new Set(of.map(cvUnitOf(unit))).size;
  return { subject: distinct('subject', sessions), session: distinct('session', sessions), block: splitIntoEpisodes(sessions, 'block').length };
}

/**
 * `subject` where there are at least 5 subjects, else `session` where there are at least 5
 * sessions, else `block` where blocks are marked; data with neither (a few subjects, a session
 * each) keep the largest unit they have, `subject` unless subjects have several sessions.
 * @example
 * defaultCvUnit(table.sessions); // 'session' for 2 monkeys × 3 sessions
 */
export function defaultCvUnit(sessions: readonly TrialsSession[]): CvUnit {
  const counts = countUnits(sessions);
  if (counts.subject >= MIN_UNITS_FOR_DEFAULT) return 'subject';
  if (counts.session >= MIN_UNITS_FOR_DEFAULT) return 'session';
  if (hasBlocks(sessions)) return 'block';
  return counts.session > counts.subject ? 'session' : 'subject';
}

/** `subjects`, `sessions`, `blocks` (singular for one). */
export function unitNoun(unit: CvUnit, n = 2): string {
  return n === 1 ? unit : `${unit}s`;
}
