/**
 * Train one model on a TaskDataset's training sessions (early stopping on its validation
 * sessions) and measure it on the held-out test sessions: the unit of every comparison.
 */
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import type { RecurrentModel, SequenceBatch } from '../model/recurrentModel.js';
import { computeEffectiveRank } from '../metrics/effectiveRank.js';
import { nuclearNorm } from '../metrics/nuclearNorm.js';
import { svDecayGamma } from '../metrics/svDecayGamma.js';
import { activityDimensionality } from '../metrics/activityDimensionality.js';
import { computeResponseHeterogeneity } from '../metrics/responseHeterogeneity.js';
import type { TaskDataset } from '../tasks/dataset.js';
import { Trainer, type FitOptions, type TrainerOptions, type TrainingHistory } from '../training/trainer.js';
import type { TrainingConfig } from '../training/trainingConfig.js';
import { maskedCrossEntropy } from '../training/crossEntropy.js';
import { MIN_SPLIT_SESSIONS } from '../tasks/datasetSplit.js';
import { ConfigError } from '../validation.js';

export interface ModelMeasures {
  /** Held-out NLL per choice on the test sessions. */
  testNll: number;
  /** Held-out accuracy of the most likely action. */
  testAccuracy: number;
  /** Participation ratio of the hidden-state covariance on the test sessions. */
  activityDimensionality: number;
  /** Low-rank models only: the developmental metrics of W_rec. */
  effectiveRank?: number;
  nuclearNorm?: number;
  svDecayGamma?: number;
  svDecayRSquared?: number;
  responseHeterogeneity?: number;
}

export interface TrainedModelReport {
  history: TrainingHistory;
  measures: ModelMeasures;
}

/** Metrics of a model on a data set's test sessions (no training). */
export function measureModel(model: RecurrentModel, dataset: TaskDataset, testSessions: readonly number[]): ModelMeasures {
  return measureModelOnBatch(model, dataset.toBatch([...testSessions]));
}

/**
 * Metrics of a model on any batch of input sequences, e.g. the inputs of episodes it played itself
 * (then there are no target choices, and testNll / testAccuracy are NaN).
 * @example
 * const measures = measureModelOnBatch(model, { nSessions: 64, nTrials: 100, nInputs: 4, inputs: episode.inputs });
 */
export function measureModelOnBatch(model: RecurrentModel, batch: SequenceBatch): ModelMeasures {
  const forward = model.forward(batch);
  const ce = batch.targets ? maskedCrossEntropy(batch, forward.logits, model.nOutputs) : { meanNll: NaN, accuracy: NaN };
  const rows = batch.nSessions * batch.nTrials;
  const measures: ModelMeasures = {
    testNll: ce.meanNll,
    testAccuracy: ce.accuracy,
    activityDimensionality: activityDimensionality({ data: forward.hidden, rows, cols: model.nHidden }),
  };
  if (model instanceof BrainInspiredRNN) {
    const W = model.recurrentWeights();
    const decay = svDecayGamma(W);
    // The state *before* each trial's update is h_t: h_0 = 0, then the stored h_{t+1} shifted by one.
    const before = new Float64Array(rows * model.nHidden);
    for (let b = 0; b < batch.nSessions; b++) {
      const start = b * batch.nTrials * model.nHidden;
      before.set(forward.hidden.subarray(start, start + (batch.nTrials - 1) * model.nHidden), start + model.nHidden);
    }
    const hetero = computeResponseHeterogeneity(
      model,
      { data: before, rows, cols: model.nHidden },
      { data: Float64Array.from(batch.inputs), rows, cols: batch.nInputs },
    );
    Object.assign(measures, {
      effectiveRank: computeEffectiveRank(W),
      nuclearNorm: nuclearNorm(W),
      svDecayGamma: decay.gamma,
      svDecayRSquared: decay.rSquared,
      responseHeterogeneity: hetero.heterogeneity,
    });
  }
  return measures;
}

/**
 * @example
 * const report = trainOnDataset(new BrainInspiredRNN(createMatureConfig(), { nInputs: 4, seed: 1 }), dataset, { nEpochs: 20 });
 */
export function trainOnDataset(
  model: RecurrentModel,
  dataset: TaskDataset,
  config: Partial<TrainingConfig> = {},
  options: FitOptions = {},
  trainerOptions: TrainerOptions = {},
): TrainedModelReport {
  const split = dataset.split();
  // Without either held-out part there is nothing to stop early on or to measure the model with.
  if (split.validation.length === 0 && split.test.length === 0) {
    throw new ConfigError([`the data set's ${dataset.nSessions} sessions leave no validation or test session; use at least ${MIN_SPLIT_SESSIONS} sessions (10% of them rounds to 1)`]);
  }
  const trainer = new Trainer(model, config, trainerOptions);
  const history = trainer.fit(
    { train: dataset.toBatch(split.train), validation: split.validation.length > 0 ? dataset.toBatch(split.validation) : undefined },
    options,
  );
  return { history, measures: measureModel(model, dataset, split.test.length > 0 ? split.test : split.validation) };
}
