import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDist, isDistCurrent } from '../tools/buildDist.mjs';
import { staticImports } from './staticImports.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function brainRnn(...args: string[]) {
  return spawnSync(process.execPath, ['actors/cli/bin.js', ...args], { cwd: root, encoding: 'utf8' });
}

describe('buildDist', () => {
  it('buildDist(root) compiles src/ and actors/ to dist/ in the same layout, and isDistCurrent sees edits, additions and removals', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'build-dist-'));
    mkdirSync(join(tree, 'src', 'deep'), { recursive: true });
    mkdirSync(join(tree, 'actors'));
    writeFileSync(join(tree, 'src', 'deep', 'square.ts'), 'export const square = (x: number): number => x * x;\n');
    writeFileSync(join(tree, 'actors', 'boot.mjs'), 'export const plain = true;\n');
    expect(isDistCurrent(tree)).toBe(false);

    await buildDist(tree);
    expect(isDistCurrent(tree)).toBe(true);
    const compiled = await import(join(tree, 'dist', 'src', 'deep', 'square.js'));
    expect(compiled.square(7)).toBe(49);
    expect(readFileSync(join(tree, 'dist', 'actors', 'boot.mjs'), 'utf8')).toBe('export const plain = true;\n');

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(tree, 'src', 'deep', 'square.ts'), later, later);
    expect(isDistCurrent(tree)).toBe(false);
    await buildDist(tree);
    expect(isDistCurrent(tree)).toBe(true);

    writeFileSync(join(tree, 'actors', 'extra.ts'), 'export {};\n');
    utimesSync(join(tree, 'actors', 'extra.ts'), new Date(0), new Date(0));
    expect(isDistCurrent(tree)).toBe(false); // a new file, even an old one, is a change
    await buildDist(tree);
    expect(existsSync(join(tree, 'dist', 'actors', 'extra.js'))).toBe(true);
  });

  it('dist is a link swapped in one step: a dist/ folder of an older build moves aside, concurrent builds both finish, and a superseded build stays importable', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'build-dist-link-'));
    mkdirSync(join(tree, 'src'));
    mkdirSync(join(tree, 'actors'));
    writeFileSync(join(tree, 'src', 'value.ts'), 'export const value = 1;\n');
    // A dist/ folder as builds before the link made it.
    mkdirSync(join(tree, 'dist'));
    writeFileSync(join(tree, 'dist', 'stale.js'), 'export {};\n');
    await buildDist(tree);
    expect(lstatSync(join(tree, 'dist')).isSymbolicLink()).toBe(true);
    expect(isDistCurrent(tree)).toBe(true);
    expect(existsSync(join(tree, 'dist', 'stale.js'))).toBe(false);
    const first = realpathSync(join(tree, 'dist'));

    writeFileSync(join(tree, 'src', 'value.ts'), 'export const value = 2;\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(tree, 'src', 'value.ts'), later, later);
    // Two processes that found dist/ stale at once (as a sweep's workers after an edit) each build.
    await Promise.all([buildDist(tree), buildDist(tree)]);
    expect(isDistCurrent(tree)).toBe(true);
    expect((await import(join(tree, 'dist', 'src', 'value.js'))).value).toBe(2);
    // A process still running the first build imports from its real path, which is kept.
    expect((await import(join(first, 'src', 'value.js'))).value).toBe(1);
    expect(readdirSync(join(tree, 'dist.builds')).length).toBe(4); // the folder moved aside, three builds
    expect(readdirSync(tree).filter((name) => name.startsWith('dist.') && name !== 'dist.builds')).toEqual([]);
  });
});

describe('brain-rnn (actors/cli/bin.js)', () => {
  it('brain-rnn --help lists every command', () => {
    const { stdout, status } = brainRnn('--help');
    expect(status).toBe(0);
    for (const name of ['train', 'live', 'replay', 'fit', 'run']) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('brain-rnn help fit and brain-rnn fit --help show the command\'s own options', () => {
    for (const args of [['help', 'fit'], ['fit', '--help']]) {
      const { stdout, status } = brainRnn(...args);
      expect(status).toBe(0);
      expect(stdout).toContain('Usage: brain-rnn fit');
      expect(stdout).toContain('--data');
    }
  });

  it('live, replay, train and fit statically import none of the run system, the replayer, the fitting or the model code (they load them after their first line)', () => {
    const reached = staticImports;
    const heavy = ['actors/system/startRun.ts', 'actors/io/replayRun.ts', 'actors/io/liveRun.ts', 'src/model/brainInspiredRnn.ts', 'src/experiments/compareModels.ts', 'src/model/checkpoint.ts'];
    for (const command of ['live', 'replay', 'train', 'fit']) {
      const graph = reached(`actors/cli/${command}.ts`);
      expect(graph.size, command).toBeGreaterThan(1);
      for (const module of heavy) expect(graph.has(module), `${command} → ${module}`).toBe(false);
    }
    // The check sees a static import: the module that runs a live run does reach the run system.
    expect(reached('actors/io/liveRun.ts').has('actors/system/startRun.ts')).toBe(true);
    expect(reached('actors/cli/fitRun.ts').has('src/experiments/compareModels.ts')).toBe(true);
  });

  it('brain-rnn train says first what it trains, and refuses an unknown task (or precision, or threads) before that line', () => {
    const refused = brainRnn('train', '--task', 'reversall');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('unknown task type "reversall"');
    expect(refused.stderr).not.toContain('train: ');
    const { stderr, stdout, status } = brainRnn('train', '--n-epochs', '1', '--n-sessions', '20', '--trials-per-session', '20', '--n-hidden', '8');
    expect(status).toBe(0);
    expect(stderr.split('\n')[0]).toBe('train: a premature and a mature network (N = 8, float64) on 20 reversal sessions × 20 trials, 1 epoch, seed 42');
    expect(stdout).toContain('test NLL per choice');
    const float32 = brainRnn('train', '--n-epochs', '1', '--n-sessions', '20', '--trials-per-session', '20', '--n-hidden', '8', '--precision', 'float32');
    expect(float32.status).toBe(0);
    expect(float32.stdout).toContain('N = 8, float32, seed 42');
    // The same fit to float32 tolerance: the test NLL rows agree to the printed digits but the last.
    const nll = (text: string) => text.split('\n').find((line) => line.startsWith('test NLL per choice'))!.split(/\s+/).slice(-2).map(Number);
    for (const [i, value] of nll(float32.stdout).entries()) expect(value).toBeCloseTo(nll(stdout)[i], 3);
    // Split over two threads: the same fit up to float32 summation order.
    const split = brainRnn('train', '--n-epochs', '2', '--n-sessions', '40', '--trials-per-session', '20', '--n-hidden', '8', '--precision', 'float32', '--batch-size', '16', '--threads', '2');
    const single = brainRnn('train', '--n-epochs', '2', '--n-sessions', '40', '--trials-per-session', '20', '--n-hidden', '8', '--precision', 'float32', '--batch-size', '16');
    expect([split.status, split.stderr.split('\n')[0]]).toEqual([0, 'train: a premature and a mature network (N = 8, float32, 2 threads) on 40 reversal sessions × 20 trials, 2 epochs, seed 42']);
    expect(split.stdout).toContain('N = 8, float32, 2 threads, seed 42');
    for (const [i, value] of nll(split.stdout).entries()) expect(value).toBeCloseTo(nll(single.stdout)[i], 4);
    const noThreads = brainRnn('train', '--threads', '0');
    expect([noThreads.status, noThreads.stderr.includes('--threads must be an integer in [1, 64], got "0"'), noThreads.stderr.includes('train: ')]).toEqual([1, true, false]);
    const refused16 = brainRnn('train', '--precision', 'float16');
    expect(refused16.status).toBe(1);
    expect(refused16.stderr).toContain('--precision must be float32 or float64, got "float16"');
    expect(refused16.stderr).not.toContain('train: ');
  });

  it('brain-rnn with an unknown command names it and exits 1', () => {
    const { stderr, status } = brainRnn('fitt');
    expect(status).toBe(1);
    expect(stderr).toContain("unknown command 'fitt'");
  });
});
