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
import { parseChoiceData } from '../../src/data/parseChoiceData.js';
import { modelFromJSON, serializeCheckpoint } from '../../src/model/checkpoint.js';
import { compareModels, type ModelComparison } from '../../src/experiments/compareModels.js';
import type { FitInputEncoding } from '../../src/experiments/conjunctiveInputs.js';
import { RECURRENT_FIT_TRAINING } from '../../src/experiments/crossValidateRecurrent.js';
import { defaultModelSpecs, parseModelSpecs } from '../../src/experiments/modelSpec.js';
import { analyzeReversalAdaptation } from '../../src/analysis/reversalAdaptation.js';
import { columnsFromTrialsSessions } from '../../src/analysis/behaviourColumns.js';
import { FIT_LEVELS, type FitLevel } from '../../src/experiments/cognitiveLevel.js';
import { CV_UNITS, splitIntoEpisodes, MIN_UNITS_FOR_DEFAULT, RESET_ON_VALUES, type CvUnit, type ResetOn } from '../../src/data/episodes.js';
import { OutputFolder } from '../io/outputFolder.js';

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

function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** The CV unit and the episode boundary of a comparison, each with why when it was the default. */
export function describeSplit(result: Pick<ModelComparison, 'cv' | 'resetOn' | 'nUnits' | 'nSubjects' | 'nSessions' | 'task'>, given: { cv?: CvUnit; resetOn?: ResetOn }): string {
  const { cv, resetOn, nUnits, nSubjects, nSessions } = result;
  const cvWhy =
    given.cv !== undefined
      ? ''
      : cv === 'block'
        ? `; default: ${nSubjects} subjects and ${nSessions} sessions, both < ${MIN_UNITS_FOR_DEFAULT}`
        : nSubjects >= MIN_UNITS_FOR_DEFAULT
          ? `; default: >= ${MIN_UNITS_FOR_DEFAULT} subjects`
          : cv === 'session' && nSessions >= MIN_UNITS_FOR_DEFAULT
            ? `; default: ${nSubjects} subjects < ${MIN_UNITS_FOR_DEFAULT}, ${nSessions} sessions`
            : `; default: fewer than ${MIN_UNITS_FOR_DEFAULT} subjects and sessions and no blocks`;
  const resetWhy =
    given.resetOn !== undefined
      ? ''
      : resetOn === 'block'
        ? ' (default: the block column has values)'
        : result.task === 'two_stage'
          ? ' (default for two-stage data; --reset-on block restarts at each block)'
          : ' (default: no block column)';
  return `CV over ${cv}s (${nUnits}${cvWhy}), learners restart at each ${resetOn}${resetWhy}`;
}

/**
 * The reversal-aligned behaviour of reversal data whose `reversal` column flags reversals, over
 * episodes (no pair crosses a restart); the better option is inferred per phase from reward rates.
 */
function reversalBehaviour(sessions: Parameters<typeof splitIntoEpisodes>[0], resetOn: ResetOn) {
  if (sessions[0]?.task !== 'reversal' || !sessions.some((s) => s.reversal.some((r) => r === 1))) return undefined;
  const adaptation = analyzeReversalAdaptation(columnsFromTrialsSessions(splitIntoEpisodes(sessions, resetOn)));
  const { curve, nReversals, meanTrialsToCriterion, winStay, loseShift, recovery } = adaptation;
  const at = (k: number) => curve.pBetter[curve.offsets.indexOf(k)];
  const line =
    `behaviour: ${nReversals} reversals (from the reversal column; better option inferred from reward rates): P(better) ${fixed(at(-1), 3)} before, ` +
    `${fixed(at(0), 3)} at, ${fixed(at(10), 3)} 10 trials after; recovery tau ${fixed(recovery.tau, 2)} trials; trials to criterion ${fixed(meanTrialsToCriterion, 2)}; ` +
    `win-stay ${fixed(winStay, 3)}, lose-shift ${fixed(loseShift, 3)}`;
  const summary = {
    nReversals,
    offsets: Array.from(curve.offsets),
    pBetter: Array.from(curve.pBetter),
    counts: Array.from(curve.counts),
    recovery,
    meanTrialsToCriterion,
    winStay,
    loseShift,
  };
  return { line, summary };
}

/**
 * The cognitive models fitted per subject to all data (`--level individual | hierarchical`):
 * summed AIC and BIC, or iBIC with the group prior, and the typical subject's parameters.
 */
export function formatLevelTable(result: ModelComparison): string | undefined {
  const fits = result.models.flatMap((m) => (m.levelFit ? [m.levelFit] : []));
  if (fits.length === 0) return undefined;
  const hierarchical = result.level === 'hierarchical';
  const show = (values: Record<string, number> | undefined) => (values ? Object.entries(values).map(([k, v]) => `${k} ${v.toPrecision(3)}`).join(', ') : '-');
  const header = hierarchical
    ? ['model', 'NLL at MAP', `iBIC (${fits[0].iBicSamples} prior samples)`, 'group mean (natural units)', 'group mean / variance (unbounded)']
    : ['model', 'NLL', 'AIC (sum)', 'BIC (sum)', 'median subject'];
  const rows = [...fits]
    .sort((a, b) => (hierarchical ? a.iBic! - b.iBic! : a.bic! - b.bic!))
    .map((f) =>
      hierarchical
        ? [f.model, f.nll.toFixed(1), f.iBic!.toFixed(1), show(f.typical), Object.keys(f.groupMean!).map((k) => `${k} ${f.groupMean![k].toFixed(2)} / ${f.groupVariance![k].toFixed(3)}`).join(', ')]
        : [f.model, f.nll.toFixed(1), f.aic!.toFixed(1), f.bic!.toFixed(1), show(f.typical)],
    );
  const title = `${hierarchical ? 'Hierarchical (EM, Laplace; Huys et al. 2011)' : 'Individual (maximum likelihood per subject)'} fits of the cognitive models to all data, ${result.nSubjects} subjects, best first:`;
  return [title, '', `| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Each network's chosen run of each fold as a checkpoint `checkpoint-<label>-fold<k>.json`
 * (`brain-rnn export` or a scenario's `model.checkpoint` can load it).
 */
export function foldCheckpoints(result: ModelComparison, metadata: Record<string, unknown>): [string, string][] {
  return result.models.flatMap((entry) =>
    (entry.recurrent?.folds ?? []).map((fold, k): [string, string] => [
      `checkpoint-${entry.label.replace(/[^A-Za-z0-9_.-]/g, '_')}-fold${k}.json`,
      serializeCheckpoint(modelFromJSON(fold.model), {
        ...metadata, command: 'fit', model: entry.label, fold: k, cv: result.cv, resetOn: result.resetOn, testUnits: fold.testSubjects,
        validationNll: fold.runs[fold.chosenRun].validationNll, heldOutNllPerChoice: fold.nllPerChoice, inputEncoding: entry.recurrent!.inputEncoding,
      }),
    ]),
  );
}

/** The comparison as a markdown table, best model first. */
export function formatComparisonTable(result: ModelComparison): string {
  const byLabel = new Map(result.models.map((m) => [m.label, m]));
  const nFolds = result.folds.length;
  const header = ['model', 'held-out NLL / choice', ...Array.from({ length: nFolds }, (_, f) => `fold ${f}`), `Δ vs ${result.winner} (± SE)`, `${result.cv ?? 'subject'}s better`];
  const rows = result.ranking.map((label) => {
    const m = byLabel.get(label)!;
    const paired = m.versusWinner;
    return [
      label === result.winner ? `**${label}** (winner)` : label,
      fixed(m.nllPerChoice),
      ...m.foldNllPerChoice.map((v) => fixed(v)),
      paired ? `${paired.meanDifference >= 0 ? '+' : ''}${fixed(paired.meanDifference)} ± ${fixed(paired.standardError)}` : '-',
      paired ? `${paired.nBetter}/${paired.nSubjects}` : '-',
    ];
  });
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
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
  const markdown = formatComparisonTable(result);
  const episodes = result.nEpisodes !== result.nSessions ? `${result.nEpisodes} episodes, ` : '';
  const heading =
    `${basename(data)}: ${table.task}, ${result.nSubjects} subjects, ${result.nSessions} sessions, ${episodes}${result.nChoices} first-stage choices, ` +
    `${folds}-fold ${describeSplit(result, { cv, resetOn })} (seed ${seed}); chance ${fixed(result.chanceNllPerChoice)}`;
  const behaviour = reversalBehaviour(table.sessions, result.resetOn);
  if (behaviour) print(`${behaviour.line}\n`);
  const levels = formatLevelTable(result);
  print(`${heading}\n\n${markdown}\n\n${levels ? `${levels}\n\n` : ''}winner: ${result.winner} (${fixed(result.models.find((m) => m.label === result.winner)!.nllPerChoice)} NLL per choice), ${seconds.toFixed(1)} s\n`);
  const settings = { data, format: table.format, ...(table.format === 'hbayesdm' ? { mapping: table.mapping } : {}), task: table.task, models: specs.map((s) => s.label), folds, cv: result.cv, resetOn: result.resetOn, level, seed, seeds, restarts, objective, inputEncoding: encoding, training, validationFraction: 0.2 };
  // One set, written atomically with manifest.json last (io/outputFolder.ts).
  folder.writeAll([
    ...foldCheckpoints(result, { data, seed }),
    ['results.json', `${JSON.stringify({ command: 'fit', options: settings, seconds, comparison: result, ...(behaviour ? { behaviour: behaviour.summary } : {}) }, null, 1)}\n`],
    ['table.md', `${heading}\n\n${markdown}\n${levels ? `\n${levels}\n` : ''}`],
  ]);
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
