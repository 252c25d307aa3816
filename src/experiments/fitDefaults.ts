/**
 * The defaults and choices of `brain-rnn fit` that its command line shows before any model code
 * loads (the help text, the flag checks): kept out of the fitting modules, which re-export them.
 */
import type { TrainingConfig } from '../training/trainingConfig.js';

/**
 * Training defaults for fitting choices, tuned on the 151-subject two-stage data (docs/fitting.md):
 * Adam 1e-2 on batches of 8 sessions; the best epochs fall between 40 and 400, and patience 25
 * stops a run once its inner-validation NLL has not improved for 25 epochs. No developmental regularisers: the fit is a
 * likelihood comparison.
 */
export const RECURRENT_FIT_TRAINING: Readonly<Partial<TrainingConfig>> = Object.freeze({
  learningRate: 1e-2,
  nEpochs: 500,
  batchSize: 8,
  clipNorm: 1,
  earlyStoppingPatience: 25,
  earlyStoppingMinDelta: 1e-5,
  regularize: false,
});

export type FitLevel = 'population' | 'individual' | 'hierarchical';
export const FIT_LEVELS: readonly FitLevel[] = Object.freeze(['population', 'individual', 'hierarchical']);
