/**
 * How long `brain-rnn` takes to say something: the time from spawning `node actors/cli/bin.js ARGS`
 * to its first byte of output (then the process is killed), median of `repeats` starts. The command
 * runs on a terminal (a pseudo-terminal from util-linux's `script`, when there is one), as a user
 * runs it: the progress bars, the first line of the long commands, draw only on a terminal.
 * dist/ is built first, as `npm ci` leaves it, so no start pays for compiling.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { buildDist, isDistCurrent } from '../buildDist.mjs';
import { median } from './interleaved.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = '/usr/bin/script';

/** The command lines measured: the help, and the first line of each command on the shipped files. */
export const CLI_START_COMMANDS: readonly (readonly string[])[] = [
  ['--help'],
  ['train', '--task', 'reversal'],
  ['live', 'scenarios/reversal-developmental.json', '--no-serve'],
  ['replay', 'test/fixtures/recordings/two-stage-main.ndjson.gz', '--no-serve'],
  ['fit', '--data', '../shared/data/hbayesdm_prl.csv'],
  ['run', '--help'],
];

function timeToFirstOutput(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const command = [process.execPath, 'actors/cli/bin.js', ...args];
    const child = existsSync(SCRIPT)
      ? spawn(SCRIPT, ['-qfec', command.join(' '), '/dev/null'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(command[0], command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let seconds: number | undefined;
    const first = () => {
      seconds ??= (performance.now() - started) / 1000;
      process.kill(-child.pid!, 'SIGKILL'); // the process group: `script` and the command under it
    };
    child.stdout.once('data', first);
    child.stderr.once('data', first);
    child.once('error', reject);
    child.once('exit', () => (seconds === undefined ? reject(new Error(`brain-rnn ${args.join(' ')} exited without output`)) : resolve(seconds)));
  });
}

/** Median seconds to the first output line, per command line. */
export async function runCliStartWorkload(repeats = 5): Promise<{ command: string; median_s: number }[]> {
  if (!isDistCurrent()) await buildDist();
  const results = [];
  for (const args of CLI_START_COMMANDS) {
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) times.push(await timeToFirstOutput(args));
    results.push({ command: `brain-rnn ${args.join(' ')}`, median_s: Number(median(times).toFixed(3)) });
  }
  return results;
}
