import { describe, expect, it } from 'vitest';
import { sessionsToSequenceBatch } from '../src/data/sessionsToSequenceBatch.js';
import { formatTrialsCsv, parseTrialsCsv } from '../src/data/trialsCsv.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { readSharedData } from './sharedData.js';

const readData = readSharedData;

const HEADER = 'task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal,common';
const TWO_STAGE = `${HEADER}
two_stage,a,a,0,0,0,1,1,,0,1
two_stage,a,a,1,,,,,,0,
two_stage,a,a,2,1,0,0,0,,0,0
two_stage,b,b,0,1,1,1,,,0,1
`;

/** Replace one field of one line (1-based, header = 1) of a CSV text. */
function editField(text: string, line: number, column: number, value: string): string {
  const lines = text.split('\n');
  const fields = lines[line - 1].split(',');
  fields[column] = value;
  lines[line - 1] = fields.join(',');
  return lines.join('\n');
}

describe('parseTrialsCsv', () => {
  it('parseTrialsCsv(hbayesdm_prl.csv) gives 20 reversal sessions of 100 trials, none missed', () => {
    const table = parseTrialsCsv(readData('hbayesdm_prl.csv'));
    expect(table.task).toBe('reversal');
    expect(table.hasCommon).toBe(false);
    expect(table.sessions).toHaveLength(20);
    for (const s of table.sessions) {
      expect(s.nTrials).toBe(100);
      expect(s.valid.every((v) => v === 1)).toBe(true);
      expect(s.block.every((v) => v === -1)).toBe(true);
    }
    const first = table.sessions[0];
    expect([first.subject, first.choice[0], first.reward[0], first.choice[1], first.stage2State[0]]).toEqual(['1', 0, 1, 1, -1]);
  });

  it('parseTrialsCsv(two-stage files) reproduces the README counts of trials and choices', () => {
    const small = parseTrialsCsv(readData('hbayesdm_two_step.csv'));
    expect(small.sessions).toHaveLength(11);
    expect(small.sessions.every((s) => s.nTrials === 201)).toBe(true);
    expect(small.sessions.reduce((n, s) => n + s.valid.reduce((a, b) => a + b, 0), 0)).toBe(2190);
    const hartley = parseTrialsCsv(readData('hartley_online_two_step.csv'));
    expect(hartley.sessions).toHaveLength(151);
    expect(hartley.sessions.reduce((n, s) => n + s.nTrials, 0)).toBe(30200);
    expect(hartley.sessions.reduce((n, s) => n + s.valid.reduce((a, b) => a + b, 0), 0)).toBe(29947);
    // The file's convention: common == (choice == stage2_state) on every trial with a choice.
    for (const s of hartley.sessions) {
      for (let t = 0; t < s.nTrials; t++) {
        if (s.stage2State[t] >= 0) expect(s.common[t]).toBe(s.choice[t] === s.stage2State[t] ? 1 : 0);
      }
    }
  });

  it('parseTrialsCsv(text) sorts rows by trial within a session and marks missing values -1', () => {
    const shuffled = `${HEADER}\ntwo_stage,a,a,1,,,,,,0,\ntwo_stage,a,a,0,0,0,1,1,3,0,1\n`;
    const [s] = parseTrialsCsv(shuffled).sessions;
    expect(Array.from(s.choice)).toEqual([0, -1]);
    expect(Array.from(s.valid)).toEqual([1, 0]);
    expect(Array.from(s.block)).toEqual([3, -1]);
    expect(Array.from(s.stage2Choice)).toEqual([1, -1]);
  });

  it('parseTrialsCsv names the line and column of an invalid choice', () => {
    const text = editField(readData('hbayesdm_prl.csv'), 57, 4, '2');
    expect(() => parseTrialsCsv(text)).toThrow('line 57, column "choice": expected 0, 1 or empty, got "2"');
  });

  it('parseTrialsCsv names the line and column of every kind of invalid field', () => {
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 3, 7, 'yes'))).toThrow('line 3, column "reward": expected 0, 1 or empty, got "yes"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 2, 3, '-1'))).toThrow('line 2, column "trial": expected a non-negative integer, got "-1"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 5, 0, 'bandit'))).toThrow('line 5, column "task": expected "reversal" or "two_stage", got "bandit"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 3, 5, '1'))).toThrow('line 3, column "stage2_state": expected empty when choice is empty, got "1"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 4, 8, 'x'))).toThrow('line 4, column "block": expected a non-negative integer or empty, got "x"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 4, 10, '2'))).toThrow('line 4, column "common": expected 0, 1 or empty, got "2"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 2, 1, ''))).toThrow('line 2, column "subject": expected a subject id, got ""');
    const reversal = 'task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal\nreversal,1,1,0,0,1,,1,,\n';
    expect(() => parseTrialsCsv(reversal)).toThrow('line 2, column "stage2_state": expected empty in a reversal file, got "1"');
  });

  it('parseTrialsCsv rejects gaps and duplicates in the trial index, naming the line', () => {
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 4, 3, '3'))).toThrow('line 4, column "trial": trial 2 is missing before trial 3 in session "a"');
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 4, 3, '1'))).toThrow(/line (3|4), column "trial": duplicate trial 1 in session "a"/);
    expect(() => parseTrialsCsv(editField(TWO_STAGE, 5, 3, '1'))).toThrow('line 5, column "trial": trial 0 is missing before trial 1 in session "b"');
  });

  it('parseTrialsCsv rejects a wrong header or a row of the wrong width', () => {
    expect(() => parseTrialsCsv(TWO_STAGE.replace('stage2_state', 'state2'))).toThrow(/^line 1: expected header task,subject,session,trial,choice,stage2_state/);
    expect(() => parseTrialsCsv(`${TWO_STAGE}two_stage,b,b,1,0\n`)).toThrow('line 6: expected 11 fields, got 5');
    expect(() => parseTrialsCsv('')).toThrow('line 1: expected a header row, got an empty file');
  });
});

describe('formatTrialsCsv', () => {
  it('formatTrialsCsv(parseTrialsCsv(text).sessions) reproduces each real file byte for byte', () => {
    for (const name of ['hbayesdm_prl.csv', 'hbayesdm_two_step.csv', 'hartley_online_two_step.csv']) {
      const text = readData(name);
      expect(formatTrialsCsv(parseTrialsCsv(text).sessions)).toBe(text);
    }
  });

  it('formatTrialsCsv rejects ids that would break the CSV', () => {
    const [s] = parseTrialsCsv(TWO_STAGE).sessions;
    expect(() => formatTrialsCsv([{ ...s, subject: 'a,b' }])).toThrow('subject must not contain a comma, quote or line break, got "a,b"');
  });
});

describe('sessionsToSequenceBatch', () => {
  it('sessionsToSequenceBatch encodes the previous trial, masks missed trials and pads short sessions', () => {
    const batch = sessionsToSequenceBatch(parseTrialsCsv(TWO_STAGE).sessions, TaskType.TWO_STAGE);
    expect([batch.nSessions, batch.nTrials, batch.nInputs]).toEqual([2, 3, 6]);
    // prettier-ignore
    expect(Array.from(batch.inputs)).toEqual([
      0, 0, 0, 0, 0, 1, // a, t0: nothing before
      1, 0, 1, 0, 1, 1, // a, t1: choice 0, state 0, reward 1
      0, 0, 0, 0, 0, 1, // a, t2: t1 was missed
      0, 0, 0, 0, 0, 1, // b, t0
      0, 0, 0, 0, 0, 1, // b, t1: padding is constant-only, even right after the last trial
      0, 0, 0, 0, 0, 1, // b, t2: padding
    ]);
    expect(Array.from(batch.targets!)).toEqual([0, -1, 1, 1, -1, -1]);
    expect(Array.from(batch.mask!)).toEqual([1, 0, 1, 1, 0, 0]);
  });

  it('sessionsToSequenceBatch(real reversal data) has width 4 and one target per trial', () => {
    const { sessions } = parseTrialsCsv(readData('hbayesdm_prl.csv'));
    const batch = sessionsToSequenceBatch(sessions, TaskType.REVERSAL);
    expect([batch.nSessions, batch.nTrials, batch.nInputs]).toEqual([20, 100, 4]);
    const s = sessions[0];
    expect(Array.from(batch.inputs.subarray(4, 8))).toEqual([s.choice[0] === 0 ? 1 : 0, s.choice[0] === 1 ? 1 : 0, s.reward[0], 1]);
    expect(batch.targets![1]).toBe(s.choice[1]);
    expect(() => sessionsToSequenceBatch(sessions, TaskType.TWO_STAGE)).toThrow('session "1" is a reversal session, cannot encode it for task two_stage');
  });
});
