/**
 * The constructor options every RecurrentModel shares (input and output widths, seed or rng,
 * storage dtype): one documented interface, one zod shape and one seed-or-rng rule, so that
 * BrainInspiredRNN and TinyGRU each add only the options that are their own.
 */
import { z } from 'zod';
import { createRandom, type Random } from '../random.js';
import { ConfigError, showValue } from '../validation.js';
import { zInteger } from '../schemaValidation.js';
import type { Dtype } from './parameters.js';

export interface RecurrentModelOptions {
  /** Input width per trial. */
  nInputs: number;
  /** Policy logits per trial (default 2, one per action). */
  nOutputs?: number;
  /** Seed of the initialisation (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initialisation from (advanced by the draws); give `seed` or `rng`, not both. */
  rng?: Random;
  /** Storage precision of the parameters (default 'float64'). */
  dtype?: Dtype;
}

/**
 * zod fields of `RecurrentModelOptions`, to spread into a model's own strict object schema.
 * @example
 * const schema = z.object({ nHidden: zInteger(1, 32), ...recurrentModelOptionsShape }).strict();
 */
export const recurrentModelOptionsShape = {
  nInputs: zInteger(1, 4096),
  nOutputs: zInteger(1, 4096).optional(),
  seed: zInteger(-Number.MAX_SAFE_INTEGER).optional(),
  rng: z
    .custom<Random>(
      (v) => typeof v === 'object' && v !== null && typeof (v as Random).uniform === 'function' && typeof (v as Random).normal === 'function',
      { error: (issue) => `must be a Random (from createRandom), got ${showValue(issue.input)}` },
    )
    .optional(),
  dtype: z.enum(['float32', 'float64'], { error: (issue) => `must be "float32" or "float64", got ${JSON.stringify(issue.input)}` }).optional(),
};

/**
 * The generator a model initialises from: `rng` itself, or a fresh one from `seed` (default 0).
 * @param what - the model's name, for the error message.
 * @example
 * const draw = initialisationRandom('TinyGRU', options.seed, options.rng);
 */
export function initialisationRandom(what: string, seed: number | undefined, rng: Random | undefined): Random {
  if (seed !== undefined && rng !== undefined) throw new ConfigError([`${what} takes seed or rng, not both`]);
  return rng ?? createRandom(seed ?? 0);
}
