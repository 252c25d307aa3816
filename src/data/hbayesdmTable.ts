/**
 * hBayesDM's example-data format (Ahn, Haines & Zhang 2017), read as it comes: tab-separated, a
 * header with `subjID`, then per trial `choice` and `outcome` (bandit and reversal tasks) or
 * `level1_choice`, `level2_choice` and `reward` (the two-step task, Daw et al. 2011), with an
 * optional 1-based `trial`. The mapping is the one of ../shared/data/README.md, so the shipped
 * hBayesDM originals parse to exactly the converted trials CSVs:
 *
 * - `subject` = `session` = `subjID`; `trial` = `trial − 1` (row order when absent); trial
 *   numbers missing between 1 and the file's last are inserted as missed trials (every subject
 *   then has as many trials as the longest, as in the shipped two-step file);
 * - bandit: `choice` = `choice − 1`; `reward` = 1 if `outcome` > 0, else 0 (hBayesDM codes
 *   reversal outcomes +1/−1); `block` and `reversal` empty;
 * - two-step: `choice` = `level1_choice − 1`; `stage2_state` = 0 for `level2_choice` 1, 2 and 1 for
 *   3, 4; `stage2_choice` = (`level2_choice` − 1) mod 2; `reward` as given; `common` =
 *   (choice = stage2_state); `reversal` = 0 (the task has none); other columns are ignored.
 */
import { ConfigError } from '../validation.js';
import { decodeText, type TextInput } from './decodeText.js';
import { emptyTrialsSession, type TrialsTable } from './trialsCsv.js';

export interface HbayesdmTable extends TrialsTable {
  /** How each trials-CSV column was filled, one line each (the `fit` command prints them). */
  mapping: string[];
  /** Columns of the file that were not used. */
  ignored: string[];
}

/** Whether text looks like hBayesDM data: a tab-separated header naming `subjID`. */
export function isHbayesdmText(text: string): boolean {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
  return header.includes('\t') && header.split('\t').map((c) => c.trim()).includes('subjID');
}

interface Row {
  line: number;
  trial: number;
  values: Map<string, string>;
}

/**
 * @example
 * const table = parseHbayesdmTable(readFileSync('prl_exampleData.txt'));
 * table.sessions.length; // 20 subjects
 * table.mapping; // ['subject = session = subjID', 'trial = trial - 1', ...]
 */
export function parseHbayesdmTable(input: TextInput): HbayesdmTable {
  const lines = decodeText(input).replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split('\t').map((c) => c.trim());
  const has = (name: string) => header.includes(name);
  if (!has('subjID')) throw new ConfigError([`line 1: an hBayesDM file needs a subjID column, got ${header.join(', ')}`]);
  const twoStage = has('level1_choice') && has('level2_choice') && has('reward');
  const bandit = has('choice') && has('outcome');
  if (!twoStage && !bandit) {
    throw new ConfigError([`line 1: expected the columns choice and outcome (bandit) or level1_choice, level2_choice and reward (two-step), got ${header.join(', ')}`]);
  }
  const used = ['subjID', 'trial', ...(twoStage ? ['level1_choice', 'level2_choice', 'reward'] : ['choice', 'outcome'])];
  const bySubject = new Map<string, Row[]>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = lines[i].split('\t').map((c) => c.trim());
    if (fields.length !== header.length) throw new ConfigError([`line ${i + 1}: expected ${header.length} tab-separated fields, got ${fields.length}`]);
    const values = new Map(header.map((name, k) => [name, fields[k]]));
    const subject = values.get('subjID')!;
    const rows = bySubject.get(subject) ?? [];
    const trial = has('trial') ? positiveInteger(values.get('trial')!, i + 1, 'trial') : rows.length + 1;
    rows.push({ line: i + 1, trial, values });
    bySubject.set(subject, rows);
  }
  if (bySubject.size === 0) throw new ConfigError(['line 2: expected at least one trial row, got none']);
  const lastTrial = Math.max(...[...bySubject.values()].flatMap((rows) => rows.map((r) => r.trial)));
  const task = twoStage ? 'two_stage' : 'reversal';
  let inserted = 0;
  const sessions = [...bySubject].map(([subject, rows]) => {
    // Without a trial column each subject has just its rows; with one, every subject runs to the file's last trial.
    const nTrials = has('trial') ? lastTrial : rows.length;
    const session = emptyTrialsSession(task, subject, subject, nTrials);
    if (twoStage) session.reversal.fill(0);
    const seen = new Set<number>();
    for (const { line, trial, values } of rows) {
      if (seen.has(trial)) throw new ConfigError([`line ${line}, column "trial": duplicate trial ${trial} of subject ${JSON.stringify(subject)}`]);
      seen.add(trial);
      const t = trial - 1;
      if (twoStage) {
        const choice = code(values.get('level1_choice')!, line, 'level1_choice', 2) - 1;
        const level2 = code(values.get('level2_choice')!, line, 'level2_choice', 4);
        session.choice[t] = choice;
        session.stage2State[t] = level2 <= 2 ? 0 : 1;
        session.stage2Choice[t] = (level2 - 1) % 2;
        session.common[t] = choice === session.stage2State[t] ? 1 : 0;
        session.reward[t] = binaryReward(values.get('reward')!, line);
      } else {
        session.choice[t] = code(values.get('choice')!, line, 'choice', 2) - 1;
        const outcome = Number(values.get('outcome'));
        if (!Number.isFinite(outcome)) throw new ConfigError([`line ${line}, column "outcome": expected a number, got ${JSON.stringify(values.get('outcome'))}`]);
        session.reward[t] = outcome > 0 ? 1 : 0;
      }
      session.valid[t] = 1;
    }
    inserted += nTrials - seen.size;
    return session;
  });
  const mapping = [
    'subject = session = subjID',
    has('trial') ? 'trial = trial - 1' : 'trial = row order within subjID (the file has no trial column)',
    ...(twoStage
      ? ['choice = level1_choice - 1', 'stage2_state = 0 if level2_choice in {1, 2}, 1 if in {3, 4}', 'stage2_choice = (level2_choice - 1) mod 2', 'reward = reward', 'common = (choice == stage2_state)', 'block empty, reversal = 0']
      : ['choice = choice - 1', 'reward = 1 if outcome > 0, else 0', 'block and reversal empty']),
    ...(inserted > 0 ? [`${inserted} missing trial number(s) inserted as missed trials`] : []),
  ];
  return { task, hasCommon: twoStage, reactionTimes: [], sessions, mapping, ignored: header.filter((c) => !used.includes(c)) };
}

function positiveInteger(value: string, line: number, column: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new ConfigError([`line ${line}, column "${column}": expected an integer >= 1, got ${JSON.stringify(value)}`]);
  return Number(value);
}

function code(value: string, line: number, column: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError([`line ${line}, column "${column}": expected an integer in [1, ${max}], got ${JSON.stringify(value)}`]);
  return n;
}

function binaryReward(value: string, line: number): number {
  if (value !== '0' && value !== '1') throw new ConfigError([`line ${line}, column "reward": expected 0 or 1, got ${JSON.stringify(value)}`]);
  return Number(value);
}
