import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDist, isDistCurrent } from '../tools/buildDist.mjs';

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

  it('brain-rnn with an unknown command names it and exits 1', () => {
    const { stderr, status } = brainRnn('fitt');
    expect(status).toBe(1);
    expect(stderr).toContain("unknown command 'fitt'");
  });
});
