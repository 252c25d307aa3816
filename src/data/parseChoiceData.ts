/**
 * One entry for choice data as labs have it: a trials CSV (../shared/data/README.md) or
 * hBayesDM's tab-separated example format, told apart by the header. What was mapped is returned,
 * so a command can say it.
 */
import { decodeText, type TextInput } from './decodeText.js';
import { isHbayesdmText, parseHbayesdmTable } from './hbayesdmTable.js';
import { parseTrialsCsv, type TrialsTable } from './trialsCsv.js';

export interface ChoiceData extends TrialsTable {
  format: 'trials_csv' | 'hbayesdm';
  /** hBayesDM: how each trials-CSV column was filled; empty for a trials CSV. */
  mapping: string[];
  /** hBayesDM: the file's columns that were not used. */
  ignored: string[];
}

/**
 * @example
 * const data = parseChoiceData(readFileSync('prl_exampleData.txt'));
 * data.format; // 'hbayesdm'
 */
export function parseChoiceData(input: TextInput): ChoiceData {
  const text = decodeText(input);
  if (isHbayesdmText(text)) return { format: 'hbayesdm', ...parseHbayesdmTable(text) };
  return { format: 'trials_csv', ...parseTrialsCsv(input), mapping: [], ignored: [] };
}
