/**
 * jsPsych's saved data (`jsPsych.data.get().csv()` or `.json()`) as trials-CSV sessions. The
 * brain-rnn plugins (web/jspsych) store one row per task trial with the trials-CSV fields; other
 * rows of the experiment (instructions, surveys) are skipped. Column names that labs commonly use
 * for the same thing are accepted (a `subject_id` added with `jsPsych.data.addProperties`, say),
 * and the conversion says which source column each field came from.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ConfigError, showValue } from '../validation.js';
import { decodeText, type TextInput } from './decodeText.js';
import { participantTrialsSession, trialsTaskOf, type TrialFields } from './participantTrials.js';
import type { TrialsSession, TrialsTask } from './trialsCsv.js';

type Row = Record<string, unknown>;

/** Each trials-CSV field and the source columns that may hold it, first match wins. */
const ALIASES = {
  task: ['task'],
  subject: ['subject', 'subject_id', 'participant', 'participant_id', 'PROLIFIC_PID', 'subjID'],
  session: ['session', 'session_id'],
  trial: ['trial'],
  choice: ['choice'],
  stage2_state: ['stage2_state'],
  stage2_choice: ['stage2_choice'],
  reward: ['reward'],
  block: ['block'],
  reversal: ['reversal'],
  common: ['common'],
  rt: ['rt'],
  rt2: ['rt2'],
} as const;
type Field = keyof typeof ALIASES;

export interface JsPsychConversion {
  task: TrialsTask;
  sessions: TrialsSession[];
  /** Which source column each field came from (`subject ← subject_id`); fields found in none are absent. */
  mapped: Partial<Record<Field, string>>;
  /** Rows of the brain-rnn plugins that were converted. */
  rowsUsed: number;
  /** Other rows of the experiment, left out. */
  rowsSkipped: number;
}

function readRows(text: string): Row[] {
  const start = text.trimStart()[0];
  if (start === '[' || start === '{') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError([`jsPsych JSON data is not valid JSON: ${(error as Error).message}`]);
    }
    const rows = Array.isArray(json) ? json : (json as { trials?: unknown }).trials;
    if (!Array.isArray(rows)) throw new ConfigError(['jsPsych JSON data must be an array of trials (jsPsych.data.get().json())']);
    return rows as Row[];
  }
  try {
    return parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Row[];
  } catch (error) {
    if (error instanceof CsvError) throw new ConfigError([`jsPsych CSV data: ${error.message}`]);
    throw error;
  }
}

/** Missing: absent, null, empty, or the `null` jsPsych's CSV writes for it. */
const missing = (value: unknown) => value === undefined || value === null || value === '' || value === 'null';

/** The row's value as an integer code: missing → -1; 0/1/true/false and digit strings as numbers. */
function code(value: unknown, what: string): number {
  if (missing(value)) return -1;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new ConfigError([`${what} must be a non-negative integer or empty, got ${showValue(value)}`]);
  return number;
}

function milliseconds(value: unknown, what: string): number {
  if (missing(value)) return NaN;
  const number = Number(value);
  if (!(number >= 0) || !Number.isFinite(number)) throw new ConfigError([`${what} must be a reaction time in ms (>= 0) or empty, got ${showValue(value)}`]);
  return number;
}

function isPluginRow(row: Row): boolean {
  const type = row.trial_type;
  if (typeof type === 'string' && type !== '') return type.startsWith('brain-rnn-');
  return row.choice !== undefined && row.reward !== undefined && row.task !== undefined;
}

/**
 * @example
 * const { sessions, mapped } = convertJsPsychData(readFileSync('experiment.csv'));
 * formatTrialsCsv(sessions, { includeReactionTimes: true });
 */
export function convertJsPsychData(input: TextInput): JsPsychConversion {
  const rows = readRows(decodeText(input));
  const used = rows.filter((row) => row !== null && typeof row === 'object' && isPluginRow(row));
  if (used.length === 0) throw new ConfigError([`no rows of a brain-rnn plugin (trial_type brain-rnn-…) among the ${rows.length} rows; is this jsPsych data from an experiment with the plugins?`]);
  const columns = new Set(used.flatMap((row) => Object.keys(row)));
  const mapped: Partial<Record<Field, string>> = {};
  for (const field of Object.keys(ALIASES) as Field[]) {
    const from = ALIASES[field].find((name) => columns.has(name));
    if (from !== undefined) mapped[field] = from;
  }
  for (const field of ['task', 'choice', 'reward'] as const) {
    if (mapped[field] === undefined) throw new ConfigError([`the plugin rows have no ${field} column (looked for ${ALIASES[field].join(', ')})`]);
  }
  const get = (row: Row, field: Field) => (mapped[field] === undefined ? undefined : row[mapped[field]!]);

  let task: TrialsTask | undefined;
  const groups = new Map<string, { subject: string; session: string; rows: TrialFields[] }>();
  used.forEach((row, i) => {
    const what = `plugin row ${i + 1}`;
    const rowTask = trialsTaskOf(String(get(row, 'task')));
    if (task !== undefined && rowTask !== task) throw new ConfigError([`${what}: task ${showValue(get(row, 'task'))} differs from the rows above (${task}); convert one task per file`]);
    task = rowTask;
    const subject = missing(get(row, 'subject')) ? 'participant' : String(get(row, 'subject'));
    const session = missing(get(row, 'session')) ? subject : String(get(row, 'session'));
    const key = `${subject}\u0000${session}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { subject, session, rows: [] }));
    const trial = get(row, 'trial');
    group.rows.push({
      trial: trial === undefined ? group.rows.length : code(trial, `${what}.trial`),
      choice: code(get(row, 'choice'), `${what}.choice`),
      stage2State: code(get(row, 'stage2_state'), `${what}.stage2_state`),
      stage2Choice: code(get(row, 'stage2_choice'), `${what}.stage2_choice`),
      reward: code(get(row, 'reward'), `${what}.reward`),
      block: code(get(row, 'block'), `${what}.block`),
      reversal: code(get(row, 'reversal'), `${what}.reversal`),
      common: code(get(row, 'common'), `${what}.common`),
      rt: milliseconds(get(row, 'rt'), `${what}.rt`),
      rt2: milliseconds(get(row, 'rt2'), `${what}.rt2`),
    });
  });
  const sessions = [...groups.values()].map(({ subject, session, rows: fields }) => {
    fields.sort((a, b) => a.trial - b.trial);
    return participantTrialsSession(fields, { task: task!, subject, session });
  });
  return { task: task!, sessions, mapped, rowsUsed: used.length, rowsSkipped: rows.length - used.length };
}
