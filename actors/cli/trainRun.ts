/**
 * What `brain-rnn train` runs (./train.ts registers the command): trains a premature and a mature
 * low-rank network on one task's behavioural data and prints their metrics side by side. Loaded
 * only once the command has said what it is about to do.
 */
import cliProgress from 'cli-progress';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { createMatureConfig, createPrematureConfig } from '../../src/model/config.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import { TaskDataset } from '../../src/tasks/dataset.js';
import { trainOnDataset, type TrainedModelReport } from '../../src/experiments/trainOnDataset.js';
import { ParallelSupervisedStep } from '../parallel/parallelSupervisedStep.js';
import { threadsNote, type TrainCommandOptions } from './train.js';

export async function runTrainCommand(options: TrainCommandOptions): Promise<Record<string, TrainedModelReport>> {
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
      const model = new BrainInspiredRNN(config, { nInputs: dataset.nInputs, nOutputs: dataset.nActions, seed: options.seed, dtype: options.precision as 'float32' | 'float64' });
      const engine = options.threads > 1 ? new ParallelSupervisedStep(model, { threads: options.threads }) : undefined;
      try {
        reports[name] = trainOnDataset(
          model,
          dataset,
          { nEpochs: options.nEpochs, batchSize: options.batchSize, seed: options.seed },
          { onEpoch: (record) => bar.update(record.epoch + 1, { nll: record.validationNll.toFixed(4) }) },
          { gradientEngine: engine },
        );
      } finally {
        await engine?.close();
      }
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
    `task ${options.task}, ${options.nSessions} sessions × ${options.trialsPerSession} trials, N = ${options.nHidden}, ${options.precision}${threadsNote(options.threads)}, seed ${options.seed}, chance NLL ${chance.toFixed(4)}`,
    ['metric'.padEnd(width), ...names.map((n) => n.padStart(14))].join(''),
    ...rows.map(([label, get]) => [label.padEnd(width), ...names.map((n) => get(reports[n]).padStart(14))].join('')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
