/**
 * Child-process entry for the replay memory check of `npm run bench`: measures in a fresh process
 * so the resident set is the replay's own. Prints one JSON line (ReplayMemoryResult).
 * Usage: tsx tools/bench/replayMemoryMain.ts RECORDING_PATH
 */
import { measureReplayMemory } from './replayMemory.js';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: replayMemoryMain.ts RECORDING_PATH\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measureReplayMemory(path))}\n`);
