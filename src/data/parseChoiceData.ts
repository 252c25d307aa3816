/**
 * One entry for choice data as labs have it: a trials CSV (../shared/data/README.md),
 * hBayesDM's tab-separated example format, or the data jsPsych saves from an experiment with the
 * brain-rnn plugins (its JSON, or its CSV with a `trial_type` column), told apart by their
 * beginnings. What was mapped is returned, so a command can say it.
 */
import { decodeText, type TextInput } from './decodeText.js';
import { isHbayesdmText, parseHbayesdmTable } from './hbayesdmTable.js';
import { convertJsPsychData } from './jsPsychTrials.js';
import { formatTrialsCsv, parseTrialsCsv, type TrialsTable } from './trialsCsv.js';

export interface ChoiceData extends TrialsTable {
  format: 'trials_csv' | 'hbayesdm' | 'jspsych';
  /** hBayesDM and jsPsych: how each trials-CSV column was filled; empty for a trials CSV. */
  mapping: string[];
  /** hBayesDM: the file's columns that were not used. */
  ignored: string[];
}

/** jsPsych's saved data: a JSON array (or `{ trials }`), or a CSV whose header has `trial_type`. */
function isJsPsychText(text: string): boolean {
  const start = text.trimStart()[0];
  if (start === '[' || start === '{') return true;
  const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  return header.split(',').some((column) => column.trim().replace(/^"|"$/g, '') === 'trial_type');
}

/**
 * @example
 * const data = parseChoiceData(readFileSync('prl_exampleData.txt'));
 * data.format; // 'hbayesdm'
 */
export function parseChoiceData(input: TextInput): ChoiceData {
  const text = decodeText(input);
  if (isHbayesdmText(text)) return { format: 'hbayesdm', ...parseHbayesdmTable(text) };
  if (isJsPsychText(text)) {
    // Exactly the trials CSV `brain-rnn convert-jspsych` writes, so both routes fit the same data.
    const conversion = convertJsPsychData(text);
    const mapping = Object.entries(conversion.mapped).map(([field, from]) => (field === from ? field : `${field} ← ${from}`));
    const table = parseTrialsCsv(formatTrialsCsv(conversion.sessions, { includeReactionTimes: true }));
    return { format: 'jspsych', ...table, mapping: [...mapping, `${conversion.rowsUsed} plugin rows used, ${conversion.rowsSkipped} other rows left out`], ignored: [] };
  }
  return { format: 'trials_csv', ...parseTrialsCsv(input), mapping: [], ignored: [] };
}
