/**
 * brain-inspired-rnn: the public API. Explicit named exports only.
 */

// Randomness and validation
export { createRandom, randomFromState } from './random.js';
export type { Random } from './random.js';
export { ConfigError } from './validation.js';
export { initBackend } from './backend.js';
export type { BackendName, BackendOptions } from './backend.js';

// Tasks
export { TaskType } from './tasks/cohortTask.js';
export type { CohortTask, TrialOutcome, TrialLatent, Stage2Chooser } from './tasks/cohortTask.js';
export { ReversalLearningTask } from './tasks/reversal.js';
export type { ReversalOptions } from './tasks/reversal.js';
export { TwoStageTask } from './tasks/twoStage.js';
export type { TwoStageOptions, TwoStageRewardMode } from './tasks/twoStage.js';
export { ProbabilisticRewardTask } from './tasks/probabilisticReward.js';
export type { ProbabilisticRewardOptions } from './tasks/probabilisticReward.js';
export { createTask } from './tasks/createTask.js';
export type { TaskOptions, TaskOptionsByType, CreateTaskArgs } from './tasks/createTask.js';
export { TASK_TYPES, parseTaskType, taskInputSize, encodeTrialRow, encodeCohortInputs, initialTaskInputs } from './tasks/encoding.js';
export type { TrialRow } from './tasks/encoding.js';
export { TaskDataset } from './tasks/dataset.js';
export type { TaskDatasetOptions, DatasetSplit, DatasetPolicy } from './tasks/dataset.js';
export { SoftmaxQLearner, RandomPolicy, sampleChoices } from './tasks/behaviourPolicy.js';
export type { SoftmaxQLearnerOptions } from './tasks/behaviourPolicy.js';
export type { CohortAgent } from './agents/cohortAgent.js';

// Models
export { createPrematureConfig, createMatureConfig, validateDevelopmentalConfig } from './model/config.js';
export type { DevelopmentalConfig, DevelopmentalStage, StageOptions } from './model/config.js';
export { ParameterSet } from './model/parameters.js';
export type { ParameterEntry, SerializedParameters, Dtype, Real } from './model/parameters.js';
export type { RecurrentModel, SequenceBatch, ForwardResult, OutputGradients, SerializedModel } from './model/recurrentModel.js';
export { LowRankRecurrentLayer } from './model/lowRankRecurrentLayer.js';
export { BrainInspiredRNN } from './model/brainInspiredRnn.js';
export { TinyGRU, MAX_TINY_GRU_HIDDEN } from './model/tinyGru.js';
export type { TinyGRUOptions } from './model/tinyGru.js';
export { serializeCheckpoint, parseCheckpoint, modelFromJSON } from './model/checkpoint.js';
export type { Checkpoint } from './model/checkpoint.js';

// Metrics
export { computeEffectiveRank, effectiveRankFromSingularValues } from './metrics/effectiveRank.js';
export { nuclearNorm, nuclearNormFromSingularValues } from './metrics/nuclearNorm.js';
export { svDecayGamma, svDecayGammaFromSingularValues } from './metrics/svDecayGamma.js';
export type { SvDecayFit, SvDecayGammaOptions } from './metrics/svDecayGamma.js';
export { activityDimensionality } from './metrics/activityDimensionality.js';
export { computeResponseHeterogeneity } from './metrics/responseHeterogeneity.js';
export type { LeakyTanhModel, ResponseHeterogeneity } from './metrics/responseHeterogeneity.js';
export { singularValues, lowRankSpectrum } from './metrics/spectrum.js';
export type { LowRankSpectrum } from './metrics/spectrum.js';
export type { MatrixInput, RowMajorMatrix } from './metrics/matrixInput.js';

// Training
export { createTrainingConfig, defaultTrainingConfig } from './training/trainingConfig.js';
export type { TrainingConfig } from './training/trainingConfig.js';
export { Trainer } from './training/trainer.js';
export type { StepResult, EpochRecord, TrainingHistory, FitData, FitOptions } from './training/trainer.js';
export { Adam, clipGradientNorm } from './training/adam.js';
export type { AdamOptions } from './training/adam.js';
export { maskedCrossEntropy } from './training/crossEntropy.js';
export { developmentalRegularizers, heterogeneityPenalty } from './training/regularizers.js';
export { developmentalLoss } from './training/developmentalLoss.js';
export type { DevelopmentalLossTerms } from './training/developmentalLoss.js';
export { sliceBatch } from './training/sliceBatch.js';
export { policyGradientLoss } from './training/policyGradient.js';
export type { PolicyGradientOptions, PolicyGradientResult } from './training/policyGradient.js';
export { playEpisode } from './training/playEpisode.js';
export type { Episode, PlayOptions } from './training/playEpisode.js';
export { A2CTrainer } from './training/a2cTrainer.js';
export type { A2COptions, A2CUpdate } from './training/a2cTrainer.js';

// Experiments
export { trainOnDataset, measureModel } from './experiments/trainOnDataset.js';
export type { ModelMeasures, TrainedModelReport } from './experiments/trainOnDataset.js';
