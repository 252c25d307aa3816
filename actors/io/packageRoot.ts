/**
 * The folder of this package's package.json, found by walking up from this module, so files read
 * beside the code (package.json, web/) are found both from the TypeScript sources and from their
 * compiled copies in dist/, which sit one level deeper.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'brain-inspired-rnn';
let found: string | undefined;

/**
 * @example
 * readFileSync(join(packageRoot(), 'web', 'index.html'), 'utf8');
 */
export function packageRoot(): string {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      found = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
