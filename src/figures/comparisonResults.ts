/**
 * The input of the developmental-comparison figures: what one run of the comparison measured, per
 * configuration (premature, mature, ...) and per training seed. A plain JSON-able object, so the
 * experiment can write it to disk and `brain-rnn figure` can read it back: numbers and arrays of
 * numbers only, `null` where a value is missing (JSON turns NaN into null, so both mean "no data").
 */
import { z } from 'zod';
import { parseWith } from '../schemaValidation.js';

/** A number that may be missing: `null` (or NaN before a JSON round trip) means no data. */
export type MaybeNumber = number | null;

/** Training curve of one model, one entry per epoch (epoch 0 first). */
export interface LearningCurve {
  /**
   * Training loss per epoch. Use the per-choice NLL (`EpochRecord.trainNll`) rather than the
   * regularised `trainLoss`, so the curve is comparable with the validation curve.
   */
  trainLoss: readonly MaybeNumber[];
  /** Validation NLL per choice per epoch (`EpochRecord.validationNll`); may be empty. */
  validationLoss: readonly MaybeNumber[];
}

/** P(choose the better option) aligned to reversals (`analyzeReversalAdaptation(...).curve`). */
export interface ReversalCurveData {
  /** Trial offsets from the reversal, e.g. −5..20 (0 = first trial after the reversal). */
  offsets: readonly number[];
  /** P(better) at each offset (null where no trial was counted). */
  pBetter: readonly MaybeNumber[];
}

/**
 * First-stage stay probabilities of the two-stage task by the previous trial's transition and
 * reward (Daw et al. 2011): the `stayProbability` of each cell of `twoStageStayTable(...)`.
 */
export interface StayProbabilities {
  commonRewarded: MaybeNumber;
  commonUnrewarded: MaybeNumber;
  rareRewarded: MaybeNumber;
  rareUnrewarded: MaybeNumber;
}

/** Everything measured for one trained model (one configuration, one seed). */
export interface SeedResults {
  /** Seed the model was initialised and trained with. */
  seed: number;
  /** Singular values of W_rec in descending order (`singularValues(model.recurrentWeights())`). */
  singularValues: readonly number[];
  /** Effective rank of W_rec (`computeEffectiveRank`). */
  effectiveRank: number;
  /** Response heterogeneity (`computeResponseHeterogeneity(...).heterogeneity`). */
  responseHeterogeneity: number;
  /** Loss per epoch during training. */
  learningCurve?: LearningCurve;
  /** Reversal task only: P(better) aligned to reversals, from the model's own play or predictions. */
  reversalCurve?: ReversalCurveData;
  /** Two-stage task only: stay probabilities of the model's choices. */
  stayProbabilities?: StayProbabilities;
}

/** One developmental configuration and its models, one per seed. */
export interface ConfigResults {
  /** Label on the figure, e.g. 'premature' or 'mature'. Unique within the results. */
  name: string;
  /** One entry per training seed. */
  seeds: readonly SeedResults[];
}

/**
 * Results of a developmental comparison, in the order the configurations should be drawn
 * (colours follow this order).
 * @example
 * const results: ComparisonResults = {
 *   task: 'reversal',
 *   configs: [
 *     { name: 'premature', seeds: [{ seed: 1, singularValues: [3.1, 2.2, 1.4], effectiveRank: 7.6, responseHeterogeneity: 0.8 }] },
 *     { name: 'mature', seeds: [{ seed: 1, singularValues: [3.4, 1.5, 0.6], effectiveRank: 5.2, responseHeterogeneity: 1.1 }] },
 *   ],
 * };
 */
export interface ComparisonResults {
  /** Task the models were trained on ('reversal' | 'two_stage' | 'probabilistic_reward'), for titles. */
  task?: string;
  /**
   * Axis labels of the learning-curve panel, when the curves are not NLL per epoch (e.g. the A2C
   * loss per block of episodes of online training). Default: epoch / loss (NLL per choice).
   */
  learningCurveAxes?: { x: string; y: string };
  /** One entry per configuration. */
  configs: readonly ConfigResults[];
}

const maybeNumber = z.union([z.number(), z.null()]);
const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });

const seedSchema = z.object({
  seed: z.number(),
  singularValues: z.array(z.number().refine((v) => v >= 0, { error: 'must be >= 0' })),
  effectiveRank: finite,
  responseHeterogeneity: finite,
  learningCurve: z.object({ trainLoss: z.array(maybeNumber), validationLoss: z.array(maybeNumber) }).optional(),
  reversalCurve: z
    .object({ offsets: z.array(finite), pBetter: z.array(maybeNumber) })
    .refine((c) => c.offsets.length === c.pBetter.length, { error: 'offsets and pBetter must have equal lengths' })
    .optional(),
  stayProbabilities: z
    .object({ commonRewarded: maybeNumber, commonUnrewarded: maybeNumber, rareRewarded: maybeNumber, rareUnrewarded: maybeNumber })
    .optional(),
});

const resultsSchema = z.object({
  task: z.string().optional(),
  learningCurveAxes: z.object({ x: z.string(), y: z.string() }).strict().optional(),
  configs: z
    .array(z.object({ name: z.string().min(1), seeds: z.array(seedSchema) }))
    .min(1)
    .refine((configs) => new Set(configs.map((c) => c.name)).size === configs.length, { error: 'config names must be unique' }),
});

/**
 * Check a parsed JSON value (e.g. a results file) against the ComparisonResults shape; throws a
 * ConfigError naming every bad field.
 * @example
 * const results = parseComparisonResults(JSON.parse(text));
 */
export function parseComparisonResults(input: unknown): ComparisonResults {
  return parseWith(resultsSchema, input, 'results') as ComparisonResults;
}
