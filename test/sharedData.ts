/**
 * Where the tests find the real choice data of ../shared/data (kept outside the repository: their
 * licences differ from ours). BRAIN_RNN_SHARED_DATA overrides; otherwise ../shared/data next to the
 * checkout, then /work/shared/data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const candidates = [
  process.env.BRAIN_RNN_SHARED_DATA,
  fileURLToPath(new URL('../../shared/data', import.meta.url)),
  '/work/shared/data',
].filter((dir): dir is string => dir !== undefined && dir !== '');

export const sharedDataDir: string = candidates.find((dir) => existsSync(join(dir, 'README.md'))) ?? candidates[candidates.length - 1];

/** Absolute path of a file of the shared data folder. */
export function sharedDataPath(name: string): string {
  return join(sharedDataDir, name);
}

/** Text of a file of the shared data folder. */
export function readSharedData(name: string): string {
  return readFileSync(sharedDataPath(name), 'utf8');
}
