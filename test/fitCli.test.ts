import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatComparisonTable, runFitCommand, type FitCommandOptions } from '../actors/cli/fitRun.js';
import { formatTrialsCsv, parseTrialsCsv } from '../src/data/trialsCsv.js';
import { readSharedData } from './sharedData.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'fit-cli-'));
const data = join(work, 'six.csv');
const source = parseTrialsCsv(readSharedData('hbayesdm_two_step.csv'));
writeFileSync(data, formatTrialsCsv(source.sessions.slice(0, 6)));

const base: FitCommandOptions = { data, models: ['tinygru:1', 'hybrid'], folds: 2, seeds: 1, seed: 1, nEpochs: 3, restarts: 1, objective: 'stage1', progress: false };

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['actors/cli/bin.js', 'fit', ...args], { cwd: root, encoding: 'utf8' });
}

describe('runFitCommand', () => {
  it('runFitCommand writes results.json and table.md, prints the table, and refuses to overwrite without force', () => {
    const outputDir = join(work, 'out');
    let printed = '';
    const result = runFitCommand({ ...base, outputDir, print: (text) => (printed += text) });
    const saved = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8'));
    expect(saved.options).toMatchObject({ models: ['tiny_gru:1', 'daw_hybrid'], folds: 2, seed: 1, seeds: 1, training: { nEpochs: 3, regularize: false } });
    expect(result.models.map((m) => m.label)).toEqual(['tiny_gru:1', 'daw_hybrid']);
    expect(saved.comparison.winner).toBe(result.winner);
    expect(saved.comparison.models.map((m: { subjects: unknown[] }) => m.subjects.length)).toEqual([6, 6]);
    expect(saved.comparison.models[0].nllPerChoice).toBe(result.models[0].nllPerChoice);
    const table = readFileSync(join(outputDir, 'table.md'), 'utf8');
    expect(table).toContain(formatComparisonTable(result));
    expect(table).toContain(`**${result.winner}** (winner)`);
    expect(printed).toContain(`winner: ${result.winner}`);

    writeFileSync(join(outputDir, 'table.md'), 'keep me');
    expect(() => runFitCommand({ ...base, outputDir })).toThrow(`${join(outputDir, 'results.json')} already exists; pass --force to overwrite it`);
    expect(readFileSync(join(outputDir, 'table.md'), 'utf8')).toBe('keep me');
    runFitCommand({ ...base, outputDir, force: true, print: () => {} });
    expect(readFileSync(join(outputDir, 'table.md'), 'utf8')).toContain('| model | held-out NLL / choice | fold 0 | fold 1 |');
  });

  it('runFitCommand passes --encoding conjunctive to the networks and records it', () => {
    const outputDir = join(work, 'conjunctive');
    runFitCommand({ ...base, models: ['tiny_gru:1'], encoding: 'conjunctive', outputDir, print: () => {} });
    const saved = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8'));
    expect(saved.options.inputEncoding).toBe('conjunctive');
    expect(saved.comparison.models[0].recurrent.inputEncoding).toBe('conjunctive');
    expect(saved.comparison.models[0].recurrent.folds[0].model.nInputs).toBe(9);
  });

  it('runFitCommand names a bad --models entry before writing anything', () => {
    const outputDir = join(work, 'bad');
    expect(() => runFitCommand({ ...base, outputDir, models: ['tinygru:1', 'hybird'] })).toThrow('model entry "hybird" is not a model');
    expect(existsSync(outputDir)).toBe(false);
  });
});

describe('brain-rnn fit', () => {
  it('brain-rnn fit says first what it read, accepts snake_case flags and writes its files; a bad model entry exits 1 with one line', () => {
    const outputDir = join(work, 'cli');
    const ok = cli('--data', data, '--models', 'tiny_gru:1', 'model_free', '--folds', '2', '--seeds', '1', '--n_epochs', '2', '--restarts', '1', '--output_dir', outputDir);
    expect(ok.stderr).not.toContain('brain-rnn:');
    expect(ok.status).toBe(0);
    // The first line says what was read, before the fitting code loads (actors/cli/fitData.ts).
    const trials = source.sessions.slice(0, 6).reduce((n, session) => n + session.nTrials, 0);
    expect(ok.stderr.split('\n')[0]).toBe(`brain-rnn fit: six.csv read as a trials CSV (two_stage): 6 subjects, 6 sessions, ${trials} trials`);
    expect(ok.stdout).toContain('six.csv: two_stage, 6 subjects');
    expect(existsSync(join(outputDir, 'results.json'))).toBe(true);
    const badModel = cli('--data', data, '--models', 'gru:2', '--output_dir', join(work, 'never'));
    expect(badModel.status).toBe(1);
    expect(badModel.stderr).toContain('brain-rnn: model entry "gru:2" is not a model');
  });
});
