import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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
