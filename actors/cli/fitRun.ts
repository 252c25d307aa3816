/**
 * The work of `brain-rnn fit` (./fit.ts has its flags): every model cross-validated on the same
 * folds, the table printed, results.json, table.md and the fold checkpoints written as one set.
 * Loaded only once the command has said what it read, so its first line does not wait for the
 * model code.
 */
import { basename, extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { ChoiceData } from '../../src/data/parseChoiceData.js';
import { compareModels, type ModelComparison } from '../../src/experiments/compareModels.js';
import type { FitInputEncoding } from '../../src/experiments/conjunctiveInputs.js';
import { RECURRENT_FIT_TRAINING, type FitLevel } from '../../src/experiments/fitDefaults.js';
import { defaultModelSpecs, parseModelSpecs } from '../../src/experiments/modelSpec.js';
import { hasBlocks, type CvUnit, type ResetOn } from '../../src/data/episodes.js';
import type { TrainingConfig } from '../../src/training/trainingConfig.js';
import { OutputFolder } from '../io/outputFolder.js';
import type { FitCommandOptions } from './fit.js';
import { readFitData } from './fitData.js';
import { describeSplit, fixed, foldCheckpoints, formatComparisonTable, formatLevelTable, reversalBehaviour } from './fitReport.js';

export { describeSplit, foldCheckpoints, formatComparisonTable, formatLevelTable } from './fitReport.js';
export type { FitCommandOptions } from './fit.js';

const OUTPUT_FILES = ['results.json', 'table.md'] as const;

/** What results.json records of a fit: the options as given (cv, resetOn may be unset) and the data as read. */
export interface FitSettings {
  data: string;
  /** The parsed data: its format and hBayesDM mapping, task, and sessions (split sentence, behaviour line). */
  table: Pick<ChoiceData, 'format' | 'mapping' | 'task' | 'sessions'>;
  specs: readonly { label: string }[];
  folds: number;
  cv?: CvUnit;
  resetOn?: ResetOn;
  level: FitLevel;
  seed: number;
  seeds: number;
  restarts: number;
  objective: 'stage1' | 'total';
  encoding: FitInputEncoding;
  training: Partial<TrainingConfig>;
}

/**
 * The files of a fit (fold checkpoints, results.json, table.md) and what it prints (the reversal
 * behaviour line, then the summary): one place, so that `brain-rnn fit` and the reduce of a `fit`
 * sweep write the same bytes for the same comparison.
 */
export function fitOutputFiles(
  result: ModelComparison,
  settings: FitSettings,
  seconds: number,
): { behaviourLine?: string; summary: string; files: [string, string][] } {
  const { data, table, specs, folds, cv, resetOn, level, seed, seeds, restarts, objective, encoding, training } = settings;
  const markdown = formatComparisonTable(result);
  const episodes = result.nEpisodes !== result.nSessions ? `${result.nEpisodes} episodes, ` : '';
  const heading =
    `${basename(data)}: ${table.task}, ${result.nSubjects} subjects, ${result.nSessions} sessions, ${episodes}${result.nChoices} first-stage choices, ` +
    `${folds}-fold ${describeSplit(result, { cv, resetOn, hasBlocks: hasBlocks(table.sessions) })} (seed ${seed}); chance ${fixed(result.chanceNllPerChoice)}`;
  const behaviour = reversalBehaviour(table.sessions, result.resetOn);
  const levels = formatLevelTable(result);
  const options = {
    data, format: table.format, ...(table.format !== 'trials_csv' ? { mapping: table.mapping } : {}), task: table.task, models: specs.map((s) => s.label),
    folds, cv: result.cv, resetOn: result.resetOn, level, seed, seeds, restarts, objective, inputEncoding: encoding, training, validationFraction: 0.2,
  };
  return {
    ...(behaviour ? { behaviourLine: behaviour.line } : {}),
    summary: `${heading}\n\n${markdown}\n\n${levels ? `${levels}\n\n` : ''}winner: ${result.winner} (${fixed(result.models.find((m) => m.label === result.winner)!.nllPerChoice)} NLL per choice)`,
    files: [
      ...foldCheckpoints(result, { data, seed }),
      ['results.json', `${JSON.stringify({ command: 'fit', options, seconds, comparison: result, ...(behaviour ? { behaviour: behaviour.summary } : {}) }, null, 1)}\n`],
      ['table.md', `${heading}\n\n${markdown}\n${levels ? `\n${levels}\n` : ''}`],
    ],
  };
}

/**
 * Run the comparison and write its files; returns the comparison. `table` is the data as
 * readFitData read it (read from `options.data` when not given). Refuses to overwrite
 * results.json or table.md without `force`, before any fitting starts.
 * @example
 * runFitCommand({ data: 'data.csv', models: ['tiny_gru:2', 'daw_hybrid'], folds: 5, seeds: 3, seed: 1, restarts: 5, objective: 'stage1', outputDir: 'out' });
 */
export function runFitCommand(options: FitCommandOptions, table: ChoiceData = readFitData(options.data)): ModelComparison {
  const { data, folds, cv, resetOn, level = 'population', seeds, seed, nEpochs, restarts, objective, encoding = 'task', force = false, progress = true } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const outputDir = options.outputDir ?? join('fit-results', basename(data, extname(data)));
  const folder = new OutputFolder(outputDir, {
    command: 'fit', ownedFiles: OUTPUT_FILES, force, refuse: ([path]) => new Error(`${path} already exists; pass --force to overwrite it`),
    warn: (message) => process.stderr.write(`${message}\n`),
  });
  const specs = options.models && options.models.length > 0 ? parseModelSpecs(options.models, table.task) : defaultModelSpecs(table.task);
  folder.ensureWritable();
  const training = { ...RECURRENT_FIT_TRAINING, ...(nEpochs === undefined ? {} : { nEpochs }) };
  const bar = progress
    ? new cliProgress.SingleBar(
        { format: ' fit |{bar}| {value}/{total} runs | {label} fold {fold} | val NLL {nll}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(1, 0, { label: '-', fold: '-', nll: '-' });
  const started = Date.now();
  let lastDrawn = started;
  let result: ModelComparison;
  try {
    result = compareModels(table.sessions, specs, {
      folds,
      cv,
      resetOn,
      level,
      seed,
      seeds,
      training,
      restarts,
      objective,
      inputEncoding: encoding,
      onProgress: (p) => {
        bar?.setTotal(p.unitsTotal);
        bar?.update(p.unitsDone, { label: p.label, fold: p.fold, nll: p.validationNll === undefined ? '-' : fixed(p.validationNll) });
        // Off a terminal cli-progress redraws from a timer, which never fires while the fit holds
        // the event loop, so the bar is drawn here instead (a log line every 5 s).
        if (bar && !process.stderr.isTTY && Date.now() - lastDrawn > 5000) {
          bar.render();
          lastDrawn = Date.now();
        }
      },
    });
  } finally {
    bar?.stop();
  }
  for (const warning of result.warnings) process.stderr.write(`brain-rnn fit: warning: ${warning}\n`);
  const seconds = (Date.now() - started) / 1000;
  const output = fitOutputFiles(result, { data, table, specs, folds, cv, resetOn, level, seed, seeds, restarts, objective, encoding, training }, seconds);
  if (output.behaviourLine) print(`${output.behaviourLine}\n`);
  print(`${output.summary}, ${seconds.toFixed(1)} s\n`);
  // One set, written atomically with manifest.json last (io/outputFolder.ts).
  folder.writeAll(output.files);
  const nCheckpoints = result.models.reduce((n, m) => n + (m.recurrent?.folds.length ?? 0), 0);
  if (progress) process.stderr.write(`wrote ${join(outputDir, 'results.json')}, ${join(outputDir, 'table.md')} and ${nCheckpoints} fold checkpoint(s)\n`);
  return result;
}
