/**
 * brain-inspired-rnn: the public API. Explicit named exports only.
 */

// Randomness and validation
export { createRandom, randomFromState } from './random.js';
export type { Random } from './random.js';
export { SEED_STREAMS, allocateStreams, pickStreams, allocateRepeatedStreams } from './randomStreams.js';
export type { SeedStream, RepeatedStreamsLayout } from './randomStreams.js';
export { ConfigError } from './validation.js';
export { initBackend, chooseBackend } from './backend.js';
export type { BackendName, BackendOptions } from './backend.js';

// Tasks
export { TaskType } from './tasks/cohortTask.js';
export type { CohortTask, TrialOutcome, TrialLatent, Stage2Chooser } from './tasks/cohortTask.js';
export { ReversalLearningTask } from './tasks/reversal.js';
export { TwoArmedBanditTask } from './tasks/twoArmedBanditTask.js';
export type { TwoArmedBanditOptions } from './tasks/twoArmedBanditTask.js';
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
export type { BrainInspiredRNNOptions, LowRankKernelName } from './model/brainInspiredRnn.js';
export { wasmSimdAvailable } from './model/kernels/lowRankSimdModule.js';
export { LowRankWasmKernel, LowRankWasmForward } from './model/kernels/lowRankWasmKernel.js';
export type { LowRankOutputGradients } from './model/kernels/lowRankWasmKernel.js';
export { TinyGRU, MAX_TINY_GRU_HIDDEN } from './model/tinyGru.js';
export type { TinyGRUOptions, TinyGRUKernelName } from './model/tinyGru.js';
export type { RecurrentModelOptions } from './model/modelOptions.js';
export { serializeCheckpoint, parseCheckpoint, modelFromJSON } from './model/checkpoint.js';
export type { Checkpoint } from './model/checkpoint.js';

// Metrics
export { computeEffectiveRank, effectiveRankFromSingularValues } from './metrics/effectiveRank.js';
export { nuclearNorm, nuclearNormFromSingularValues } from './metrics/nuclearNorm.js';
export { svDecayGamma, svDecayGammaFromSingularValues } from './metrics/svDecayGamma.js';
export type { SvDecayFit, SvDecayGammaOptions } from './metrics/svDecayGamma.js';
export { activityDimensionality } from './metrics/activityDimensionality.js';
export { computeResponseHeterogeneity } from './metrics/responseHeterogeneity.js';
export { activationHeterogeneity, inputRowNorms, inputNormGradient } from './metrics/activationHeterogeneity.js';
export type { ActivationHeterogeneity, ActivationHeterogeneityOptions, HeterogeneityPenaltyResult } from './metrics/activationHeterogeneity.js';
export type { LeakyTanhModel, ResponseHeterogeneity } from './metrics/responseHeterogeneity.js';
export { singularValues, lowRankSpectrum } from './metrics/spectrum.js';
export type { LowRankSpectrum } from './metrics/spectrum.js';
export type { MatrixInput, RowMajorMatrix } from './metrics/matrixInput.js';

// Training
export { createTrainingConfig, defaultTrainingConfig } from './training/trainingConfig.js';
export type { TrainingConfig } from './training/trainingConfig.js';
export { Trainer } from './training/trainer.js';
export type { StepResult, EpochRecord, TrainingHistory, FitData, FitOptions, GradientEngine, StepGradients, TrainerOptions } from './training/trainer.js';
export { Adam, clipGradientNorm } from './training/adam.js';
export type { AdamOptions } from './training/adam.js';
export { maskedCrossEntropy } from './training/crossEntropy.js';
export { developmentalRegularizers, heterogeneityPenalty } from './training/regularizers.js';
export { developmentalLoss } from './training/developmentalLoss.js';
export type { DevelopmentalLossTerms, DevelopmentalLossOptions } from './training/developmentalLoss.js';
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

// Analysis
export { columnsFromTrialsSessions, columnsFromOutcomes } from './analysis/behaviourColumns.js';
export type { BehaviourColumns } from './analysis/behaviourColumns.js';
export { trialTypeConditions, DynamicsAnalyzer } from './analysis/dynamicsAnalyzer.js';
export type { InputCondition, DynamicsAnalyzerOptions, ConditionFixedPoints, CheckpointEigenvalues, TrackEigenvaluesOptions } from './analysis/dynamicsAnalyzer.js';
export { sortSpectrum, matrixEigenvalues, eigenModes } from './analysis/eigenSpectrum.js';
export type { ComplexSpectrum, EigenMode } from './analysis/eigenSpectrum.js';
export { FixedPointFinder, sampleInitialStates } from './analysis/fixedPointFinder.js';
export type { FixedPointFinderOptions, FixedPoint, FixedPointSearch } from './analysis/fixedPointFinder.js';
export { computeJacobian, jacobianEigenvalues, recurrentEigenvalues } from './analysis/jacobian.js';
export { fitLogisticRegression } from './analysis/logisticRegression.js';
export type { LogisticRegressionOptions, LogisticFit } from './analysis/logisticRegression.js';
export { fitLine, logitDifferences, analyzeLogitDynamics } from './analysis/logitDynamics.js';
export type { LineFit, TrialTypeDynamics, LogitDynamicsOptions } from './analysis/logitDynamics.js';
export { createLowRankSystem, toLowRankSystem, stepDynamics, recurrentMatrix } from './analysis/lowRankSystem.js';
export type { LowRankSystem, LowRankSystemSpec, LowRankModelLike } from './analysis/lowRankSystem.js';
export { fitExponentialRecovery, analyzeReversalAdaptation, winStayLoseShift } from './analysis/reversalAdaptation.js';
export type { ReversalAdaptationOptions, ReversalCurve, RecoveryFit, ReversalAdaptation } from './analysis/reversalAdaptation.js';
export { TWO_STAGE_TRIAL_TYPES, twoStageStayTable, twoStageLagRegression, analyzeTwoStageSignatures } from './analysis/twoStageSignatures.js';
export type { StayCell, TwoStageStayTable, TwoStageStayTable as StayTable, TwoStageTrialType, TwoStageRegression, TwoStageSignatures, TwoStageSignatureOptions } from './analysis/twoStageSignatures.js';
export { estimateVolatileLearningRates, fitGeometricDecay } from './analysis/volatileLearningRate.js';
export type { PolicyLearningRate, BehaviourLearningRate, VolatileLearningRates, VolatileLearningRateOptions } from './analysis/volatileLearningRate.js';

// Cognitive models and fitting
export { CognitiveAgent } from './cognitive/cognitiveAgent.js';
export { parameterVector, parameterValues } from './cognitive/cognitiveModel.js';
export type { ParameterSpec, ModelKernel, LikelihoodResult, ParameterValues, CognitiveModel } from './cognitive/cognitiveModel.js';
export { crossValidate } from './cognitive/crossValidate.js';
export type { CrossValidationOptions, CrossValidationFold, CrossValidationResult } from './cognitive/crossValidate.js';
export { defineCognitiveModel } from './cognitive/defineCognitiveModel.js';
export type { CognitiveModelDefinition } from './cognitive/defineCognitiveModel.js';
export { fitMaximumLikelihood, groupBySubject, fitSubjects } from './cognitive/fit.js';
export type { FitObjective, CognitiveFitOptions, FitResult } from './cognitive/fit.js';
export { createBayesianReversalModel } from './cognitive/models/bayesianReversal.js';
export { TWO_STEP_PARAMETERS, createDawHybridModel } from './cognitive/models/dawHybrid.js';
export type { TwoStepModelOptions } from './cognitive/models/dawHybrid.js';
export { createModelBasedTwoStepModel } from './cognitive/models/modelBasedTwoStep.js';
export { createModelFreeTwoStepModel } from './cognitive/models/modelFreeTwoStep.js';
export { createPearceHallModel } from './cognitive/models/pearceHall.js';
export type { PearceHallOptions } from './cognitive/models/pearceHall.js';
export { createQLearningModel } from './cognitive/models/qLearning.js';
export type { QLearningOptions } from './cognitive/models/qLearning.js';
export { TwoStepKernel } from './cognitive/models/twoStepKernel.js';
export type { TwoStepParameters } from './cognitive/models/twoStepKernel.js';
export { createWinStayLoseShiftModel } from './cognitive/models/winStayLoseShift.js';
export type { WinStayLoseShiftOptions } from './cognitive/models/winStayLoseShift.js';
export { sessionNegLogLikelihood, sessionsNegLogLikelihood } from './cognitive/negLogLikelihood.js';
export { nelderMead } from './cognitive/nelderMead.js';
export type { NelderMeadOptions, NelderMeadResult } from './cognitive/nelderMead.js';
export { toUnbounded, fromUnbounded } from './cognitive/parameterTransform.js';
export { simulateSessions } from './cognitive/simulateSessions.js';
export type { SimulateSessionsOptions } from './cognitive/simulateSessions.js';

// Real choice data
export { sessionsToSequenceBatch } from './data/sessionsToSequenceBatch.js';
export { emptyTrialsSession, parseTrialsCsv, formatTrialsCsv } from './data/trialsCsv.js';
export type { TrialsTask, TrialsSession, TrialsTable, FormatTrialsCsvOptions } from './data/trialsCsv.js';

// Figures (pure: the DOM document is a parameter; files and PNGs are written in actors/figures/)
export { parseComparisonResults } from './figures/comparisonResults.js';
export type { ComparisonResults, ConfigResults, SeedResults, LearningCurve, ReversalCurveData, StayProbabilities, MaybeNumber } from './figures/comparisonResults.js';
export { DEFAULT_FIGURE_COLORS } from './figures/figureOptions.js';
export type { FigureOptions } from './figures/figureOptions.js';
export { meanConfidenceInterval, meanCurve, tQuantile975 } from './figures/meanConfidenceInterval.js';
export type { MeanInterval } from './figures/meanConfidenceInterval.js';
export { plotSingularValueSpectra } from './figures/plotSingularValueSpectra.js';
export type { SingularValueSpectraOptions } from './figures/plotSingularValueSpectra.js';
export { plotEffectiveRankComparison } from './figures/plotEffectiveRankComparison.js';
export { plotResponseHeterogeneity } from './figures/plotResponseHeterogeneity.js';
export { plotLearningCurves } from './figures/plotLearningCurves.js';
export { plotReversalAdaptation } from './figures/plotReversalAdaptation.js';
export { plotStayProbabilities } from './figures/plotStayProbabilities.js';
export { renderComprehensiveFigure, serializeSvg, COMPREHENSIVE_FIGURE_PANELS } from './figures/renderComprehensiveFigure.js';
export type { ComprehensiveFigureOptions } from './figures/renderComprehensiveFigure.js';

// One vocabulary of model kinds and cognitive models (scenarios, fit, sweeps)
export { MODEL_KINDS, MODEL_KIND_ENTRIES, MODEL_KIND_ALIASES, findModelKind, resolveModelKind, serializedModelKind } from './registry/modelKinds.js';
export type { ModelKind, RecurrentModelKind, ModelKindEntry } from './registry/modelKinds.js';
export {
  COGNITIVE_MODEL_ENTRIES,
  COGNITIVE_MODEL_NAMES,
  COGNITIVE_MODEL_ALIASES,
  LIVE_COMMON_TRANSITION_PROB,
  findCognitiveModel,
  resolveCognitiveModel,
  createLiveCognitiveModel,
  cognitiveModelsFitting,
  cognitiveModelsPlaying,
} from './registry/cognitiveModels.js';
export type { CognitiveModelEntry, CreateCognitiveModelOptions } from './registry/cognitiveModels.js';

// Fitting recurrent and cognitive models to choices (Ji-An et al. 2025 protocol)
export { splitSubjectsIntoFolds, sessionsOfSubjects, trainingSubjects } from './experiments/subjectFolds.js';
export type { SubjectFoldsOptions, SubjectFolds } from './experiments/subjectFolds.js';
export { DEFAULT_LOW_RANK_HIDDEN, COGNITIVE_MODELS, parseModelSpecs, defaultModelSpecs, createRecurrentModel } from './experiments/modelSpec.js';
export type { RecurrentModelSpec, CognitiveModelSpec, FitModelSpec, FitModelSpec as ModelSpec, CreateRecurrentModelOptions } from './experiments/modelSpec.js';
export { RECURRENT_FIT_TRAINING, crossValidateRecurrent } from './experiments/crossValidateRecurrent.js';
export type { CrossValidateRecurrentOptions, RecurrentFitProgress, RecurrentRun, RecurrentFold, RecurrentCrossValidationResult } from './experiments/crossValidateRecurrent.js';
export { crossValidateCognitiveSubjects } from './experiments/crossValidateCognitiveSubjects.js';
export type { CognitiveSubjectsOptions, CognitiveFoldFit, CognitiveSubjectsResult } from './experiments/crossValidateCognitiveSubjects.js';
export { compareModels } from './experiments/compareModels.js';
export type { CompareModelsOptions, ModelComparisonProgress, ModelComparisonProgress as ComparisonProgress, ModelComparisonEntry, ModelComparison } from './experiments/compareModels.js';
export { pairedDifference } from './experiments/pairedDifference.js';
export type { PairedDifference } from './experiments/pairedDifference.js';
export { sessionNllSums } from './experiments/sessionNll.js';
export type { SubjectScore } from './experiments/sessionNll.js';
export { conjunctiveInputSize, toConjunctiveInputs } from './experiments/conjunctiveInputs.js';
export type { FitInputEncoding } from './experiments/conjunctiveInputs.js';

// Data as labs have it (issue 15): episodes and CV units, per-subject and hierarchical fits,
// hBayesDM input, PyTorch interop
export { CV_UNITS, RESET_ON_VALUES, countUnits, cvUnitOf, defaultCvUnit, defaultResetOn, hasBlocks, splitIntoEpisodes } from './data/episodes.js';
export type { CvUnit, ResetOn } from './data/episodes.js';
export { checkInnerValidation } from './experiments/subjectFolds.js';
export { isHbayesdmText, parseHbayesdmTable } from './data/hbayesdmTable.js';
export type { HbayesdmTable } from './data/hbayesdmTable.js';
export { parseChoiceData } from './data/parseChoiceData.js';
export type { ChoiceData } from './data/parseChoiceData.js';
export { inferBetterAction } from './analysis/inferBetterAction.js';
export { simulateBlockedReversal } from './cognitive/simulateBlockedReversal.js';
export type { BlockedReversalOptions, BlockedReversalData } from './cognitive/simulateBlockedReversal.js';
export { fitHierarchical, priorPredictiveLogLikelihood } from './cognitive/fitHierarchical.js';
export type { HierarchicalFitOptions, HierarchicalFitResult, SubjectPosterior } from './cognitive/fitHierarchical.js';
export { hessianByFiniteDifferences, invertSpd } from './cognitive/laplace.js';
export { FIT_LEVELS, fitAtLevel } from './experiments/cognitiveLevel.js';
export type { FitLevel, LevelSummary, SubjectLevelOptions } from './experiments/cognitiveLevel.js';
export { encodeSafetensors, decodeSafetensors } from './model/safetensors.js';
export type { NamedTensor, SafetensorsFile } from './model/safetensors.js';
export { toTorchTensors, fromTorchTensors } from './model/torchTensors.js';

// The developmental comparison (premature vs mature), supervised and online routes
export { COMPARISON_METRICS, STAGES, runDevelopmentalComparison, toComparisonResults } from './experiments/developmentalComparison.js';
// Sweeps (issue 11): the fit and the developmental comparison as cells and a reduce.
export { planFit, listFitCells, runFitCell, reduceFitCells } from './experiments/fitCells.js';
export type { FitPlan, FitCell, FitCellResult } from './experiments/fitCells.js';
export { planRecurrentFold, trainRecurrentRun, reduceRecurrentFold, reduceRecurrentFolds } from './experiments/crossValidateRecurrent.js';
export type { RecurrentFoldPlan, RecurrentRunResult } from './experiments/crossValidateRecurrent.js';
export { fitCognitiveFold, reduceCognitiveFolds } from './experiments/crossValidateCognitiveSubjects.js';
export { planDevelopmentalComparison, runDevelopmentalCell, reduceDevelopmentalComparison } from './experiments/developmentalComparison.js';
export { runDevelopmentalComparisonWithNetworks, trainDevelopmentalCell } from './experiments/developmentalComparison.js';
export type { NetworkTraining, TrainedNetwork } from './experiments/developmentalComparison.js';
export type { DevelopmentalComparisonPlan } from './experiments/developmentalComparison.js';
export type { ComparisonMetric, StageName, EvaluationOptions, DevelopmentalComparisonProgress, DevelopmentalComparisonOptions, SeedRun, StageResults, DevelopmentalComparisonResults } from './experiments/developmentalComparison.js';
export { analyzeLearningDynamics } from './experiments/learningDynamics.js';
export type { LearningDynamicsOptions, LearningDynamics } from './experiments/learningDynamics.js';
export { summarizeSample, welchTest } from './experiments/statistics.js';
export type { SampleSummary, TwoSampleTest, SummaryOptions } from './experiments/statistics.js';
export { EXPECTED_RESULTS, judgeDirection, meanInRange, evaluateExpectedResults } from './experiments/expectedResults.js';
export type { Verdict, ExpectedResultRow, RowEvaluation } from './experiments/expectedResults.js';
export { EARLY_REVERSAL_TRIALS, columnsFromEpisode, evaluateBehaviour } from './experiments/closedLoopBehaviour.js';
export type { PlayedEvaluation, PlayedStayProbabilities, PlayedStayProbabilities as StayTableCells } from './experiments/closedLoopBehaviour.js';
export { trainOnline } from './experiments/trainOnline.js';
export type { OnlineTrainingOptions, OnlineTrainingHistory } from './experiments/trainOnline.js';

// People and simulated participants playing the agents' tasks (brain-rnn play, the jsPsych plugins)
export { ParticipantTask } from './tasks/participantTask.js';
export type { ParticipantTaskOptions, ParticipantTrial, ChoiceResult } from './tasks/participantTask.js';
export type { PendingTwoStageTrial } from './tasks/twoStage.js';
export { SimulatedParticipant } from './agents/simulatedParticipant.js';
export type { SimulatedParticipantSpec, SimulatedParticipantOptions } from './agents/simulatedParticipant.js';
export { participantTrialsSession, trialsTaskOf } from './data/participantTrials.js';
export type { TrialFields, ParticipantSessionOptions } from './data/participantTrials.js';
export { convertJsPsychData } from './data/jsPsychTrials.js';
export type { JsPsychConversion } from './data/jsPsychTrials.js';
export type { ReactionTimeColumn } from './data/trialsCsv.js';

// The viewer's analyses: live logit dynamics, the latent phase portrait, fold snapshots (issue 13)
export { fitLineFromSums } from './analysis/logitDynamics.js';
export type { LineSums } from './analysis/logitDynamics.js';
export { LogitDynamicsAccumulator, logOdds } from './analysis/online/logitDynamicsAccumulator.js';
export type { LogitDynamicsAccumulatorOptions, TrialTypeLogitDynamics } from './analysis/online/logitDynamicsAccumulator.js';
export { latentPhasePortrait, latentPlane } from './analysis/latentPhasePortrait.js';
export type { LatentPhasePortrait, LatentPhasePortraitOptions, StateTrajectory } from './analysis/latentPhasePortrait.js';
export { LatentDynamicsTracker } from './analysis/online/latentDynamicsTracker.js';
export type { LatentDynamicsTrackerOptions } from './analysis/online/latentDynamicsTracker.js';
export { cloneState } from './cloneState.js';

// Recorded fold-state snapshots: the fold state's JSON form and the recording's snapshot line (issue 13c)
export { decodeFoldState, encodeFoldState } from './foldStateCodec.js';
export type { FoldStateClass, FoldStateRegistry } from './foldStateCodec.js';
export { FOLD_STATE_CLASSES } from './foldStateClasses.js';
export { decodeSnapshotState, formatSnapshotLine, isSnapshotLine, parseSnapshotLine, RECORDING_SNAPSHOT_FORMAT, SNAPSHOT_LINE_PREFIX } from './protocol/recordingSnapshot.js';
export type { RecordedFoldState, RecordingSnapshot, RecordingSnapshotInfo } from './protocol/recordingSnapshot.js';
