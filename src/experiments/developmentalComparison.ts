/**
 * The developmental comparison (the seed's `run_developmental_comparison`): train a premature and a
 * mature low-rank network on the same behavioural data over many seeds, measure each trained
 * network, let it play the task itself, and compare the two stages metric by metric.
 *
 * Design choices:
 * - One data set for every seed (the caller's): the spread across seeds is the spread of training
 *   (initial weights and batch order), not of data, so a difference between stages cannot come
 *   from one stage drawing easier data. Seed k initialises both stages' weights and batch order
 *   from k, and draws one closed-loop evaluation cohort from k that both stages play, so within a
 *   seed the two stages face identical task streams.
 * - Adaptation speed is measured on the trained network acting as an agent: the frozen model plays
 *   `evaluation.nSessions` fresh sessions closed-loop (`playEpisode`, sampled actions), and
 *   `analyzeReversalAdaptation` gives P(better) in the first 10 trials after reversals and the
 *   recovery time constant τ. On the two-stage task, `analyzeTwoStageSignatures` of the same play
 *   gives the model-based and model-free indices.
 * - Two training routes: 'supervised' fits the data set's choices; 'online' learns the task by
 *   A2C meta-RL (trainOnline, Wang et al. 2018) and uses only the data set's task type.
 * - Each cell can hand back its trained network (trainDevelopmentalCell,
 *   runDevelopmentalComparisonWithNetworks), which `run --save-models` keeps as checkpoints; the
 *   results themselves never hold weights, so results.json stays the same with or without them.
 */
import { singularValues } from '../metrics/spectrum.js';
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { validateDevelopmentalConfig, type DevelopmentalConfig } from '../model/config.js';
import { createRandom } from '../random.js';
import { SEED_STREAMS, pickStreams } from '../randomStreams.js';
import type { TaskType } from '../tasks/cohortTask.js';
import type { TaskOptions } from '../tasks/createTask.js';
import { taskInputSize } from '../tasks/encoding.js';
import type { TaskDataset } from '../tasks/dataset.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import type { ComparisonResults, MaybeNumber, SeedResults } from '../figures/comparisonResults.js';
import { ConfigError, checkInteger } from '../validation.js';
import { analyzeLearningDynamics } from './learningDynamics.js';
import { summarizeSample, welchTest, type SampleSummary, type TwoSampleTest } from './statistics.js';
import { evaluateBehaviour, type PlayedStayProbabilities } from './closedLoopBehaviour.js';
import { measureModelOnBatch, trainOnDataset, type ModelMeasures } from './trainOnDataset.js';
import { trainOnline, type OnlineTrainingOptions } from './trainOnline.js';

/** Every per-seed number the comparison reports, in report order. */
export const COMPARISON_METRICS = [
  'effectiveRank',
  'svDecayGamma',
  'svDecayRSquared',
  'nuclearNorm',
  'responseHeterogeneity',
  'activityDimensionality',
  'pBetterAfterReversal',
  'recoveryTau',
  'trialsToCriterion',
  'winStay',
  'loseShift',
  'meanReward',
  'modelBasedIndex',
  'modelFreeIndex',
  'testNll',
  'testAccuracy',
  'convergenceEpoch',
  'validationLossStability',
] as const;
export type ComparisonMetric = (typeof COMPARISON_METRICS)[number];
export type StageName = 'premature' | 'mature';
export const STAGES: readonly StageName[] = ['premature', 'mature'];

export { EARLY_REVERSAL_TRIALS, columnsFromEpisode } from './closedLoopBehaviour.js';

export interface EvaluationOptions {
  /** Sessions the trained network plays closed-loop (default 64). */
  nSessions?: number;
  /** Trials per played session (default: the data set's trials per session). */
  nTrials?: number;
  /** Task-specific options of the played task (default: the task's defaults). */
  taskOptions?: TaskOptions;
}

export interface DevelopmentalComparisonProgress {
  /** 0-based index of the seed being run, and the number of seeds. */
  seedIndex: number;
  nSeeds: number;
  stage: StageName;
  /** Epochs done in this training run (after each epoch), and the configured number. */
  epoch: number;
  nEpochs: number;
  /** Validation NLL after this epoch. */
  validationNll: number;
}

export interface DevelopmentalComparisonOptions {
  /** Training epochs per run (upper bound when early stopping is on). */
  nEpochs: number;
  /** Number of seeds K (seeds 0 .. K−1) or the explicit list of seeds (at least 2 for a test). */
  seeds: number | readonly number[];
  /** Other training hyper-parameters (nEpochs and seed are set per run). */
  trainingConfig?: Partial<Omit<TrainingConfig, 'nEpochs' | 'seed'>>;
  /** Closed-loop evaluation of the trained networks. */
  evaluation?: EvaluationOptions;
  /**
   * 'supervised' (default): fit the data set's choices (imitation of its behavioural policy).
   * 'online': meta-reinforcement learning (A2C, Wang et al. 2018) on fresh task cohorts; only the
   * data set's task type is used, and `online` sets the training.
   */
  trainer?: 'supervised' | 'online';
  /** The online route's training (episodes required when trainer is 'online'). */
  online?: Omit<OnlineTrainingOptions, 'onBlock'>;
  /**
   * The supervised route's arithmetic: 'float64' (default: the JavaScript kernel) or 'float32'
   * (the WebAssembly SIMD kernel, about 4× faster; a default reversal comparison's stage means
   * agreed with float64's to 2e-6 relative, its p-values to 4 decimals). The online route always
   * trains float32 networks.
   */
  precision?: 'float32' | 'float64';
  /** Called after every training epoch. */
  onProgress?: (progress: DevelopmentalComparisonProgress) => void;
}

/** One trained network of one stage and seed. */
export interface SeedRun {
  seed: number;
  metrics: Record<ComparisonMetric, number>;
  /** Singular values of W_rec, descending. */
  singularValues: number[];
  /** Per epoch training loss (task + regularisers), training NLL per choice and validation NLL. */
  learningCurve: { trainLoss: number[]; trainNll: number[]; validationNll: number[] };
  /** P(better) aligned to reversals during closed-loop play (empty if no reversal occurred). */
  reversalCurve: { offsets: number[]; pBetter: number[]; counts: number[] };
  /** Two-stage only: stay probabilities after common/rare × rewarded/unrewarded trials. */
  stayTable?: PlayedStayProbabilities;
}

/** How one network was trained: what `run` reports of its training besides its SeedRun. */
export type NetworkTraining =
  | {
      trainer: 'supervised';
      /** Epochs run (fewer than nEpochs when early stopping ended the run) and the configured maximum. */
      epochsRun: number;
      nEpochs: number;
      /** 0-based epoch whose weights were kept (the best validation NLL). */
      keptEpoch: number;
      /** Validation NLL per choice of the kept weights. */
      validationNll: number;
      stoppedEarly: boolean;
    }
  | {
      trainer: 'online';
      episodes: number;
      blockEpisodes: number;
      /** Mean reward per trial over the last block of training episodes. */
      finalBlockReward: number;
    };

/** One trained network of a comparison: the weights `run` measured, with its SeedRun. */
export interface TrainedNetwork {
  seed: number;
  stage: StageName;
  /** The trained network (for the supervised route, the kept epoch's weights). */
  model: BrainInspiredRNN;
  run: SeedRun;
  training: NetworkTraining;
}

export interface StageResults {
  config: DevelopmentalConfig;
  runs: SeedRun[];
  /** Per metric, the per-seed values in seed order (NaN where a seed could not produce it). */
  values: Record<ComparisonMetric, number[]>;
  /** Per metric, mean and 95% CI over the finite per-seed values. */
  summary: Record<ComparisonMetric, SampleSummary>;
}

export interface DevelopmentalComparisonResults {
  task: TaskType;
  /** The training route. */
  trainer: 'supervised' | 'online';
  /** The online route's training settings (trainer 'online' only). */
  online?: Omit<OnlineTrainingOptions, 'onBlock'>;
  /** The networks' arithmetic (float32 on the SIMD kernel, or float64 on the JavaScript one). */
  precision: 'float32' | 'float64';
  seeds: number[];
  nEpochs: number;
  trainingConfig: Partial<TrainingConfig>;
  evaluation: Required<Omit<EvaluationOptions, 'taskOptions'>> & { taskOptions?: TaskOptions };
  dataset: { nSessions: number; trialsPerSession: number; seed: number };
  premature: StageResults;
  mature: StageResults;
  /** Welch test of mature − premature, per metric. */
  tests: Record<ComparisonMetric, TwoSampleTest>;
}

/**
 * The precision a route trains at when none is asked for: float32 online (its networks run on the
 * SIMD kernel), float64 supervised.
 * @example
 * routePrecision('online'); // 'float32'
 */
export function routePrecision(trainer: string): 'float32' | 'float64' {
  return trainer === 'online' ? 'float32' : 'float64';
}

function resolveSeeds(seeds: number | readonly number[]): number[] {
  if (typeof seeds === 'number') {
    checkInteger('seeds', seeds, 1, 10_000);
    return Array.from({ length: seeds }, (_, k) => k);
  }
  if (!Array.isArray(seeds) || seeds.length === 0) throw new ConfigError([`seeds must be a count >= 1 or a non-empty list, got ${String(seeds)}`]);
  seeds.forEach((s, i) => checkInteger(`seeds[${i}]`, s, 0));
  return [...seeds];
}

/**
 * One seed of the online route: a float32 network (SIMD kernel) learns the task by A2C, then plays
 * a fresh cohort frozen; structure metrics come from its weights, heterogeneity and activity
 * dimensionality from the states it visited in that play. There are no recorded choices to
 * predict, so testNll/testAccuracy and the supervised convergence measures are NaN; the learning
 * curve holds the A2C loss per block of episodes.
 */
function onlineSeedRun(config: DevelopmentalConfig, task: TaskType, seed: number, online: OnlineTrainingOptions, played: DevelopmentalComparisonResults['evaluation']): Omit<TrainedNetwork, 'stage'> {
  const model = new BrainInspiredRNN(config, { nInputs: taskInputSize(task), nOutputs: 2, seed, dtype: 'float32' });
  // Not the data set's or the evaluation play's streams of the same seed (see SEED_STREAMS).
  const { onlineTraining: trainRng } = pickStreams(createRandom(seed), SEED_STREAMS, ['onlineTraining']);
  const history = trainOnline(model, task, trainRng, online);
  const behaviour = evaluateBehaviour(model, task, played, seed);
  const { episode } = behaviour;
  const m = measureModelOnBatch(model, { nSessions: episode.nSessions, nTrials: episode.nTrials, nInputs: episode.nInputs, inputs: episode.inputs });
  const run = assembleSeedRun(seed, model, m, behaviour, {
    testNll: NaN,
    testAccuracy: NaN,
    convergenceEpoch: NaN,
    validationLossStability: NaN,
    learningCurve: { trainLoss: history.loss, trainNll: [], validationNll: [] },
  });
  return {
    seed, model, run,
    training: { trainer: 'online', episodes: online.episodes, blockEpisodes: online.blockEpisodes ?? 50, finalBlockReward: history.reward[history.reward.length - 1] },
  };
}

type Behaviour = ReturnType<typeof evaluateBehaviour>;
type TrainingFigures = Pick<Record<ComparisonMetric, number>, 'testNll' | 'testAccuracy' | 'convergenceEpoch' | 'validationLossStability'> & {
  learningCurve: SeedRun['learningCurve'];
};

/** One SeedRun from a trained model's measures, its closed-loop behaviour and its training figures. */
function assembleSeedRun(seed: number, model: BrainInspiredRNN, m: ModelMeasures, behaviour: Behaviour, training: TrainingFigures): SeedRun {
  const { learningCurve, ...trainingMetrics } = training;
  return {
    seed,
    metrics: {
      effectiveRank: m.effectiveRank ?? NaN,
      svDecayGamma: m.svDecayGamma ?? NaN,
      svDecayRSquared: m.svDecayRSquared ?? NaN,
      nuclearNorm: m.nuclearNorm ?? NaN,
      responseHeterogeneity: m.responseHeterogeneity ?? NaN,
      activityDimensionality: m.activityDimensionality,
      ...behaviour.metrics,
      ...trainingMetrics,
    },
    singularValues: Array.from(singularValues(model.recurrentWeights())),
    learningCurve,
    reversalCurve: behaviour.reversalCurve,
    ...(behaviour.stayTable ? { stayTable: behaviour.stayTable } : {}),
  };
}

function stageResults(config: DevelopmentalConfig, runs: SeedRun[]): StageResults {
  const values = Object.fromEntries(COMPARISON_METRICS.map((m) => [m, runs.map((r) => r.metrics[m])])) as StageResults['values'];
  const summary = Object.fromEntries(COMPARISON_METRICS.map((m) => [m, summarizeSample(values[m])])) as StageResults['summary'];
  return { config, runs, values, summary };
}

/** What every cell (one seed, one stage) of a comparison shares, checked once. */
export interface DevelopmentalComparisonPlan {
  dataset: TaskDataset;
  configs: Record<StageName, DevelopmentalConfig>;
  seeds: number[];
  played: DevelopmentalComparisonResults['evaluation'];
  options: Omit<DevelopmentalComparisonOptions, 'onProgress'>;
}

/**
 * Check the options and fix the seeds and the closed-loop play of a comparison.
 * @example
 * const plan = planDevelopmentalComparison(dataset, createPrematureConfig(), createMatureConfig(), { nEpochs: 30, seeds: 10 });
 */
export function planDevelopmentalComparison(
  dataset: TaskDataset,
  prematureCfg: DevelopmentalConfig,
  matureCfg: DevelopmentalConfig,
  options: DevelopmentalComparisonOptions,
): DevelopmentalComparisonPlan {
  const { nEpochs, seeds, evaluation = {}, trainer = 'supervised', online, onProgress: _onProgress, ...rest } = options;
  if (trainer !== 'supervised' && trainer !== 'online') throw new ConfigError([`trainer must be 'supervised' or 'online', got ${String(trainer)}`]);
  if (trainer === 'online' && online === undefined) throw new ConfigError(["trainer 'online' needs options.online (at least { episodes })"]);
  const { precision } = rest;
  if (precision !== undefined && precision !== 'float32' && precision !== 'float64') throw new ConfigError([`precision must be 'float32' or 'float64', got ${String(precision)}`]);
  if (trainer === 'online' && precision === 'float64') throw new ConfigError(["precision 'float64' applies to the supervised route only: the online route trains float32 networks on the SIMD kernel"]);
  checkInteger('nEpochs', nEpochs, 1);
  const configs = { premature: validateDevelopmentalConfig(prematureCfg, 'prematureCfg'), mature: validateDevelopmentalConfig(matureCfg, 'matureCfg') };
  const played = {
    nSessions: checkInteger('evaluation.nSessions', evaluation.nSessions ?? 64, 1),
    nTrials: checkInteger('evaluation.nTrials', evaluation.nTrials ?? dataset.nTrials, 2),
    ...(evaluation.taskOptions ?? online?.taskOptions ? { taskOptions: { ...(evaluation.taskOptions ?? online?.taskOptions) } } : {}),
  };
  return { dataset, configs, seeds: resolveSeeds(seeds), played, options: { nEpochs, seeds, evaluation, trainer, online, ...rest } };
}

/**
 * Train and measure the network of one seed and stage: one cell of a `run` sweep.
 * @example
 * const run = runDevelopmentalCell(plan, 0, 'mature');
 */
export function runDevelopmentalCell(
  plan: DevelopmentalComparisonPlan,
  seedIndex: number,
  stage: StageName,
  onProgress?: (progress: DevelopmentalComparisonProgress) => void,
): SeedRun {
  return trainDevelopmentalCell(plan, seedIndex, stage, onProgress).run;
}

/**
 * `runDevelopmentalCell` that also returns the trained network and how it was trained (what a
 * checkpoint of it needs).
 * @example
 * const { model, run, training } = trainDevelopmentalCell(plan, 0, 'mature');
 */
export function trainDevelopmentalCell(
  plan: DevelopmentalComparisonPlan,
  seedIndex: number,
  stage: StageName,
  onProgress?: (progress: DevelopmentalComparisonProgress) => void,
): TrainedNetwork {
  const { dataset, configs, seeds: seedList, played } = plan;
  const { nEpochs, trainingConfig = {}, trainer = 'supervised', online, precision = routePrecision(trainer) } = plan.options;
  checkInteger('seedIndex', seedIndex, 0, seedList.length - 1);
  const seed = seedList[seedIndex];
  if (trainer === 'online') {
    const onBlock = (block: number, meanReward: number) =>
      onProgress?.({ seedIndex, nSeeds: seedList.length, stage, epoch: block + 1, nEpochs: Math.ceil(online!.episodes / (online!.blockEpisodes ?? 50)), validationNll: -meanReward });
    return { ...onlineSeedRun(configs[stage], dataset.type, seed, { ...online!, onBlock }, played), stage };
  }
  const model = new BrainInspiredRNN(configs[stage], { nInputs: dataset.nInputs, nOutputs: dataset.nActions, seed, dtype: precision });
  const report = trainOnDataset(model, dataset, { ...trainingConfig, nEpochs, seed }, {
    onEpoch: (record) => onProgress?.({ seedIndex, nSeeds: seedList.length, stage, epoch: record.epoch + 1, nEpochs, validationNll: record.validationNll }),
  });
  const dynamics = analyzeLearningDynamics(report.history);
  const behaviour = evaluateBehaviour(model, dataset.type, played, seed);
  const m = report.measures;
  const { history } = report;
  const training: NetworkTraining = {
    trainer: 'supervised', epochsRun: history.epochs.length, nEpochs, keptEpoch: history.bestEpoch, validationNll: history.bestValidationNll, stoppedEarly: history.stoppedEarly,
  };
  const run = assembleSeedRun(seed, model, m, behaviour, {
    testNll: m.testNll,
    testAccuracy: m.testAccuracy,
    convergenceEpoch: dynamics.convergenceEpoch,
    validationLossStability: dynamics.validationLossStability,
    learningCurve: {
      trainLoss: Array.from(dynamics.trainLoss),
      trainNll: report.history.epochs.map((e) => e.trainNll),
      validationNll: Array.from(dynamics.validationNll),
    },
  });
  return { seed, stage, model, run, training };
}

/**
 * The comparison from every cell's run, each stage's runs in seed order: summaries over seeds and
 * a Welch test per metric.
 */
export function reduceDevelopmentalComparison(plan: DevelopmentalComparisonPlan, runs: Record<StageName, SeedRun[]>): DevelopmentalComparisonResults {
  const { dataset, configs, seeds: seedList, played } = plan;
  const { nEpochs, trainingConfig = {}, trainer = 'supervised', online, precision = routePrecision(trainer) } = plan.options;
  const premature = stageResults(configs.premature, runs.premature);
  const mature = stageResults(configs.mature, runs.mature);
  const tests = Object.fromEntries(COMPARISON_METRICS.map((m) => [m, welchTest(premature.values[m], mature.values[m])])) as Record<ComparisonMetric, TwoSampleTest>;
  return {
    task: dataset.type,
    trainer,
    ...(trainer === 'online' ? { online: { ...online! } } : {}),
    precision,
    seeds: seedList,
    nEpochs,
    trainingConfig: { ...trainingConfig },
    evaluation: played,
    dataset: { nSessions: dataset.nSessions, trialsPerSession: dataset.nTrials, seed: dataset.seed },
    premature,
    mature,
    tests,
  };
}

/**
 * Train both developmental configurations over several seeds on one data set and compare them:
 * the cells (seed × stage) run in order, then the reduce, so a `run` sweep that runs the same cells
 * elsewhere gives the same results.
 * @example
 * const dataset = new TaskDataset('reversal', { nSessions: 80, trialsPerSession: 150, seed: 42 });
 * const results = runDevelopmentalComparison(dataset, createPrematureConfig(), createMatureConfig(), { nEpochs: 30, seeds: 10 });
 * results.mature.summary.effectiveRank.mean; results.tests.pBetterAfterReversal.pValue;
 */
export function runDevelopmentalComparison(
  dataset: TaskDataset,
  prematureCfg: DevelopmentalConfig,
  matureCfg: DevelopmentalConfig,
  options: DevelopmentalComparisonOptions,
): DevelopmentalComparisonResults {
  return runDevelopmentalComparisonWithNetworks(dataset, prematureCfg, matureCfg, options).results;
}

/**
 * `runDevelopmentalComparison` that also returns every trained network (seed order, premature
 * before mature within a seed), e.g. for `brain-rnn run --save-models` to keep as checkpoints.
 * @example
 * const { results, networks } = runDevelopmentalComparisonWithNetworks(dataset, createPrematureConfig(), createMatureConfig(), { nEpochs: 30, seeds: 10 });
 * networks[1].stage; // 'mature'
 * networks[1].model.toJSON();
 */
export function runDevelopmentalComparisonWithNetworks(
  dataset: TaskDataset,
  prematureCfg: DevelopmentalConfig,
  matureCfg: DevelopmentalConfig,
  options: DevelopmentalComparisonOptions,
): { results: DevelopmentalComparisonResults; networks: TrainedNetwork[] } {
  const plan = planDevelopmentalComparison(dataset, prematureCfg, matureCfg, options);
  const runs: Record<StageName, SeedRun[]> = { premature: [], mature: [] };
  const networks: TrainedNetwork[] = [];
  plan.seeds.forEach((_, seedIndex) => {
    for (const stage of STAGES) {
      const network = trainDevelopmentalCell(plan, seedIndex, stage, options.onProgress);
      runs[stage].push(network.run);
      networks.push(network);
    }
  });
  return { results: reduceDevelopmentalComparison(plan, runs), networks };
}

const maybe = (values: readonly number[]): MaybeNumber[] => values.map((v) => (Number.isFinite(v) ? v : null));

/**
 * The figures' input (src/figures/comparisonResults.ts) from a comparison: one config per stage,
 * one entry per seed, NaN turned into null.
 * @example
 * await createComprehensiveFigure(toComparisonResults(results), 'results/figure.svg');
 */
export function toComparisonResults(results: DevelopmentalComparisonResults): ComparisonResults {
  const seedResults = (run: SeedRun): SeedResults => ({
    seed: run.seed,
    singularValues: run.singularValues,
    effectiveRank: run.metrics.effectiveRank,
    responseHeterogeneity: run.metrics.responseHeterogeneity,
    learningCurve: {
      trainLoss: maybe(run.learningCurve.trainNll.length > 0 ? run.learningCurve.trainNll : run.learningCurve.trainLoss),
      validationLoss: maybe(run.learningCurve.validationNll),
    },
    ...(run.reversalCurve.offsets.length > 0 ? { reversalCurve: { offsets: run.reversalCurve.offsets, pBetter: maybe(run.reversalCurve.pBetter) } } : {}),
    ...(run.stayTable
      ? {
          stayProbabilities: {
            commonRewarded: maybe([run.stayTable.commonRewarded])[0],
            commonUnrewarded: maybe([run.stayTable.commonUnrewarded])[0],
            rareRewarded: maybe([run.stayTable.rareRewarded])[0],
            rareUnrewarded: maybe([run.stayTable.rareUnrewarded])[0],
          },
        }
      : {}),
  });
  return {
    task: results.task,
    ...(results.trainer === 'online'
      ? { learningCurveAxes: { x: `block of ${results.online?.blockEpisodes ?? 50} episodes`, y: 'A2C loss (with regularisers)' } }
      : {}),
    configs: STAGES.map((stage) => ({ name: stage, seeds: results[stage].runs.map(seedResults) })),
  };
}
