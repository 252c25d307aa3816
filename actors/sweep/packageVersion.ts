/**
 * The package's root and version, as package.json says: the version is what a worker and its
 * coordinator must share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../io/packageRoot.js';

/** The folder of package.json, from the sources and from their build in dist/ alike (never dist/). */
export const PACKAGE_ROOT = packageRoot();
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
