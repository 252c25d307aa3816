/**
 * The package's root and version, as package.json says: the version is what a worker and its
 * coordinator must share.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest package.json above this module: the package root both from the sources
 * (actors/sweep/) and from their build in dist/ (dist/actors/sweep/, tools/buildDist.mjs).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The folder of package.json (never dist/). */
export const PACKAGE_ROOT = packageRoot();
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
