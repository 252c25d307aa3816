import { describe, expect, it } from 'vitest';
import { isHbayesdmText, parseHbayesdmTable } from '../src/data/hbayesdmTable.js';
import { parseChoiceData } from '../src/data/parseChoiceData.js';
import { formatTrialsCsv } from '../src/data/trialsCsv.js';
import { readSharedData } from './sharedData.js';

describe('parseHbayesdmTable', () => {
  it('parseHbayesdmTable reads hBayesDM prl_exampleData.txt to exactly the shipped hbayesdm_prl.csv', () => {
    const table = parseHbayesdmTable(readSharedData('hbayesdm/prl_exampleData.txt'));
    expect(table.task).toBe('reversal');
    expect(formatTrialsCsv(table.sessions)).toBe(readSharedData('hbayesdm_prl.csv'));
    expect(table.mapping).toEqual(['subject = session = subjID', 'trial = trial - 1', 'choice = choice - 1', 'reward = 1 if outcome > 0, else 0', 'block and reversal empty']);
    expect(table.ignored).toEqual([]);
  });

  it('parseHbayesdmTable reads ts_exampleData.txt to exactly hbayesdm_two_step.csv, missing trials inserted, probability columns ignored', () => {
    const table = parseHbayesdmTable(readSharedData('hbayesdm/ts_exampleData.txt'));
    expect(table.task).toBe('two_stage');
    expect(formatTrialsCsv(table.sessions)).toBe(readSharedData('hbayesdm_two_step.csv'));
    expect(table.mapping).toContain('21 missing trial number(s) inserted as missed trials');
    expect(table.ignored).toEqual(['A1prob', 'A2prob', 'B1prob', 'B2prob']);
  });

  it('parseChoiceData tells hBayesDM text from a trials CSV; a bad field names its line and column', () => {
    expect(parseChoiceData(readSharedData('hbayesdm/prl_exampleData.txt')).format).toBe('hbayesdm');
    expect(parseChoiceData(readSharedData('hbayesdm_prl.csv'))).toMatchObject({ format: 'trials_csv', mapping: [] });
    expect(isHbayesdmText('task,subject\n')).toBe(false);
    expect(() => parseHbayesdmTable('subjID\tchoice\toutcome\n1\t3\t1\n')).toThrow('line 2, column "choice": expected an integer in [1, 2], got "3"');
    expect(() => parseHbayesdmTable('subjID\tgain\n1\t3\n')).toThrow('expected the columns choice and outcome (bandit) or level1_choice, level2_choice and reward (two-step)');
    // No trial column: row order; bandit outcomes coded 1/0 work as well as +1/-1.
    const bandit = parseHbayesdmTable('subjID\tchoice\toutcome\nA\t1\t1\nA\t2\t0\nB\t2\t1\n');
    expect(bandit.sessions.map((s) => [s.subject, Array.from(s.choice), Array.from(s.reward)])).toEqual([['A', [0, 1], [1, 0]], ['B', [1], [1]]]);
  });
});
