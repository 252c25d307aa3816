/**
 * How a training run converged (the seed's `analyze_learning_dynamics`): when the validation loss
 * got close to its best, and how much the loss still moved at the end.
 *
 * Definitions (ours; the seed gives none):
 * - convergence epoch: the first epoch whose validation NLL is within `tolerance` (relative) of the
 *   best validation NLL of the run, i.e. NLL_e ≤ best + tolerance · |best|. It falls back to the
 *   training loss when the run had no validation data (NaN validation NLLs).
 * - loss stability: the standard deviation of the last `window` epochs' losses divided by their
 *   mean (coefficient of variation); 0 is perfectly flat. Reported for both training and
 *   validation losses.
 */
import type { TrainingHistory } from '../training/trainer.js';
import { checkInteger, checkNumber } from '../validation.js';

export interface LearningDynamicsOptions {
  /** Relative distance to the best loss that counts as converged (default 0.01 = 1%). */
  tolerance?: number;
  /** Number of final epochs over which stability is measured (default 10, fewer if the run was shorter). */
  window?: number;
}

export interface LearningDynamics {
  /** Epochs actually run. */
  nEpochs: number;
  /** 0-based epoch of convergence (see the file comment). */
  convergenceEpoch: number;
  /** Which loss defined convergence. */
  convergenceLoss: 'validation' | 'train';
  /** Best loss reached (of `convergenceLoss`). */
  bestLoss: number;
  /** The loss at the last epoch. */
  finalLoss: number;
  /** Relative standard deviation of the training loss over the last `window` epochs. */
  trainLossStability: number;
  /** Relative standard deviation of the validation NLL over the last `window` epochs (NaN without validation). */
  validationLossStability: number;
  /** Whether the trainer stopped early. */
  stoppedEarly: boolean;
  /** Per epoch, the training loss (task + regularisers). */
  trainLoss: Float64Array;
  /** Per epoch, the validation NLL (NaN without validation). */
  validationNll: Float64Array;
}

function relativeSd(values: Float64Array): number {
  const n = values.length;
  if (n < 2) return NaN;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return mean !== 0 ? sd / Math.abs(mean) : NaN;
}

/**
 * Convergence epoch and loss stability of one training history.
 * @example
 * const { convergenceEpoch, validationLossStability } = analyzeLearningDynamics(report.history);
 */
export function analyzeLearningDynamics(history: TrainingHistory, options: LearningDynamicsOptions = {}): LearningDynamics {
  const { tolerance = 0.01, window = 10 } = options;
  checkNumber('tolerance', tolerance, { min: 0 });
  checkInteger('window', window, 2);
  const nEpochs = history.epochs.length;
  const trainLoss = Float64Array.from(history.epochs, (e) => e.trainLoss);
  const validationNll = Float64Array.from(history.epochs, (e) => e.validationNll);
  const hasValidation = nEpochs > 0 && validationNll.every((v) => Number.isFinite(v));
  const curve = hasValidation ? validationNll : trainLoss;
  let bestLoss = Infinity;
  for (const v of curve) if (v < bestLoss) bestLoss = v;
  let convergenceEpoch = nEpochs > 0 ? nEpochs - 1 : NaN;
  for (let e = 0; e < nEpochs; e++) {
    if (curve[e] <= bestLoss + tolerance * Math.abs(bestLoss)) {
      convergenceEpoch = e;
      break;
    }
  }
  const last = Math.min(window, nEpochs);
  return {
    nEpochs,
    convergenceEpoch,
    convergenceLoss: hasValidation ? 'validation' : 'train',
    bestLoss: nEpochs > 0 ? bestLoss : NaN,
    finalLoss: nEpochs > 0 ? curve[nEpochs - 1] : NaN,
    trainLossStability: relativeSd(trainLoss.slice(nEpochs - last)),
    validationLossStability: hasValidation ? relativeSd(validationNll.slice(nEpochs - last)) : NaN,
    stoppedEarly: history.stoppedEarly,
    trainLoss,
    validationNll,
  };
}
