/**
 * `brain-rnn train`: trains a premature and a mature low-rank network on one task's behavioural
 * data and prints their metrics side by side (the quick look that `npm start` gives).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { integerFlag, sessionsFlag } from './argv.js';
import { MIN_SPLIT_SESSIONS } from '../../src/tasks/datasetSplit.js';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { createMatureConfig, createPrematureConfig } from '../../src/model/config.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import { TaskDataset } from '../../src/tasks/dataset.js';
import { trainOnDataset, type TrainedModelReport } from '../../src/experiments/trainOnDataset.js';

export interface TrainCommandOptions {
  task: string;
  nEpochs: number;
  nSessions: number;
  trialsPerSession: number;
  nHidden: number;
  seed: number;
  batchSize: number;
}

export function runTrainCommand(options: TrainCommandOptions): Record<string, TrainedModelReport> {
  const task = parseTaskType(options.task);
  const dataset = new TaskDataset(task, {
    nSessions: options.nSessions,
    trialsPerSession: options.trialsPerSession,
    seed: options.seed,
  });
  const configs = {
    premature: createPrematureConfig({ nHidden: options.nHidden }),
    mature: createMatureConfig({ nHidden: options.nHidden }),
  };
  const bars = new cliProgress.MultiBar(
    { format: ' {name} |{bar}| epoch {value}/{total} | val NLL {nll}', hideCursor: true, clearOnComplete: false, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  const reports: Record<string, TrainedModelReport> = {};
  try {
    for (const [name, config] of Object.entries(configs)) {
      const bar = bars.create(options.nEpochs, 0, { name: name.padEnd(9), nll: '-' });
      const model = new BrainInspiredRNN(config, { nInputs: dataset.nInputs, nOutputs: dataset.nActions, seed: options.seed });
      reports[name] = trainOnDataset(
        model,
        dataset,
        { nEpochs: options.nEpochs, batchSize: options.batchSize, seed: options.seed },
        { onEpoch: (record) => bar.update(record.epoch + 1, { nll: record.validationNll.toFixed(4) }) },
      );
      bar.update(options.nEpochs);
    }
  } finally {
    // Also on an error: the bars' redraw timer would otherwise keep the process running for ever.
    bars.stop();
  }
  printSideBySide(reports, options, Math.log(dataset.nActions));
  return reports;
}

function format(value: number | undefined, digits = 3): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function printSideBySide(reports: Record<string, TrainedModelReport>, options: TrainCommandOptions, chance: number): void {
  const names = Object.keys(reports);
  const rows: [string, (r: TrainedModelReport) => string][] = [
    ['best epoch', (r) => String(r.history.bestEpoch + 1)],
    ['test NLL per choice', (r) => format(r.measures.testNll, 4)],
    ['test accuracy', (r) => format(r.measures.testAccuracy)],
    ['effective rank D(W)', (r) => format(r.measures.effectiveRank)],
    ['SV decay γ (R²)', (r) => `${format(r.measures.svDecayGamma)} (${format(r.measures.svDecayRSquared, 2)})`],
    ['nuclear norm ‖W‖*', (r) => format(r.measures.nuclearNorm)],
    ['response heterogeneity', (r) => format(r.measures.responseHeterogeneity, 6)],
    ['activity dimensionality', (r) => format(r.measures.activityDimensionality)],
  ];
  const width = 26;
  const lines = [
    `task ${options.task}, ${options.nSessions} sessions × ${options.trialsPerSession} trials, N = ${options.nHidden}, seed ${options.seed}, chance NLL ${chance.toFixed(4)}`,
    ['metric'.padEnd(width), ...names.map((n) => n.padStart(14))].join(''),
    ...rows.map(([label, get]) => [label.padEnd(width), ...names.map((n) => get(reports[n]).padStart(14))].join('')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
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
    .action((options: TrainCommandOptions) => {
      runTrainCommand(options);
    });
}
