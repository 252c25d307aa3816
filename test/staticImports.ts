/**
 * The TypeScript sources a module reaches through value imports (not `import type`, not
 * `import(...)`), as paths relative to the repository: what a process loads before any of its code
 * runs. Tests use it to keep heavy modules out of a start-up path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * @example
 * expect(staticImports('actors/cli/live.ts').has('actors/system/startRun.ts')).toBe(false);
 */
export function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(root, file), 'utf8');
  for (const match of text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)\.js';/gms)) {
    staticImports(join(file, '..', `${match[1]}.ts`), seen);
  }
  return seen;
}
