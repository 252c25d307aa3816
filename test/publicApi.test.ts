import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('src/index.ts', () => {
  it('exports every name the core, analysis, fitting and comparison issues promise', () => {
    const promised = [
      // core engine
      'createPrematureConfig', 'createMatureConfig', 'LowRankRecurrentLayer', 'BrainInspiredRNN', 'TinyGRU', 'TaskType',
      'TaskDataset', 'ReversalLearningTask', 'TwoStageTask', 'ProbabilisticRewardTask', 'Trainer', 'computeEffectiveRank',
      'activityDimensionality', 'nuclearNorm', 'svDecayGamma', 'computeResponseHeterogeneity', 'createTrainingConfig',
      // analysis and the developmental comparison
      'runDevelopmentalComparison', 'analyzeLearningDynamics', 'FixedPointFinder', 'DynamicsAnalyzer', 'computeJacobian',
      'analyzeTwoStageSignatures',
      // figures (pure renderers; the file writer is actors/figures/writeFigure.ts)
      'plotSingularValueSpectra', 'plotEffectiveRankComparison', 'plotResponseHeterogeneity', 'renderComprehensiveFigure',
      // fitting
      'parseTrialsCsv', 'fitMaximumLikelihood', 'crossValidateRecurrent', 'compareModels',
      // one vocabulary of models, and named random streams
      'resolveCognitiveModel', 'findCognitiveModel', 'createLiveCognitiveModel', 'resolveModelKind', 'COGNITIVE_MODELS', 'allocateStreams', 'pickStreams', 'SEED_STREAMS',
    ];
    const missing = promised.filter((name) => !(name in api));
    expect(missing).toEqual([]);
  });

  it('has no export that is undefined (a re-export of a name that does not exist)', () => {
    const undefinedExports = Object.entries(api).filter(([, value]) => value === undefined).map(([name]) => name);
    expect(undefinedExports).toEqual([]);
  });
});
