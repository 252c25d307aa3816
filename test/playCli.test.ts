import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './io/cli.js';
import { participantTrialsSession } from '../src/data/participantTrials.js';
import { formatTrialsCsv } from '../src/data/trialsCsv.js';
import { ParticipantTask } from '../src/tasks/participantTask.js';

const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-play-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('brain-rnn play (bad input)', () => {
  it('brain-rnn play refuses an unknown task, --trials 0 and an existing --out without --force, before serving anything', async () => {
    const out = join(dir, 'p.csv');
    const [unknown, zero] = await Promise.all([
      runCli(['play', '--task', 'bandit', '--out', out]),
      runCli(['play', '--task', 'reversal', '--trials', '0', '--out', out]),
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown task type "bandit"; expected one of reversal, two_stage, probabilistic_reward');
    expect(zero.status).toBe(1);
    expect(zero.stderr).toContain('--trials must be an integer in [1, 100000], got "0"');
    writeFileSync(out, 'kept\n');
    const existing = await runCli(['play', '--task', 'reversal', '--out', out]);
    expect(existing.status).toBe(1);
    expect(existing.stderr).toContain(`${out} already exists; pass --force to overwrite it (--out)`);
    expect(readFileSync(out, 'utf8')).toBe('kept\n');
    for (const result of [unknown, zero, existing]) expect(result.stdout).toBe('');
  });
});

describe("brain-rnn fit and convert-jspsych on one participant's files", () => {
  it("brain-rnn fit --data (one participant's play file) cross-validates over the participant's blocks, or says how many folds they allow; fit reads jsPsych's data as it is; convert-jspsych writes a loadable trials CSV and names the mapped columns", async () => {
    const session = new ParticipantTask({ task: 'reversal', seed: 1, nTrials: 60 });
    for (let t = 0; t < 60; t++) session.play(t % 3 === 0 ? 1 : 0, undefined, 350);
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, formatTrialsCsv([participantTrialsSession(session.trials, { task: 'reversal', subject: 'P01' })], { includeReactionTimes: true }));
    const rows = session.trials.map((t) => ({ trial_type: 'brain-rnn-reversal', task: 'reversal', subject_id: 'P01', trial: t.trial, choice: t.choice, reward: t.reward, block: t.block, reversal: t.reversal, rt: t.rt }));
    const json = join(dir, 'jspsych.json');
    writeFileSync(json, JSON.stringify([{ trial_type: 'html-keyboard-response', rt: 900 }, ...rows]));
    const converted = join(dir, 'converted.csv');
    const [refused, fit, convert, fitJsPsych] = await Promise.all([
      runCli(['fit', '--data', csv, '--output-dir', join(dir, 'refused')]),
      runCli(['fit', '--data', csv, '--folds', '2', '--models', 'q_learning', 'wsls', '--output-dir', join(dir, 'fit')]),
      runCli(['convert-jspsych', json, '--out', converted]),
      runCli(['fit', '--data', json, '--folds', '2', '--models', 'q_learning', 'wsls', '--output-dir', join(dir, 'fit-jspsych')]),
    ]);
    // jsPsych's own file fits as it is, to the same table as its conversion, and fit says how it read it.
    expect(fitJsPsych.status).toBe(0);
    expect(fitJsPsych.stderr).toContain('jspsych.json read as jsPsych data of the brain-rnn plugins (reversal): task; subject ← subject_id; trial; choice; reward; block; reversal; rt; 60 plugin rows used, 1 other rows left out');
    const tableRows = (path: string) => readFileSync(path, 'utf8').split('\n').filter((line) => line.startsWith('|'));
    expect(tableRows(join(dir, 'fit-jspsych', 'table.md'))).toEqual(tableRows(join(dir, 'fit', 'table.md')));
    // 60 trials with one reversal are two blocks: two folds at most, and fit says so.
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('folds must be an integer in [2, 2] (the number of blocks), got 5; pass --folds 2');
    expect(fit.status).toBe(0);
    expect(fit.stdout).toContain('one.csv: reversal, 1 subjects, 1 sessions, 2 episodes, 60 first-stage choices, 2-fold CV over blocks');
    expect(fit.stdout).toMatch(/winner: (win_stay_lose_shift|q_learning) /);
    expect(convert.status).toBe(0);
    expect(convert.stderr).toContain('columns: task, subject ← subject_id, trial, choice, reward, block, reversal, rt');
    expect(convert.stderr).toContain('60 plugin rows used, 1 other rows left out');
    expect(readFileSync(converted, 'utf8')).toBe(readFileSync(csv, 'utf8'));
  });
});
