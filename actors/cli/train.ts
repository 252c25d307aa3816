/**
 * `brain-rnn train`: trains a premature and a mature low-rank network on one task's behavioural
 * data and prints their metrics side by side (the quick look that `npm start` gives). The training
 * itself is in ./trainRun.ts, loaded after the command's first line.
 */
import type { Command } from 'commander';
import { integerFlag, sessionsFlag } from './argv.js';
import { MIN_SPLIT_SESSIONS } from '../../src/tasks/datasetSplit.js';
import { parseTaskType } from '../../src/tasks/encoding.js';

export interface TrainCommandOptions {
  task: string;
  nEpochs: number;
  nSessions: number;
  trialsPerSession: number;
  nHidden: number;
  seed: number;
  batchSize: number;
  /** float64 (the JavaScript kernel) or float32 (the WebAssembly SIMD kernel). */
  precision: string;
  /** Threads sharing each step, the calling one included (ParallelSupervisedStep when above 1). */
  threads: number;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train', { isDefault: true })
    .description('train a premature and a mature low-rank RNN on one task and print their metrics side by side')
    .option('--task <type>', 'reversal | two_stage | probabilistic_reward', 'reversal')
    .option('--n-epochs <n>', 'training epochs', integerFlag('n-epochs', 1), 15)
    .option('--n-sessions <n>', 'sessions in the behavioural data set', sessionsFlag(MIN_SPLIT_SESSIONS), 80)
    .option('--trials-per-session <n>', 'trials per session', integerFlag('trials-per-session', 2), 150)
    .option('--n-hidden <n>', 'recurrent units', integerFlag('n-hidden', 2, 4096), 32)
    .option('--batch-size <n>', 'sessions per optimisation step', integerFlag('batch-size', 1), 16)
    .option('--seed <n>', 'random seed', integerFlag('seed', 0), 42)
    .option('--precision <p>', 'float64 (the JavaScript kernel) | float32 (the WebAssembly SIMD kernel, several times faster)', 'float64')
    .option('--threads <n>', "threads sharing each step, this one included: above 1, each batch's sessions are split over worker threads (same result to summation order)", integerFlag('threads', 1, 64), 1)
    .action(async (options: TrainCommandOptions) => {
      parseTaskType(options.task); // an unknown task (or precision) is refused before the first line
      if (options.precision !== 'float32' && options.precision !== 'float64') throw new Error(`--precision must be float32 or float64, got ${JSON.stringify(options.precision)}`);
      process.stderr.write(`train: a premature and a mature network (N = ${options.nHidden}, ${options.precision}${threadsNote(options.threads)}) on ${options.nSessions} ${options.task} sessions × ${options.trialsPerSession} trials, ${options.nEpochs} epoch${options.nEpochs === 1 ? '' : 's'}, seed ${options.seed}\n`);
      const { runTrainCommand } = await import('./trainRun.js');
      await runTrainCommand(options);
    });
}

/** ", 2 threads" when a step is split over threads (nothing for one). */
export function threadsNote(threads: number): string {
  return threads > 1 ? `, ${threads} threads` : '';
}
