import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './io/cli.js';

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
