/**
 * File snapshots of SVG output, normalised the way Plot's own tests do it in spirit: numbers in
 * attributes rounded to 2 decimals (so last-digit float noise does not fail a test), generated
 * ids renumbered in order of appearance, one element per line for readable diffs.
 * A missing snapshot is written and the test passes with a note; UPDATE_SNAPSHOTS=1 rewrites all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const SNAPSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');

function roundNumber(text: string): string {
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

export function normalizeSvg(svg: string): string {
  const ids = new Map<string, string>();
  const renumber = (id: string) => {
    if (!ids.has(id)) ids.set(id, `plot-clip-${ids.size + 1}`);
    return ids.get(id)!;
  };
  return svg
    .replace(/plot-clip-\d+/g, renumber)
    .replace(/class="plot-[0-9a-f]{6}"/g, 'class="plot"')
    .replace(/="([^"]*)"/g, (_, value: string) => `="${value.replace(/-?\d*\.\d+(?:e[-+]?\d+)?/gi, roundNumber)}"`)
    .replace(/></g, '>\n<')
    .trim()
    .concat('\n');
}

/** Compare normalised SVG with test/figures/snapshots/<name>.svg. */
export function expectSvgSnapshot(svg: string, name: string): void {
  const actual = normalizeSvg(svg);
  const path = join(SNAPSHOT_DIR, `${name}.svg`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(path)) {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(path, actual);
    console.warn(`wrote snapshot ${path}`);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
