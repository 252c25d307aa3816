import { describe, expect, it } from 'vitest';
import { convertJsPsychData } from '../src/data/jsPsychTrials.js';
import { formatTrialsCsv, parseTrialsCsv } from '../src/data/trialsCsv.js';

/** jsPsych CSV output: quoted fields, its own columns, "null" for missing values, other plugins' rows. */
const CSV = `"rt","stimulus","response","trial_type","trial_index","time_elapsed","internal_node_id","subject_id","task","task_type","session","seed","trial","choice","stage2_state","stage2_choice","reward","block","reversal","common","rt2","simulated"
"1520","<p>Welcome</p>","space","html-keyboard-response","0","1523","0.0-0.0","s7",,,,,,,,,,,,,,
"412.5",,,"brain-rnn-two-stage","1","2100","0.0-1.0","s7","two_stage","two_stage","main","4","0","1","1","0","1","0","0","1","380","false"
"390",,,"brain-rnn-two-stage","2","3500","0.0-1.1","s7","two_stage","two_stage","main","4","1","0","1","1","0","0","0","0","null","false"
`;

describe('convertJsPsychData', () => {
  it('convertJsPsychData(jsPsych CSV) keeps the plugin rows, maps subject_id to subject and loads as a two-stage trials CSV', () => {
    const conversion = convertJsPsychData(CSV);
    expect([conversion.task, conversion.rowsUsed, conversion.rowsSkipped]).toEqual(['two_stage', 2, 1]);
    expect(conversion.mapped.subject).toBe('subject_id');
    const text = formatTrialsCsv(conversion.sessions, { includeReactionTimes: true });
    expect(text).toBe(
      'task,subject,session,trial,choice,stage2_state,stage2_choice,reward,block,reversal,common,rt,rt2\n' +
      'two_stage,s7,main,0,1,1,0,1,0,0,1,412.5,380\n' +
      'two_stage,s7,main,1,0,1,1,0,0,0,0,390,\n',
    );
    expect(parseTrialsCsv(text).sessions[0].nTrials).toBe(2);
  });

  it('convertJsPsychData(JSON) numbers trials by order when there is no trial field, and refuses data without plugin rows', () => {
    const rows = [
      { trial_type: 'brain-rnn-reversal', task: 'reversal', subject: 'a', choice: 1, reward: 0, rt: 300 },
      { trial_type: 'brain-rnn-reversal', task: 'reversal', subject: 'a', choice: 0, reward: 1, rt: null },
    ];
    const { sessions, mapped } = convertJsPsychData(JSON.stringify(rows));
    expect(mapped.trial).toBeUndefined();
    expect([Array.from(sessions[0].choice), Array.from(sessions[0].reward), sessions[0].session]).toEqual([[1, 0], [0, 1], 'a']);
    expect(() => convertJsPsychData(JSON.stringify([{ trial_type: 'survey-text', response: 'x' }]))).toThrow('no rows of a brain-rnn plugin (trial_type brain-rnn-…) among the 1 rows');
    expect(() => convertJsPsychData(JSON.stringify([{ ...rows[0], choice: -2 }]))).toThrow('plugin row 1.choice must be a non-negative integer or empty, got -2');
  });
});
