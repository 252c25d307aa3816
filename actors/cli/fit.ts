/**
 * `brain-rnn fit`: the comparison of Ji-An, Benna & Mattar (2025) on a trials CSV. Every model is
 * cross-validated on the same subject folds; prints held-out NLL per first-stage choice per model
 * with the winner, and writes results.json (every number) and table.md to the output directory,
 * then manifest.json (sizes, sha256, `complete: true`): the folder is written as one set.
 *
 * This file has the flags and reads the data, then says what it read; the fitting (./fitRun.ts)
 * and the model code it needs load after that first line.
 */
import type { Command } from 'commander';
import { integerFlag } from './argv.js';
import type { FitInputEncoding } from '../../src/experiments/conjunctiveInputs.js';
import { FIT_LEVELS, RECURRENT_FIT_TRAINING, type FitLevel } from '../../src/experiments/fitDefaults.js';
import { CV_UNITS, MIN_UNITS_FOR_DEFAULT, RESET_ON_VALUES, type CvUnit, type ResetOn } from '../../src/data/episodes.js';
import { readFitData } from './fitData.js';

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
    .action(async (options: FitCommandOptions) => {
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
      const table = readFitData(options.data);
      const { runFitCommand } = await import('./fitRun.js');
      runFitCommand(options, table);
    });
}
