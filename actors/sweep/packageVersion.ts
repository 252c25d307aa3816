/**
 * The package's root and version, as package.json says: the version is what a worker and its
 * coordinator must share (the same one a recording's header carries).
 */
import { packageRoot } from '../io/packageRoot.js';
import { packageVersion } from '../io/recordingHeader.js';

/** The folder of package.json, from the sources and from their build in dist/ alike (never dist/). */
export const PACKAGE_ROOT = packageRoot();
export const PACKAGE_VERSION: string = packageVersion();
