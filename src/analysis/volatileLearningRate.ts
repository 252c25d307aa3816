/**
 * Effective learning rate in stable versus volatile blocks (Behrens et al. 2007 predict a higher
 * rate when the environment is volatile). Two estimates, by what the data offer:
 *
 * 1. Policy (agents exposing L_t, the log-odds of option 1 before trial t): within a block type,
 *    ΔL_t = L_{t+1} − L_t = c_type(t) + b · L_t with one intercept per trial type (action ×
 *    reward) and one shared slope; the rate is η = −b. This is the logit dynamics of Ji-An et al.
 *    (2025) pooled over types: for a Q-learner that updates both options symmetrically
 *    (Q_chosen → r, Q_other → 1 − r), ΔL = α β o_t − α L_t exactly, so η = α.
 * 2. Behaviour only: within a block type, a logistic regression of choice_t on the signed outcomes
 *    o_{t−ℓ} = (2c − 1)(2r − 1) (+1 when the outcome favoured option 1) at lags 1..K, then a fit of
 *    the lag weights to w_ℓ = A (1 − η)^{ℓ−1}. Unrolling the same learner gives
 *    L_t = α β Σ_ℓ (1 − α)^{ℓ−1} o_{t−ℓ}, so η estimates α and A estimates α β.
 * A trial belongs to the block type of the trial whose outcome is learned from (trial t).
 */
import { ConfigError, checkInteger } from '../validation.js';
import { columnLength, sameSession, type BehaviourColumns } from './behaviourColumns.js';
import { fitLogisticRegression, type LogisticRegressionOptions } from './logisticRegression.js';

/** Policy-based rate of one block type. */
export interface PolicyLearningRate {
  /** η = −(shared slope of ΔL on L). */
  learningRate: number;
  /** Within-type R² of the pooled regression. */
  rSquared: number;
  /** Trial pairs used. */
  n: number;
}

/** Behaviour-based rate of one block type. */
export interface BehaviourLearningRate {
  /** η of the fit w_ℓ ≈ A (1 − η)^{ℓ−1}. */
  learningRate: number;
  /** A, the weight of the last outcome (≈ α β). */
  amplitude: number;
  /** Logistic weights of the signed outcomes at lags 1..K. */
  lagWeights: Float64Array;
  /** Trials predicted. */
  n: number;
}

export interface VolatileLearningRates {
  /** Present when `columns.logits` is given. */
  policy?: { stable: PolicyLearningRate; volatile: PolicyLearningRate };
  behaviour: { stable: BehaviourLearningRate; volatile: BehaviourLearningRate };
}

export interface VolatileLearningRateOptions extends LogisticRegressionOptions {
  /** Outcome lags K of the behavioural regression (default 10). */
  lags?: number;
}

/**
 * @example
 * const rates = estimateVolatileLearningRates(columnsFromOutcomes(outcomes, logits));
 * rates.policy!.volatile.learningRate > rates.policy!.stable.learningRate; // for an adaptive learner
 */
export function estimateVolatileLearningRates(columns: BehaviourColumns, options: VolatileLearningRateOptions = {}): VolatileLearningRates {
  const { lags = 10, ...fitOptions } = options;
  checkInteger('lags', lags, 1, 200);
  columnLength(columns);
  if (columns.volatile === undefined) throw new ConfigError(['columns.volatile is required (1 on trials of volatile blocks)']);
  const result: VolatileLearningRates = {
    behaviour: { stable: behaviourRate(columns, 0, lags, fitOptions), volatile: behaviourRate(columns, 1, lags, fitOptions) },
  };
  if (columns.logits !== undefined) result.policy = { stable: policyRate(columns, 0), volatile: policyRate(columns, 1) };
  return result;
}

/** Signed outcome of trial t: +1 when it favoured option 1, −1 when option 0, 0 when unknown. */
function signedOutcome(columns: BehaviourColumns, t: number): number {
  const c = columns.choices[t];
  const r = columns.rewards[t];
  if (c < 0 || r < 0) return 0;
  return (c === 1 ? 1 : -1) * (r > 0 ? 1 : -1);
}

function policyRate(columns: BehaviourColumns, blockType: number): PolicyLearningRate {
  const { choices, rewards, logits, volatile, sessionIds } = columns;
  const n = choices.length;
  // Per trial type (action × reward): sums to centre within type, then one pooled slope.
  const count = new Float64Array(4);
  const sx = new Float64Array(4);
  const sy = new Float64Array(4);
  const sxx = new Float64Array(4);
  const sxy = new Float64Array(4);
  const syy = new Float64Array(4);
  for (let t = 0; t + 1 < n; t++) {
    if ((volatile![t] > 0 ? 1 : 0) !== blockType || choices[t] < 0 || rewards[t] < 0 || !sameSession(sessionIds, t, t + 1)) continue;
    const x = logits![t];
    const y = logits![t + 1] - x;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const type = choices[t] * 2 + (rewards[t] > 0 ? 1 : 0);
    count[type]++;
    sx[type] += x;
    sy[type] += y;
    sxx[type] += x * x;
    sxy[type] += x * y;
    syy[type] += y * y;
  }
  let cxx = 0, cxy = 0, cyy = 0, total = 0;
  for (let type = 0; type < 4; type++) {
    if (count[type] === 0) continue;
    total += count[type];
    cxx += sxx[type] - (sx[type] * sx[type]) / count[type];
    cxy += sxy[type] - (sx[type] * sy[type]) / count[type];
    cyy += syy[type] - (sy[type] * sy[type]) / count[type];
  }
  const slope = cxx > 0 ? cxy / cxx : NaN;
  return { learningRate: -slope, rSquared: cxx > 0 && cyy > 0 ? (cxy * cxy) / (cxx * cyy) : NaN, n: total };
}

function behaviourRate(columns: BehaviourColumns, blockType: number, lags: number, fitOptions: LogisticRegressionOptions): BehaviourLearningRate {
  const { choices, volatile, sessionIds } = columns;
  const n = choices.length;
  const p = lags + 1;
  const rows: number[] = [];
  const y: number[] = [];
  for (let t = 1; t < n; t++) {
    if ((volatile![t] > 0 ? 1 : 0) !== blockType || choices[t] < 0 || !sameSession(sessionIds, t - 1, t)) continue;
    for (let lag = 1; lag <= lags; lag++) {
      rows.push(t - lag >= 0 && sameSession(sessionIds, t - lag, t) ? signedOutcome(columns, t - lag) : 0);
    }
    rows.push(1);
    y.push(choices[t]);
  }
  if (y.length === 0) return { learningRate: NaN, amplitude: NaN, lagWeights: new Float64Array(lags).fill(NaN), n: 0 };
  const lagWeights = fitLogisticRegression(rows, p, y, fitOptions).weights.slice(0, lags);
  const { learningRate, amplitude } = fitGeometricDecay(lagWeights);
  return { learningRate, amplitude, lagWeights, n: y.length };
}

/**
 * Least-squares fit of w_ℓ = A (1 − η)^{ℓ−1} (ℓ = 1..K) over a grid of η in [0, 1] (step 1e-3,
 * A solved in closed form at each), refined by golden section.
 * @example
 * fitGeometricDecay([2, 1, 0.5, 0.25]); // { learningRate: 0.5, amplitude: 2 }
 */
export function fitGeometricDecay(weights: ArrayLike<number>): { learningRate: number; amplitude: number } {
  const sse = (eta: number): { sse: number; amplitude: number } => {
    let sdd = 0;
    let swd = 0;
    for (let l = 0; l < weights.length; l++) {
      const d = (1 - eta) ** l;
      sdd += d * d;
      swd += weights[l] * d;
    }
    const amplitude = swd / sdd;
    let sum = 0;
    for (let l = 0; l < weights.length; l++) sum += (weights[l] - amplitude * (1 - eta) ** l) ** 2;
    return { sse: sum, amplitude };
  };
  let best = 0;
  for (let i = 1; i <= 1000; i++) if (sse(i / 1000).sse < sse(best / 1000).sse) best = i;
  let lo = Math.max(0, (best - 1) / 1000);
  let hi = Math.min(1, (best + 1) / 1000);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (sse(a).sse < sse(b).sse) hi = b;
    else lo = a;
  }
  const eta = (lo + hi) / 2;
  return { learningRate: eta, amplitude: sse(eta).amplitude };
}
