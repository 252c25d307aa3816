/**
 * `brain-rnn fit`: the comparison of Ji-An, Benna & Mattar (2025) on a trials CSV. Every model is
 * cross-validated on the same subject folds; prints held-out NLL per first-stage choice per model
 * with the winner, and writes results.json (every number) and table.md to the output directory,
 * then manifest.json (sizes, sha256, `complete: true`): the folder is written as one set.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { integerFlag } from './argv.js';
import { parseChoiceData, type ChoiceData } from '../../src/data/parseChoiceData.js';
import { compareModels, type ModelComparison } from '../../src/experiments/compareModels.js';
import type { FitInputEncoding } from '../../src/experiments/conjunctiveInputs.js';
import { RECURRENT_FIT_TRAINING } from '../../src/experiments/crossValidateRecurrent.js';
import { defaultModelSpecs, parseModelSpecs } from '../../src/experiments/modelSpec.js';
import { FIT_LEVELS, type FitLevel } from '../../src/experiments/cognitiveLevel.js';
import { CV_UNITS, hasBlocks, MIN_UNITS_FOR_DEFAULT, RESET_ON_VALUES, type CvUnit, type ResetOn } from '../../src/data/episodes.js';
import { describeSplit, fixed, foldCheckpoints, formatComparisonTable, formatLevelTable, reversalBehaviour } from './fitReport.js';

export { describeSplit, foldCheckpoints, formatComparisonTable, formatLevelTable } from './fitReport.js';
import { OutputFolder } from '../io/outputFolder.js';
import type { TrainingConfig } from '../../src/training/trainingConfig.js';

export interface FitCommandOptions {
  /** Path of the trials CSV. */
  data: string;
  /** Model entries; default: the task's defaults (defaultModelSpecs). */
  models?: string[];
  folds: number;
  /** What a fold holds out; default by the data's shape (defaultCvUnit). */
  cv?: CvUnit;
  /** Where learners restart; default by the data (defaultResetOn). */
  resetOn?: ResetOn;
  /** Level of the cognitive models' parameters: population (default) | individual | hierarchical. */
  level?: FitLevel;
  /** Network initialisation seeds per fold. */
  seeds: number;
  seed: number;
  /** Maximum training epochs per network run (early stopping usually ends sooner). */
  nEpochs?: number;
  /** Cognitive-model optimiser starts per fold. */
  restarts: number;
  objective: 'stage1' | 'total';
  /** Network input encoding: `task` (default) or `conjunctive`. */
  encoding?: FitInputEncoding;
  outputDir?: string;
  force?: boolean;
  /** Show the progress bar on stderr (default true). */
  progress?: boolean;
  /** Where the table goes (default stdout). */
  print?: (text: string) => void;
}

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
 * Run the comparison and write its files; returns the comparison. Refuses to overwrite
 * results.json or table.md without `force`, before any fitting starts.
 * @example
 * runFitCommand({ data: 'data.csv', models: ['tiny_gru:2', 'daw_hybrid'], folds: 5, seeds: 3, seed: 1, restarts: 5, objective: 'stage1', outputDir: 'out' });
 */
export function runFitCommand(options: FitCommandOptions): ModelComparison {
  const { data, folds, cv, resetOn, level = 'population', seeds, seed, nEpochs, restarts, objective, encoding = 'task', force = false, progress = true } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const outputDir = options.outputDir ?? join('fit-results', basename(data, extname(data)));
  const folder = new OutputFolder(outputDir, {
    command: 'fit', ownedFiles: OUTPUT_FILES, force, refuse: ([path]) => new Error(`${path} already exists; pass --force to overwrite it`),
    warn: (message) => process.stderr.write(`${message}\n`),
  });
  const table = parseChoiceData(readFileSync(data));
  if (table.format === 'hbayesdm') {
    const ignored = table.ignored.length > 0 ? `; not used: ${table.ignored.join(', ')}` : '';
    process.stderr.write(`brain-rnn fit: ${basename(data)} read as hBayesDM data (${table.task}): ${table.mapping.join('; ')}${ignored}\n`);
  }
  if (table.format === 'jspsych') {
    process.stderr.write(`brain-rnn fit: ${basename(data)} read as jsPsych data of the brain-rnn plugins (${table.task}): ${table.mapping.join('; ')}\n`);
  }
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

export function registerFitCommand(program: Command): void {
  program
    .command('fit')
    .description('cross-validate recurrent networks and cognitive models on a trials CSV; held-out NLL per choice per model')
    .requiredOption('--data <file>', "trials CSV (the format of ../shared/data/README.md) or hBayesDM's tab-separated example data")
    .option('--models <entries...>', 'e.g. tiny_gru:1,2,4 low_rank:1,2@8 q_learning daw_hybrid; aliases such as tinygru, lowrank, hybrid, wsls work too (default: per task; docs/models.md)')
    .option('--folds <n>', 'cross-validation folds', integerFlag('folds', 2), 5)
    .option('--cv <unit>', `what a fold holds out: subject | session | block (default: subject with >= ${MIN_UNITS_FOR_DEFAULT} subjects, else session with >= ${MIN_UNITS_FOR_DEFAULT} sessions, else block)`)
    .option('--level <level>', 'cognitive models: population (one parameter set) | individual (ML per subject; AIC, BIC) | hierarchical (EM with a group prior; iBIC)', 'population')
    .option('--reset-on <boundary>', 'where networks and cognitive models restart: session | block (default: block for reversal data whose block column has values)')
    .option('--seeds <n>', 'network initialisation seeds per fold (best inner-validation NLL kept)', integerFlag('seeds', 1), 5)
    .option('--seed <n>', 'seed of the folds, splits and initialisations', integerFlag('seed', 0), 1)
    .option('--n-epochs <n>', `maximum epochs per network run (default ${RECURRENT_FIT_TRAINING.nEpochs})`, integerFlag('n-epochs', 1))
    .option('--restarts <n>', 'cognitive-model optimiser starts per fold', integerFlag('restarts', 1), 5)
    .option('--objective <which>', 'choices cognitive models are fitted to: stage1 | total', 'stage1')
    .option('--encoding <which>', 'network inputs: task (action, state, reward) | conjunctive (one-hot of their combination)', 'task')
    .option('--output-dir <dir>', 'where results.json and table.md go (default fit-results/<data name>)')
    .option('--force', 'overwrite existing results', false)
    .action((options: FitCommandOptions) => {
      if (options.objective !== 'stage1' && options.objective !== 'total') {
        throw new Error(`--objective must be stage1 or total, got ${JSON.stringify(options.objective)}`);
      }
      if (options.encoding !== 'task' && options.encoding !== 'conjunctive') {
        throw new Error(`--encoding must be task or conjunctive, got ${JSON.stringify(options.encoding)}`);
      }
      if (options.cv !== undefined && !CV_UNITS.includes(options.cv)) throw new Error(`--cv must be subject, session or block, got ${JSON.stringify(options.cv)}`);
      if (options.resetOn !== undefined && !RESET_ON_VALUES.includes(options.resetOn)) {
        throw new Error(`--reset-on must be session or block, got ${JSON.stringify(options.resetOn)}`);
      }
      if (options.level !== undefined && !FIT_LEVELS.includes(options.level)) {
        throw new Error(`--level must be population, individual or hierarchical, got ${JSON.stringify(options.level)}`);
      }
      runFitCommand(options);
    });
}
