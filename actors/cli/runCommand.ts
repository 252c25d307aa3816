/**
 * The flags of `brain-rnn run`. The comparison itself (actors/cli/run.ts: the training code,
 * Plot, the t-test's many small modules) is loaded when the command runs, so `brain-rnn run --help`
 * does not wait for it.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { integerFlag, sessionsFlag } from './argv.js';
import { MIN_SPLIT_SESSIONS } from '../../src/tasks/datasetSplit.js';
import type { RunCommandOptions } from './run.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('the developmental comparison over several seeds: results.json and report.md in the output folder')
    .option('--task <type>', 'reversal | two_stage | probabilistic_reward', 'reversal')
    .option('--all-tasks', 'run all three tasks')
    .option('--output-dir <dir>', 'output folder', './results')
    .option('--n-epochs <n>', 'training epochs (max; early stopping on validation NLL)', integerFlag('n-epochs', 1), 100)
    .option('--n-sessions <n>', 'sessions in the behavioural data set', sessionsFlag(MIN_SPLIT_SESSIONS), 80)
    .option('--trials-per-session <n>', 'trials per session', integerFlag('trials-per-session', 2), 150)
    .option('--n-hidden <n>', 'recurrent units', integerFlag('n-hidden', 2, 4096), 32)
    .option('--seeds <k>', 'number of training seeds per configuration', integerFlag('seeds', 1, 10_000), 10)
    .option('--seed <n>', 'data-set seed and first training seed', integerFlag('seed', 0), 42)
    .option('--batch-size <n>', 'sessions per optimisation step', integerFlag('batch-size', 1), 16)
    .option('--eval-sessions <n>', 'sessions each trained network plays closed-loop', integerFlag('eval-sessions', 1), 64)
    .option('--trainer <route>', 'supervised (imitate a Q-learner\'s choices) | online (meta-RL by A2C)', 'supervised')
    .option('--episodes <n>', 'online route: A2C training episodes per network (64 sessions × 100 trials each)', integerFlag('episodes', 1), 3000)
    .option('--precision <p>', 'supervised route: float64 (default, the JavaScript kernel) | float32 (the WebAssembly SIMD kernel, about 4× faster, the same results to about 1e-5); the online route always trains float32')
    .option('--force', 'overwrite results.json and report.md in the output folder (and the checkpoints in the --save-models folder)')
    .option('--save-models <dir>', 'write every trained network to DIR/<task>-<stage>-seed<k>.json (checkpoints a scenario or `brain-rnn export` can load)')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (options: RunCommandOptions) => {
      const { runRunCommand, RESULT_FILES } = await import('./run.js');
      const results = await runRunCommand(options);
      process.stdout.write(`wrote ${RESULT_FILES.join(', ')} and figure_<task>.{svg,png} for ${results.map((r) => r.task).join(', ')} to ${resolve(options.outputDir)}\n`);
      if (options.saveModels !== undefined) process.stdout.write(`wrote ${results.length * 2 * options.seeds} checkpoints <task>-<stage>-seed<k>.json to ${resolve(options.saveModels)}\n`);
    });
}
