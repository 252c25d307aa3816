import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeFlags } from '../actors/cli/argv.js';
import { registerRunCommand, runRunCommand, type RunCommandOptions } from '../actors/cli/run.js';
import { parseSweep } from '../actors/sweep/sweepFile.js';
import { configRefusal } from './configRefusal.js';
import { runCli } from './io/cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-run-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const tiny = (outputDir: string): RunCommandOptions => ({
  task: 'reversal',
  outputDir,
  nEpochs: 2,
  nSessions: 8,
  trialsPerSession: 30,
  nHidden: 10,
  seeds: 2,
  seed: 7,
  batchSize: 4,
  evalSessions: 4,
  trainer: 'supervised',
  progress: false,
});

describe('brain-rnn run', () => {
  it('runRunCommand writes results.json (configs, seeds, every metric), report.md with a verdict per row, and the figures', async () => {
    const dir = tempDir();
    await runRunCommand(tiny(dir));
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json.seeds).toEqual([7, 8]);
    expect(json.command.nEpochs).toBe(2);
    const [result] = json.results;
    expect(result.task).toBe('reversal');
    expect(result.premature.config.rank).toBe(8);
    expect(result.mature.config.rank).toBe(5);
    expect(result.mature.values.effectiveRank).toHaveLength(2);
    expect(typeof result.tests.effectiveRank.pValue).toBe('number');
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('## Task: reversal');
    expect(report).toMatch(/\| Effective Rank \| ~7-8 \| ~5-6 \| .*\*\*(held|did not hold|inconclusive at this sample size)\*\*/);
    expect(report).toContain('not measured on this task'); // the two-stage row
    for (const extension of ['svg', 'png']) expect(existsSync(join(dir, `figure_reversal.${extension}`))).toBe(true);
    expect(readFileSync(join(dir, 'figure_reversal.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'figure_reversal.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('runRunCommand refuses to overwrite existing results without force, and overwrites with it', async () => {
    const dir = tempDir();
    await runRunCommand(tiny(dir));
    const before = readFileSync(join(dir, 'results.json'), 'utf8');
    await expect(runRunCommand({ ...tiny(dir), seed: 9 })).rejects.toThrow(/already exist; pass --force/);
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe(before);
    await runRunCommand({ ...tiny(dir), seed: 9, force: true });
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).seeds).toEqual([9, 10]);
  });

  it('brain-rnn run accepts the seed\'s snake_case flags', async () => {
    const dir = join(tempDir(), 'nested');
    const program = new Command().exitOverride();
    registerRunCommand(program);
    const argv = ['run', '--task', 'two_stage', '--n_sessions', '8', '--trials_per_session', '30', '--n_epochs', '1', '--seeds', '2', '--seed', '42', '--n_hidden', '10', '--eval_sessions', '4', '--output_dir', dir, '--no-progress'];
    await program.parseAsync(normalizeFlags(argv), { from: 'user' });
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json.results[0].task).toBe('two_stage');
    expect(json.results[0].dataset).toEqual({ nSessions: 8, trialsPerSession: 30, seed: 42 });
    expect(json.results[0].premature.config.nHidden).toBe(10);
  });

  it("runRunCommand with trainer 'online' trains by meta-RL and says so in the report", async () => {
    const dir = tempDir();
    await runRunCommand({ ...tiny(dir), trainer: 'online', episodes: 4 });
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toMatch(/online meta-RL \(A2C/);
    expect(report).toMatch(/for 4 episodes/);
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json.command.trainer).toBe('online');
  });

  it('brain-rnn run --precision float32 trains float32 networks and records it; unset, results.json says float64 and the command leaves it out', async () => {
    const dir = tempDir();
    const program = new Command().exitOverride();
    registerRunCommand(program);
    await program.parseAsync(['run', '--n-sessions', '8', '--trials-per-session', '30', '--n-epochs', '1', '--seeds', '2', '--n-hidden', '10', '--eval-sessions', '4', '--output-dir', dir, '--precision', 'float32', '--save-models', dir, '--no-progress'], { from: 'user' });
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json.command.precision).toBe('float32');
    expect(json.results[0].precision).toBe('float32');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('trainer supervised, float32;');
    expect(JSON.parse(readFileSync(join(dir, 'reversal-mature-seed42.json'), 'utf8')).model.parameters.dtype).toBe('float32');
    const unset = tempDir();
    await runRunCommand(tiny(unset));
    const plain = JSON.parse(readFileSync(join(unset, 'results.json'), 'utf8'));
    expect('precision' in plain.command).toBe(false);
    expect(plain.results[0].precision).toBe('float64');
    // The default written out is the same run, byte for byte.
    const explicit = tempDir();
    await runRunCommand({ ...tiny(explicit), precision: 'float64' });
    expect(readFileSync(join(explicit, 'results.json'), 'utf8')).toBe(readFileSync(join(unset, 'results.json'), 'utf8'));
  });

  it('runRunCommand refuses an unknown precision, and float64 on the online route, and writes nothing', async () => {
    const dir = tempDir();
    await expect(runRunCommand({ ...tiny(dir), precision: 'float16' })).rejects.toThrow('--precision must be float32 or float64, got "float16"');
    await expect(runRunCommand({ ...tiny(dir), trainer: 'online', precision: 'float64' })).rejects.toThrow('--precision float64 applies to --trainer supervised only');
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
  });

  it('runRunCommand rejects an unknown trainer and writes nothing', async () => {
    const dir = tempDir();
    await expect(runRunCommand({ ...tiny(dir), trainer: 'evolution' })).rejects.toThrow('--trainer must be supervised or online, got "evolution"');
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
  });
});

describe('--n-sessions', () => {
  it('brain-rnn train and run refuse fewer than 5 sessions up front, naming the flag, the value and the minimum; a run sweep too', async () => {
    const message = 'brain-rnn: --n-sessions must be an integer in [5, ∞] (10% of the sessions validate and 10% test, which needs at least 5), got "4"\n';
    for (const command of ['train', 'run']) {
      const dir = tempDir();
      const refused = await runCli([command, '--n-sessions', '4', ...(command === 'run' ? ['--output-dir', join(dir, 'out')] : [])]);
      expect(refused.status, command).toBe(1);
      expect(refused.stderr, command).toBe(message);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }
    expect(configRefusal(() => parseSweep({ name: 'small', kind: 'run', nSessions: 4 }, '/'))).toBe('sweep.nSessions must be an integer >= 5, got 4');
  });
});
