/**
 * The "trials CSV" format shared by every real data set in this project (see the data README):
 * one row per trial, columns task, subject, session, trial, choice, stage2_state, stage2_choice,
 * reward, block, reversal and, for two-stage files, common; then optionally the reaction times
 * `rt` (ms, first stage) and, for two-stage files, `rt2` (ms, second stage), which the task page
 * writes (brain-rnn play) and nothing fits on. Parsing works on a file's bytes or
 * its text (the library never touches files) and yields one typed-array record per session.
 * Files from spreadsheets are accepted as they come: a UTF-8 byte-order mark, `\r\n` line ends,
 * no final newline; bytes that are not UTF-8 are refused with their line (decodeText.ts).
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ConfigError } from '../validation.js';
import { decodeText, type TextInput } from './decodeText.js';

/** Tasks a trials CSV can hold. */
export type TrialsTask = 'reversal' | 'two_stage';

/** One session as typed-array columns of length `nTrials`; -1 marks a missing or unknown value. */
export interface TrialsSession {
  task: TrialsTask;
  subject: string;
  session: string;
  nTrials: number;
  /** First-stage (or only) choice, 0 or 1; -1 if missed. */
  choice: Int8Array;
  /** Two-stage: second-stage state reached, 0 or 1; -1 if missed or not applicable. */
  stage2State: Int8Array;
  /** Two-stage: second-stage choice, 0 or 1; -1 if missed or not applicable. */
  stage2Choice: Int8Array;
  /** 1 rewarded, 0 not; -1 if no outcome was delivered. */
  reward: Int8Array;
  /** Block index; -1 if the source gives none. */
  block: Int32Array;
  /** 1 on the first trial after a known reversal, 0 otherwise; -1 if the schedule is unknown. */
  reversal: Int8Array;
  /** Two-stage: 1 common transition, 0 rare; -1 if missed or not applicable. */
  common: Int8Array;
  /** 1 where the trial has a first-stage choice (the trials that enter a likelihood or a loss). */
  valid: Uint8Array;
  /** Reaction time of the first-stage choice in ms, NaN if missing; only when the file has `rt`. */
  rt?: Float64Array;
  /** Reaction time of the second-stage choice in ms, NaN if missing; only when the file has `rt2`. */
  rt2?: Float64Array;
}

/** A parsed trials CSV: one task, sessions in order of first appearance. */
export interface TrialsTable {
  task: TrialsTask;
  /** Whether the file has the `common` column. */
  hasCommon: boolean;
  /** The reaction-time columns the file has after the trial fields: none, `rt`, or `rt` and `rt2`. */
  reactionTimes: ReactionTimeColumn[];
  sessions: TrialsSession[];
}

const BASE_COLUMNS = ['task', 'subject', 'session', 'trial', 'choice', 'stage2_state', 'stage2_choice', 'reward', 'block', 'reversal'] as const;

/** Optional trailing columns of reaction times (ms): `rt` for the (first-stage) choice, `rt2` for the second stage. */
export type ReactionTimeColumn = 'rt' | 'rt2';

/** The columns of a header: the base ones, `common` for two-stage data, then reaction times. */
function headerColumns(hasCommon: boolean, reactionTimes: readonly ReactionTimeColumn[]): string[] {
  return [...BASE_COLUMNS, ...(hasCommon ? ['common'] : []), ...reactionTimes];
}

/** Which of the accepted headers `header` is, or undefined. */
function readHeader(header: readonly string[]): { hasCommon: boolean; reactionTimes: ReactionTimeColumn[] } | undefined {
  const hasCommon = header[BASE_COLUMNS.length] === 'common';
  const rest = header.slice(BASE_COLUMNS.length + (hasCommon ? 1 : 0));
  const reactionTimes: ReactionTimeColumn[] | undefined = rest.length === 0 ? [] : rest.join(',') === 'rt' ? ['rt'] : rest.join(',') === 'rt,rt2' ? ['rt', 'rt2'] : undefined;
  if (reactionTimes === undefined) return undefined;
  const expected = headerColumns(hasCommon, reactionTimes);
  return header.length === expected.length && header.every((name, i) => name === expected[i]) ? { hasCommon, reactionTimes } : undefined;
}

class RowError extends ConfigError {}

function rowError(line: number, column: string, message: string): never {
  throw new RowError([`line ${line}, column "${column}": ${message}`]);
}

/** Parse an optional binary field: '' → -1, '0' → 0, '1' → 1. */
function binary(value: string, line: number, column: string): number {
  if (value === '') return -1;
  if (value === '0') return 0;
  if (value === '1') return 1;
  return rowError(line, column, `expected 0, 1 or empty, got ${JSON.stringify(value)}`);
}

/** Parse a reaction time: '' → NaN, else a non-negative number of milliseconds. */
function reactionTime(value: string, line: number, column: string): number {
  if (value === '') return NaN;
  const ms = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(ms)) rowError(line, column, `expected a reaction time in ms (a number >= 0) or empty, got ${JSON.stringify(value)}`);
  return ms;
}

function mustBeEmpty(value: string, line: number, column: string, why: string): void {
  if (value !== '') rowError(line, column, `expected empty ${why}, got ${JSON.stringify(value)}`);
}

interface PendingRow {
  line: number;
  trial: number;
  fields: string[];
}

/** Allocate the columns of one session. */
export function emptyTrialsSession(task: TrialsTask, subject: string, session: string, nTrials: number): TrialsSession {
  return {
    task,
    subject,
    session,
    nTrials,
    choice: new Int8Array(nTrials).fill(-1),
    stage2State: new Int8Array(nTrials).fill(-1),
    stage2Choice: new Int8Array(nTrials).fill(-1),
    reward: new Int8Array(nTrials).fill(-1),
    block: new Int32Array(nTrials).fill(-1),
    reversal: new Int8Array(nTrials).fill(-1),
    common: new Int8Array(nTrials).fill(-1),
    valid: new Uint8Array(nTrials),
  };
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** csv-parse's records, its own errors (an unclosed quote, ...) as ConfigErrors naming the line. */
function csvRecords(text: string): CsvRecord[] {
  try {
    return parse(text, { info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as CsvRecord[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    const message = error.message.replace(/ at line \d+/, '');
    throw new ConfigError([`line ${line ?? 1}: ${message}`]);
  }
}

/**
 * Parse a trials CSV (its bytes, or its text), validating every field. Errors are `ConfigError`s
 * naming the line (1-based, the header is line 1) and the column. Pass the file's bytes
 * (`readFileSync(path)`) rather than its lossily decoded text: a byte that is not UTF-8 is then
 * named by line and byte; in text, a U+FFFD is refused by line and character instead.
 * @example
 * const table = parseTrialsCsv(readFileSync('data.csv'));
 * table.sessions[0].choice; // Int8Array, -1 where the trial was missed
 */
export function parseTrialsCsv(input: TextInput): TrialsTable {
  const records = csvRecords(decodeText(input));
  if (records.length === 0) throw new ConfigError(['line 1: expected a header row, got an empty file']);
  const header = records[0].record;
  const layout = readHeader(header);
  if (layout === undefined) {
    throw new ConfigError([`line 1: expected header ${BASE_COLUMNS.join(',')} (then common, rt and rt2 optional, in that order), got ${header.join(',')}`]);
  }
  const { hasCommon, reactionTimes } = layout;
  const expected = headerColumns(hasCommon, reactionTimes);

  let task: TrialsTask | undefined;
  const groups = new Map<string, { subject: string; session: string; rows: PendingRow[] }>();
  for (let r = 1; r < records.length; r++) {
    const { record: fields, info } = records[r];
    const line = info.lines;
    if (fields.length !== expected.length) {
      throw new ConfigError([`line ${line}: expected ${expected.length} fields, got ${fields.length}`]);
    }
    const rowTask = fields[0];
    if (rowTask !== 'reversal' && rowTask !== 'two_stage') {
      rowError(line, 'task', `expected "reversal" or "two_stage", got ${JSON.stringify(rowTask)}`);
    }
    if (task === undefined) {
      task = rowTask;
      if (task === 'reversal' && reactionTimes.includes('rt2')) rowError(line, 'rt2', 'a reversal file has one stage, so no rt2 column');
    }
    else if (rowTask !== task) rowError(line, 'task', `expected ${JSON.stringify(task)} like the rows above, got ${JSON.stringify(rowTask)}`);
    if (fields[1] === '') rowError(line, 'subject', 'expected a subject id, got ""');
    if (fields[2] === '') rowError(line, 'session', 'expected a session id, got ""');
    if (!/^(0|[1-9]\d*)$/.test(fields[3])) rowError(line, 'trial', `expected a non-negative integer, got ${JSON.stringify(fields[3])}`);
    const key = `${fields[1]}\u0000${fields[2]}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { subject: fields[1], session: fields[2], rows: [] };
      groups.set(key, group);
    }
    group.rows.push({ line, trial: Number(fields[3]), fields });
  }
  if (task === undefined) throw new ConfigError(['line 2: expected at least one trial row, got none']);

  const sessions: TrialsSession[] = [];
  for (const { subject, session, rows } of groups.values()) {
    rows.sort((a, b) => a.trial - b.trial);
    const out = emptyTrialsSession(task, subject, session, rows.length);
    for (const name of reactionTimes) out[name] = new Float64Array(rows.length).fill(NaN);
    for (let t = 0; t < rows.length; t++) {
      const { line, trial, fields } = rows[t];
      if (trial !== t) {
        const what = trial < t ? `duplicate trial ${trial}` : `trial ${t} is missing before trial ${trial}`;
        rowError(line, 'trial', `${what} in session ${JSON.stringify(session)} (trials must run 0, 1, 2, ... without gaps)`);
      }
      fillRow(out, t, fields, line, task, hasCommon);
      reactionTimes.forEach((name, i) => (out[name]![t] = reactionTime(fields[expected.length - reactionTimes.length + i], line, name)));
    }
    sessions.push(out);
  }
  return { task, hasCommon, reactionTimes, sessions };
}

function fillRow(out: TrialsSession, t: number, fields: string[], line: number, task: TrialsTask, hasCommon: boolean): void {
  const choice = binary(fields[4], line, 'choice');
  out.choice[t] = choice;
  out.valid[t] = choice >= 0 ? 1 : 0;
  if (task === 'reversal') {
    mustBeEmpty(fields[5], line, 'stage2_state', 'in a reversal file');
    mustBeEmpty(fields[6], line, 'stage2_choice', 'in a reversal file');
  } else {
    const state = binary(fields[5], line, 'stage2_state');
    const stage2Choice = binary(fields[6], line, 'stage2_choice');
    if (state >= 0 && choice < 0) rowError(line, 'stage2_state', `expected empty when choice is empty, got "${state}"`);
    if (stage2Choice >= 0 && state < 0) rowError(line, 'stage2_choice', `expected empty when stage2_state is empty, got "${stage2Choice}"`);
    out.stage2State[t] = state;
    out.stage2Choice[t] = stage2Choice;
  }
  out.reward[t] = binary(fields[7], line, 'reward');
  if (fields[8] !== '') {
    if (!/^(0|[1-9]\d*)$/.test(fields[8])) rowError(line, 'block', `expected a non-negative integer or empty, got ${JSON.stringify(fields[8])}`);
    out.block[t] = Number(fields[8]);
  }
  out.reversal[t] = binary(fields[9], line, 'reversal');
  if (hasCommon) {
    if (task === 'reversal') mustBeEmpty(fields[10], line, 'common', 'in a reversal file');
    else out.common[t] = binary(fields[10], line, 'common');
  }
}

function field(value: number): string {
  return value < 0 ? '' : String(value);
}

/** A reaction time to 0.1 ms, '' when missing. */
function milliseconds(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(Math.round(value * 10) / 10);
}

/**
 * Write sessions (e.g. simulated runs) as a trials CSV: header, then each session's trials in
 * order, `\n` line endings, a trailing newline. `common` is written for two-stage data unless
 * `includeCommon` says otherwise.
 * @example
 * const text = formatTrialsCsv(parseTrialsCsv(original).sessions); // === original
 */
export function formatTrialsCsv(sessions: readonly TrialsSession[], options: FormatTrialsCsvOptions = {}): string {
  const { includeCommon = sessions.some((s) => s.task === 'two_stage') } = options;
  const reactionTimes: ReactionTimeColumn[] = !options.includeReactionTimes ? [] : sessions.some((s) => s.task === 'two_stage') ? ['rt', 'rt2'] : ['rt'];
  const header = headerColumns(includeCommon, reactionTimes);
  const lines = [header.join(',')];
  for (const s of sessions) {
    for (const [name, id] of [['subject', s.subject], ['session', s.session]]) {
      if (/[",\r\n]/.test(id)) throw new ConfigError([`${name} must not contain a comma, quote or line break, got ${JSON.stringify(id)}`]);
    }
    for (let t = 0; t < s.nTrials; t++) {
      const fields = [
        s.task,
        s.subject,
        s.session,
        String(t),
        field(s.choice[t]),
        field(s.stage2State[t]),
        field(s.stage2Choice[t]),
        field(s.reward[t]),
        field(s.block[t]),
        field(s.reversal[t]),
      ];
      if (includeCommon) fields.push(field(s.common[t]));
      for (const name of reactionTimes) fields.push(milliseconds(s[name]?.[t]));
      lines.push(fields.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface FormatTrialsCsvOptions {
  /** Write the 11th `common` column. Default: true when any session is two-stage. */
  includeCommon?: boolean;
  /** Write the reaction-time columns (`rt`, and `rt2` for two-stage data) after the others, empty where a session has none. Default false. */
  includeReactionTimes?: boolean;
}
