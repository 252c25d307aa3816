/**
 * The real `brain-rnn` as a child process, for the tests of files and failures: a run that does not
 * end within `timeoutMs` is killed and reported as hung (never awaited forever).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the timeout had to kill it. */
  hung: boolean;
}

export interface CliOptions {
  timeoutMs?: number;
  /** A shell line run before the command (e.g. `ulimit -f 64`). */
  shellPrefix?: string;
  /** Called with the child once it is spawned (to watch files, or kill it). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Run `brain-rnn ...args`; resolves when it exits (or was killed). */
export function runCli(args: string[], { timeoutMs = 30_000, shellPrefix, onSpawn }: CliOptions = {}): Promise<CliResult> {
  const command = [process.execPath, 'actors/cli/bin.js', ...args];
  const child = shellPrefix
    ? spawn('bash', ['-c', `${shellPrefix} && exec "$@"`, 'bash', ...command], { cwd: root })
    : spawn(command[0], command.slice(1), { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  onSpawn?.(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, hung });
    });
  });
}

/** The lines of stderr that come from brain-rnn's error handler. */
export function errorLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('brain-rnn:'));
}
