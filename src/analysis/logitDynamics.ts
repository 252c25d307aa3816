/**
 * Logit dynamics after Ji-An, Benna & Mattar (2025): how one trial moves an agent's policy.
 * With L_t the log-odds of option 1 over option 0 before trial t's choice (logit(a=1) − logit(a=0)
 * for a network, log p1/p0 for a cognitive model), group trials by type (action × reward, plus the
 * second-stage state in the two-stage task) and fit, per type, the least-squares line
 *
 *   ΔL_t = L_{t+1} − L_t = intercept + slope · L_t.
 *
 * The learning rate is −slope (how far L relaxes per trial) and the preference setpoint is the
 * x-intercept −intercept / slope (the L that this trial type leaves unchanged). For a Q-learner that
 * updates both options symmetrically, ΔL = α β (±1) − α L exactly: slope −α, setpoint ±β.
 */
import { ConfigError, checkInteger } from '../validation.js';
import { columnLength, sameSession, type BehaviourColumns } from './behaviourColumns.js';

/** A least-squares line y = intercept + slope x. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination (NaN when y is constant). */
  rSquared: number;
  n: number;
}

/**
 * Ordinary least squares of y on x with an intercept; NaN slope when x is constant or n < 2.
 * @example
 * fitLine([0, 1, 2], [1, 3, 5]); // { slope: 2, intercept: 1, rSquared: 1, n: 3 }
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  if (y.length !== n) throw new ConfigError([`y must have the length of x (${n}), got ${y.length}`]);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = n >= 2 && sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  const rSquared = syy > 0 && sxx > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  return { slope, intercept, rSquared, n };
}

/** Running sums of pairs (x, y): what a line fit needs, kept by online folds. */
export interface LineSums {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumXY: number;
  sumYY: number;
}

/**
 * The least-squares line of fitLine from running sums (one pass; an online fold keeps the sums):
 * slope = Sxy / Sxx with Sxy = Σxy − Σx Σy / n, Sxx = Σxx − (Σx)² / n. NaN slope when x is
 * constant (Sxx at rounding level) or n < 2.
 * @example
 * fitLineFromSums({ n: 3, sumX: 3, sumY: 9, sumXX: 5, sumXY: 13, sumYY: 35 }); // slope 2, intercept 1
 */
export function fitLineFromSums({ n, sumX, sumY, sumXX, sumXY, sumYY }: LineSums): LineFit {
  const mx = n > 0 ? sumX / n : NaN;
  const my = n > 0 ? sumY / n : NaN;
  const sxx = sumXX - sumX * mx;
  const sxy = sumXY - sumX * my;
  const syy = sumYY - sumY * my;
  // Cancellation leaves |Sxx| ~ 1e-12 of Σxx for a constant x: treat that as no spread.
  const spread = n >= 2 && sxx > 1e-12 * Math.max(sumXX, 1e-300);
  const slope = spread ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  const rSquared = spread && syy > 1e-12 * Math.max(sumYY, 1e-300) ? (sxy * sxy) / (sxx * syy) : NaN;
  return { slope, intercept, rSquared, n };
}

/** The logit dynamics of one trial type. */
export interface TrialTypeDynamics extends LineFit {
  /** e.g. `a1r0`, or `a0s1r1` with the second-stage state. */
  label: string;
  action: number;
  reward: number;
  /** Second-stage state, or -1 when types are not split by it. */
  stage2State: number;
  /** −slope. */
  learningRate: number;
  /** −intercept / slope: the logit this trial type pulls towards. */
  setpoint: number;
}

export interface LogitDynamicsOptions {
  /** Split types by second-stage state (default: when `stage2States` is given). */
  splitByStage2State?: boolean;
}

/**
 * L = logits[1] − logits[0] per row of a row-major logits array (e.g. ForwardResult.logits,
 * whose row t is the policy for trial t).
 * @example
 * logitDifferences(Float64Array.of(0.1, 0.4, 1, 0), 2); // [0.3, -1]
 */
export function logitDifferences(logits: ArrayLike<number>, nOutputs = 2): Float64Array {
  checkInteger('nOutputs', nOutputs, 2);
  if (logits.length % nOutputs !== 0) throw new ConfigError([`logits must hold rows of ${nOutputs}, got ${logits.length} values`]);
  return Float64Array.from({ length: logits.length / nOutputs }, (_, t) => logits[t * nOutputs + 1] - logits[t * nOutputs]);
}

/**
 * Per-type regression of ΔL on L over every pair (t, t+1) in one session where trial t has a
 * choice and a known reward (reward > 0 counts as rewarded).
 * @example
 * const types = analyzeLogitDynamics({ choices, rewards, logits, sessionIds });
 * types.find((d) => d.label === 'a1r1')!.learningRate; // ≈ α for a Q-learner
 */
export function analyzeLogitDynamics(columns: BehaviourColumns, options: LogitDynamicsOptions = {}): TrialTypeDynamics[] {
  const n = columnLength(columns);
  const { choices, rewards, logits, stage2States, sessionIds } = columns;
  if (logits === undefined) throw new ConfigError(['columns.logits is required for the logit dynamics']);
  const { splitByStage2State = stage2States !== undefined } = options;
  if (splitByStage2State && stage2States === undefined) throw new ConfigError(['splitByStage2State needs columns.stage2States']);
  const groups = new Map<string, { action: number; reward: number; state: number; x: number[]; y: number[] }>();
  for (let t = 0; t + 1 < n; t++) {
    const action = choices[t];
    if (action < 0 || rewards[t] < 0 || !sameSession(sessionIds, t, t + 1)) continue;
    const state = splitByStage2State ? stage2States![t] : -1;
    if (splitByStage2State && state < 0) continue;
    if (!Number.isFinite(logits[t]) || !Number.isFinite(logits[t + 1])) continue;
    const reward = rewards[t] > 0 ? 1 : 0;
    const label = `a${action}${state >= 0 ? `s${state}` : ''}r${reward}`;
    let group = groups.get(label);
    if (group === undefined) {
      group = { action, reward, state, x: [], y: [] };
      groups.set(label, group);
    }
    group.x.push(logits[t]);
    group.y.push(logits[t + 1] - logits[t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, { action, reward, state, x, y }]) => {
      const line = fitLine(x, y);
      return { label, action, reward, stage2State: state, ...line, learningRate: -line.slope, setpoint: -line.intercept / line.slope };
    });
}
