/**
 * What `brain-rnn fit` says about a file of one participant (a `brain-rnn play` session, one
 * jsPsych participant): its comparison cross-validates over subjects, which one subject cannot
 * do, so instead of a fold count out of range it names the participant and what such data allow.
 */
import type { TrialsTable } from '../data/trialsCsv.js';

/**
 * The refusal for a table of one subject, or undefined when it has more.
 * @example
 * const message = singleParticipantMessage(table, 'p01.csv');
 * if (message) throw new Error(message);
 */
export function singleParticipantMessage(table: TrialsTable, name: string): string | undefined {
  const subjects = new Set(table.sessions.map((s) => s.subject));
  if (subjects.size !== 1) return undefined;
  const [subject] = subjects;
  const choices = table.sessions.reduce((n, s) => n + s.valid.reduce((m, v) => m + v, 0), 0);
  const blocks = new Set(table.sessions.flatMap((s) => Array.from(s.block).filter((b) => b >= 0))).size;
  return (
    `${name} holds one participant (${JSON.stringify(subject)}: ${table.sessions.length} session(s), ${choices} choices, ${blocks} block(s)); ` +
    'fit compares models by cross-validation over subjects, which needs at least 2. ' +
    'With one participant the models can be fitted in sample and compared by AIC/BIC (`--level individual`), ' +
    'or cross-validated within the participant over sessions or blocks (`--cv session|block`), where this version of fit has those options; ' +
    'to compare across people, put several participants\' files into one CSV (same header, one subject id each)'
  );
}
