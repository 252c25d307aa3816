/**
 * `brain-rnn play --task reversal|two_stage|probabilistic_reward [--trials N] [--seed S]
 * [--participant ID] [--port P] --out FILE.csv [--record FILE] [--force]`: serve the task page on
 * 127.0.0.1 for a person to play, print its URL, and write each finished trial to FILE.csv (the
 * trials CSV with `rt`/`rt2`), the whole file replaced atomically after every trial, so a closed
 * tab leaves a loadable file. With --record the trials are also a run's events: recorded for
 * `brain-rnn replay`, and shown live in the viewer, whose URL is printed too.
 */
import type { Command } from 'commander';
import { integerFlag } from './argv.js';

interface PlayFlags {
  task: string;
  trials: number;
  seed?: number;
  participant: string;
  port: number;
  out: string;
  record?: string;
  force?: boolean;
  /** JSON object of task options, e.g. '{"rewardMode":"state"}'. */
  taskOptions?: string;
}

const DEFAULT_TRIALS = 100;

/** The checks that need no server: the task, its options, the participant id and the files. */
async function checkFlags(flags: PlayFlags): Promise<Record<string, unknown>> {
  const { existsSync, statSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { parseTaskType } = await import('../../src/tasks/encoding.js');
  parseTaskType(flags.task);
  let options: unknown = {};
  if (flags.taskOptions !== undefined) {
    try {
      options = JSON.parse(flags.taskOptions);
    } catch {
      throw new Error(`--task-options must be a JSON object, got ${JSON.stringify(flags.taskOptions)}`);
    }
  }
  if (/[",\r\n]/.test(flags.participant) || flags.participant === '') {
    throw new Error(`--participant must be a non-empty id without a comma, quote or line break, got ${JSON.stringify(flags.participant)}`);
  }
  for (const [flag, path] of [['--out', flags.out], ['--record', flags.record]] as const) {
    if (path === undefined) continue;
    if (existsSync(path) && !flags.force) throw new Error(`${path} already exists; pass --force to overwrite it (${flag})`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`${flag} ${path} is a directory; give a file name`);
    if (!existsSync(dirname(path))) throw new Error(`${flag}: the directory ${dirname(path)} does not exist (create it first: mkdir -p ${dirname(path)})`);
  }
  return options as Record<string, unknown>;
}

export function registerPlayCommand(program: Command): void {
  program
    .command('play')
    .description('serve a task page on 127.0.0.1 for a person to play; each trial is stored in a trials CSV at once')
    .requiredOption('--task <type>', 'reversal | two_stage | probabilistic_reward')
    .option('--trials <n>', 'trials to play', integerFlag('trials', 1, 100_000), DEFAULT_TRIALS)
    .option('--seed <n>', 'seed of the reward schedule (default: a fresh one, printed)', integerFlag('seed', 0, 2 ** 31 - 1))
    .option('--participant <id>', 'participant id written in the subject and session columns', 'participant')
    .option('--port <n>', 'port of the task page (0: any free port)', integerFlag('port', 0, 65535), 0)
    .requiredOption('--out <file>', 'trials CSV to write (rewritten after every trial)')
    .option('--record <file>', 'also record the trials as run events (replay them with brain-rnn replay) and serve the live viewer')
    .option('--task-options <json>', 'task options as a JSON object, e.g. \'{"rewardMode":"state"}\'')
    .option('--force', 'overwrite an existing --out or --record file')
    .action(async (flags: PlayFlags) => {
      const taskOptions = await checkFlags(flags);
      const { runPlay } = await import('../io/playSession.js');
      await runPlay({ ...flags, taskOptions, seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31) });
    });
}
