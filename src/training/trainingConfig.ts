/**
 * Hyper-parameters of offline (supervised) training. Defaults follow the benchmark workload
 * (Adam 1e-2, clip 1) and Ji-An et al. (2025) (early stopping on held-out NLL, best weights kept).
 */
import { z } from 'zod';
import { parseWith, zInteger, zNumber } from '../schemaValidation.js';

export interface TrainingConfig {
  /** Adam step size. */
  learningRate: number;
  /** Passes over the training sessions. */
  nEpochs: number;
  /** Sessions per optimisation step. */
  batchSize: number;
  /** Global gradient-norm clip (Infinity disables). */
  clipNorm: number;
  /** Epochs without a new best validation NLL before stopping (0 disables early stopping). */
  earlyStoppingPatience: number;
  /** Minimum improvement of validation NLL that counts as new best. */
  earlyStoppingMinDelta: number;
  /** Apply the developmental regularisers of the model's config (low-rank models only). */
  regularize: boolean;
  /** Seed of the batch order. */
  seed: number;
}

const schema = z
  .object({
    learningRate: zNumber({ min: 0, minExclusive: true, max: 10 }),
    nEpochs: zInteger(1, 1_000_000),
    batchSize: zInteger(1, 1_000_000),
    clipNorm: z.custom<number>((v) => typeof v === 'number' && v > 0 && !Number.isNaN(v), {
      error: (issue) => `must be a number > 0 (Infinity disables clipping), got ${String(issue.input)}`,
    }),
    earlyStoppingPatience: zInteger(0),
    earlyStoppingMinDelta: zNumber({ min: 0 }),
    regularize: z.boolean(),
    seed: zInteger(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  })
  .strict();

export const defaultTrainingConfig: Readonly<TrainingConfig> = Object.freeze({
  learningRate: 1e-2,
  nEpochs: 100,
  batchSize: 16,
  clipNorm: 1,
  earlyStoppingPatience: 10,
  earlyStoppingMinDelta: 1e-4,
  regularize: true,
  seed: 0,
});

/**
 * Defaults merged with `overrides`, validated; a fresh object.
 * @example
 * const config = createTrainingConfig({ nEpochs: 20, batchSize: 8 });
 */
export function createTrainingConfig(overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return { ...parseWith(schema, { ...defaultTrainingConfig, ...overrides }, 'trainingConfig') };
}
