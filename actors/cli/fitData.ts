/**
 * How `brain-rnn fit` reads its data: any format parseChoiceData knows, and one line on stderr
 * saying what was read (the format, the task, and for converted formats how the columns were
 * filled), so a wrong file is seen before the fit spends minutes on it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseChoiceData, type ChoiceData } from '../../src/data/parseChoiceData.js';

/** The line that says what was read, without its `brain-rnn fit: ` prefix. */
export function describeFitData(table: ChoiceData, name: string): string {
  if (table.format === 'hbayesdm') {
    const ignored = table.ignored.length > 0 ? `; not used: ${table.ignored.join(', ')}` : '';
    return `${name} read as hBayesDM data (${table.task}): ${table.mapping.join('; ')}${ignored}`;
  }
  if (table.format === 'jspsych') return `${name} read as jsPsych data of the brain-rnn plugins (${table.task}): ${table.mapping.join('; ')}`;
  const subjects = new Set(table.sessions.map((session) => session.subject)).size;
  const trials = table.sessions.reduce((n, session) => n + session.nTrials, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${name} read as a trials CSV (${table.task}): ${plural(subjects, 'subject')}, ${plural(table.sessions.length, 'session')}, ${plural(trials, 'trial')}`;
}

/** Read and parse the data file, and say on stderr what it holds. */
export function readFitData(path: string): ChoiceData {
  const table = parseChoiceData(readFileSync(path));
  process.stderr.write(`brain-rnn fit: ${describeFitData(table, basename(path))}\n`);
  return table;
}
