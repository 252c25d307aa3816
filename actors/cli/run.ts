/**
 * `brain-rnn run` (the seed's `main.py`): the developmental comparison over several seeds on one
 * task or all three, written to an output folder as results.json (every number, configs, seeds),
 * report.md (the seed's Expected Results table, our measurements and a verdict per row) and the
 * six-panel figure per task (figure_<task>.svg and .png), then manifest.json (each file's size and
 * sha256, `complete: true`). The folder is written as one set (io/outputFolder.ts): a killed run
 * leaves the previous set or a folder marked incomplete, which a rerun replaces. With
 * `--save-models DIR` every trained network is kept as a checkpoint `DIR/<task>-<stage>-seed<k>.json`
 * (runCheckpoints.ts), DIR written as a set of its own with its manifest (or as part of the output
 * set when DIR is the output folder).
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { createMatureConfig, createPrematureConfig } from '../../src/model/config.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import { TaskDataset } from '../../src/tasks/dataset.js';
import { TaskType } from '../../src/tasks/cohortTask.js';
import {
  COMPARISON_METRICS,
  routePrecision,
  runDevelopmentalComparisonWithNetworks,
  toComparisonResults,
  type DevelopmentalComparisonOptions,
  type DevelopmentalComparisonResults,
  type TrainedNetwork,
} from '../../src/experiments/developmentalComparison.js';
import { evaluateExpectedResults, type RowEvaluation } from '../../src/experiments/expectedResults.js';
import type { SampleSummary } from '../../src/experiments/statistics.js';
import { OutputFolder } from '../io/outputFolder.js';
import { renderComprehensiveFigureFile } from '../io/writeFigure.js';
import { checkpointNames, networkCheckpoint } from './runCheckpoints.js';

export interface RunCommandOptions {
  task: string;
  allTasks?: boolean;
  outputDir: string;
  nEpochs: number;
  nSessions: number;
  trialsPerSession: number;
  nHidden: number;
  seeds: number;
  seed: number;
  batchSize: number;
  evalSessions: number;
  trainer: string;
  /** Online route: training episodes per network. */
  episodes?: number;
  /** Supervised route: float64 (when unset) or float32 networks; only float32 on the supervised route is recorded in results.json's command. */
  precision?: string;
  force?: boolean;
  /** --save-models DIR: keep every trained network as a checkpoint DIR/<task>-<stage>-seed<k>.json. */
  saveModels?: string;
  /** Show the progress bar on stderr (default true). */
  progress?: boolean;
}

export const RESULT_FILES = ['results.json', 'report.md'] as const;
/** The order of results.json's `command` (any other key follows). */
const COMMAND_KEYS = ['task', 'allTasks', 'nEpochs', 'nSessions', 'trialsPerSession', 'nHidden', 'seeds', 'seed', 'batchSize', 'evalSessions', 'trainer', 'episodes', 'precision', 'force'] as const;
const ALL_TASKS = [TaskType.REVERSAL, TaskType.TWO_STAGE, TaskType.PROBABILISTIC_REWARD];

/** Every file a run over these tasks writes (the ones --force is needed to replace). */
export function outputFiles(tasks: readonly string[]): string[] {
  return [...RESULT_FILES, ...tasks.flatMap((task) => [`figure_${task}.svg`, `figure_${task}.png`])];
}

/** Run the comparison(s) and write the output folder; returns the results per task. */
export async function runRunCommand(options: RunCommandOptions): Promise<DevelopmentalComparisonResults[]> {
  const outputDir = resolve(options.outputDir);
  const tasks = options.allTasks ? ALL_TASKS : [parseTaskType(options.task)];
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  const modelsDir = options.saveModels === undefined ? undefined : resolve(options.saveModels);
  const checkpoints = modelsDir === undefined ? [] : checkpointNames(tasks, Array.from({ length: options.seeds }, (_, k) => options.seed + k));
  const modelsInOutput = modelsDir === outputDir;
  // Every task's figures are owned, so --force over an --all-tasks result leaves no stale figure.
  const folder = new OutputFolder(outputDir, {
    command: 'run', ownedFiles: [...outputFiles(ALL_TASKS), ...(modelsInOutput ? checkpoints : [])], force: options.force, warn,
  });
  // Both folders are checked before the long part, so a refusal never costs a training run.
  const modelsFolder =
    modelsDir === undefined || modelsInOutput
      ? undefined
      : new OutputFolder(modelsDir, {
          command: 'run --save-models', ownedFiles: checkpoints, force: options.force, warn,
          refuse: (existing) =>
            new Error(`${modelsDir} already holds checkpoints (${existing[0]}${existing.length > 1 ? ` and ${existing.length - 1} more` : ''}); pass --force to overwrite them, or another --save-models DIR`),
        });
  if (options.trainer !== 'supervised' && options.trainer !== 'online') {
    throw new Error(`--trainer must be supervised or online, got ${JSON.stringify(options.trainer)}`);
  }
  if (options.precision !== undefined && options.precision !== 'float32' && options.precision !== 'float64') {
    throw new Error(`--precision must be float32 or float64, got ${JSON.stringify(options.precision)}`);
  }
  if (options.trainer === 'online' && options.precision === 'float64') {
    throw new Error('--precision float64 applies to --trainer supervised only: the online route trains float32 networks on the SIMD kernel');
  }
  folder.ensureWritable();
  modelsFolder?.ensureWritable();
  const runsPerTask = options.seeds * 2;
  const online = options.trainer === 'online';
  const episodes = options.episodes ?? 3000;
  // Progress units per training run: epochs (supervised) or blocks of 50 episodes (online).
  const unitsPerRun = online ? Math.ceil(episodes / 50) : options.nEpochs;
  const bar = new cliProgress.SingleBar(
    { format: online ? ' {task} |{bar}| {percentage}% | seed {seed} {stage} block {epoch} | reward {nll}' : ' {task} |{bar}| {percentage}% | seed {seed} {stage} epoch {epoch} | val NLL {nll}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  const showProgress = options.progress ?? true;
  if (showProgress) bar.start(tasks.length * runsPerTask * unitsPerRun, 0, { task: '', seed: '-', stage: '', epoch: 0, nll: '-' });
  const all: DevelopmentalComparisonResults[] = [];
  const networks: TrainedNetwork[][] = [];
  try {
    tasks.forEach((task, taskIndex) => {
      const { dataset, configs, comparison } = comparisonInputs(options, task);
      const compared = runDevelopmentalComparisonWithNetworks(dataset, configs.premature, configs.mature, {
        ...comparison,
        onProgress: (p) => {
          if (!showProgress) return;
          const run = taskIndex * runsPerTask + p.seedIndex * 2 + (p.stage === 'premature' ? 0 : 1);
          bar.update(run * unitsPerRun + p.epoch, { task, seed: comparison.seeds[p.seedIndex], stage: p.stage, epoch: p.epoch, nll: (online ? -p.validationNll : p.validationNll).toFixed(4) });
          // Off a terminal cli-progress draws only from a timer, which a synchronous run never lets
          // fire: draw one log line at the start of every training run instead.
          if (!process.stderr.isTTY && p.epoch === 1) bar.render();
        },
      });
      all.push(compared.results);
      networks.push(compared.networks);
    });
  } finally {
    if (showProgress) bar.stop();
  }
  const checkpointFiles = modelsDir === undefined ? [] : all.flatMap((results, i) => networks[i].map((network) => networkCheckpoint(results, network)));
  folder.writeAll([...runOutputFiles(all, options), ...(modelsInOutput ? checkpointFiles : [])]);
  modelsFolder?.writeAll(checkpointFiles);
  return all;
}

/**
 * The data set, the two configurations and the comparison options `brain-rnn run` uses for one
 * task: one place, so that a `run` sweep's cells compute what the command computes.
 */
export function comparisonInputs(options: RunCommandOptions, task: TaskType) {
  const seeds = Array.from({ length: options.seeds }, (_, k) => options.seed + k);
  const configs = { premature: createPrematureConfig({ nHidden: options.nHidden }), mature: createMatureConfig({ nHidden: options.nHidden }) };
  const online = options.trainer === 'online';
  const episodes = options.episodes ?? 3000;
  const dataset = new TaskDataset(task, { nSessions: options.nSessions, trialsPerSession: options.trialsPerSession, seed: options.seed });
  const comparison: DevelopmentalComparisonOptions & { seeds: number[] } = {
    nEpochs: options.nEpochs,
    seeds,
    trainer: options.trainer as 'supervised' | 'online',
    // Online, the two-stage task is the Wang et al. (2018) variant: the network makes the
    // first-stage choice only, and in that variant reward depends on the state reached alone.
    ...(online ? { online: { episodes, taskOptions: task === TaskType.TWO_STAGE ? { rewardMode: 'state' as const } : undefined } } : {}),
    trainingConfig: { batchSize: options.batchSize },
    evaluation: { nSessions: options.evalSessions },
    ...(options.precision === undefined ? {} : { precision: options.precision as 'float32' | 'float64' }),
  };
  return { dataset, configs, comparison };
}

/**
 * results.json, report.md and each task's figures, all rendered before the first file is written:
 * the folder is incomplete for the few milliseconds of the writes only, and a figure that fails to
 * render leaves the previous set.
 */
export function runOutputFiles(all: readonly DevelopmentalComparisonResults[], options: RunCommandOptions): [string, string | Uint8Array][] {
  // Where the files and checkpoints go is not part of the result, and the keys go in one order
  // whoever built the options (commander, a run sweep's cells), so a sweep's reduce writes the same results.json.
  // A precision that is the route's own (float64 supervised, float32 online) is the default written
  // out: recorded as a run without the flag (and a sweep without the key).
  const { outputDir: _outputDir, progress: _progress, saveModels: _saveModels, precision, ...rest } = options;
  const recorded: Omit<RunCommandOptions, 'outputDir'> = { ...rest, ...(precision !== undefined && precision !== routePrecision(options.trainer) && { precision }) };
  const command = Object.fromEntries([
    ...COMMAND_KEYS.filter((key) => key in recorded).map((key) => [key, recorded[key]]),
    ...Object.entries(recorded).filter(([key]) => !(COMMAND_KEYS as readonly string[]).includes(key)),
  ]);
  const seeds = Array.from({ length: options.seeds }, (_, k) => options.seed + k);
  const files: [string, string | Uint8Array][] = [
    ['results.json', `${JSON.stringify({ command, seeds, results: all }, null, 1)}\n`],
    ['report.md', formatReport(all, options)],
  ];
  for (const results of all) {
    const figureResults = toComparisonResults(results);
    for (const format of ['svg', 'png'] as const) files.push([`figure_${results.task}.${format}`, renderComprehensiveFigureFile(figureResults, format).bytes]);
  }
  return files;
}

function num(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(2) : value.toFixed(digits);
}

function withCi(s: SampleSummary): string {
  return s.n === 0 ? '–' : `${num(s.mean)} [${num(s.ciLow)}, ${num(s.ciHigh)}]`;
}

function pValue(p: number): string {
  return !Number.isFinite(p) ? '–' : p < 1e-4 ? '< 1e-4' : p.toFixed(4);
}

function rangeNote(e: RowEvaluation): string {
  if (!e.inRange || !e.row.ranges) return '';
  const say = (ok: boolean | undefined, [lo, hi]: [number, number]) => `${ok === undefined ? 'n/a' : ok ? 'yes' : 'no'} ([${lo}, ${hi}])`;
  return `premature ${say(e.inRange.premature, e.row.ranges.premature)}; mature ${say(e.inRange.mature, e.row.ranges.mature)}`;
}

/** The markdown report: per task the seed's table with our numbers and verdicts, then every metric. */
export function formatReport(all: readonly DevelopmentalComparisonResults[], options: RunCommandOptions): string {
  const lines = [
    '# Developmental comparison: premature vs mature low-rank RNNs',
    '',
    options.trainer === 'online'
      ? `Settings: ${options.seeds} seeds (${options.seed}..${options.seed + options.seeds - 1}), online meta-RL (A2C, Adam 1e-3, discount 0.9, value 0.05, entropy 0.05, clip 1) ` +
        `for ${options.episodes ?? 3000} episodes of 64 sessions × 100 trials per network (two-stage: the Wang et al. 2018 variant), N = ${options.nHidden}; ` +
        `closed-loop evaluation on ${options.evalSessions} fresh sessions × ${options.trialsPerSession} trials per seed.`
      : `Settings: ${options.seeds} seeds (${options.seed}..${options.seed + options.seeds - 1}), ${options.nEpochs} epochs max (early stopping on validation NLL), ` +
        `${options.nSessions} sessions × ${options.trialsPerSession} trials of Q-learner behaviour (data seed ${options.seed}), N = ${options.nHidden}, batch ${options.batchSize}, ` +
        `trainer ${options.trainer}, ${options.precision ?? 'float64'}; closed-loop evaluation on ${options.evalSessions} fresh sessions per seed.`,
    '',
    'Values are means over seeds with 95% t confidence intervals; tests are two-sided Welch t tests of mature − premature; d is Cohen\'s d. ' +
      'Verdict: "held" = predicted direction with p < 0.05; "did not hold" = opposite direction with p < 0.05; otherwise "inconclusive at this sample size".',
    '',
  ];
  for (const results of all) {
    lines.push(`## Task: ${results.task}`, '');
    lines.push('| Metric | Seed: premature | Seed: mature | Measured premature | Measured mature | Δ (mat − pre) | p | d | Verdict | Mean in predicted range? |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const e of evaluateExpectedResults(results)) {
      if (e.verdict === 'not measured') {
        lines.push(`| ${e.row.label} | ${e.row.premature} | ${e.row.mature} | – | – | – | – | – | not measured on this task | |`);
        continue;
      }
      lines.push(
        `| ${e.row.label} | ${e.row.premature} | ${e.row.mature} | ${withCi(e.premature)} | ${withCi(e.mature)} | ${num(e.test.difference)} | ${pValue(e.test.pValue)} | ${num(e.test.effectSize, 2)} | **${e.verdict}** | ${rangeNote(e)} |`,
      );
    }
    lines.push('', '<details><summary>Every metric</summary>', '', '| Metric | Premature | Mature | p | d |', '|---|---|---|---|---|');
    for (const metric of COMPARISON_METRICS) {
      const p = results.premature.summary[metric];
      const m = results.mature.summary[metric];
      if (p.n === 0 && m.n === 0) continue;
      lines.push(`| ${metric} | ${withCi(p)} | ${withCi(m)} | ${pValue(results.tests[metric].pValue)} | ${num(results.tests[metric].effectSize, 2)} |`);
    }
    lines.push('', '</details>', '');
  }
  lines.push(
    '## Caveat',
    '',
    'The effective rank and γ of W_rec are partly imposed by construction: the low-rank part has rank 8 (premature) or 5 (mature), so W_rec = m nᵀ + M Nᵀ has rank at most 9 or 6, ' +
      'and the spectral regulariser pulls the singular values towards e^{−γ i} with γ = 0.2 or 0.4. Differences in those two rows confirm that training kept the constraints, ' +
      'not that a developmental process produced them; the informative rows are the ones the constraints do not set directly (heterogeneity, adaptation, model-based index).',
    '',
  );
  return lines.join('\n');
}

// The command's flags live in runCommand.ts, which loads this file only when the command runs.
export { registerRunCommand } from './runCommand.js';
