/**
 * Behavioural signatures of model-based and model-free control in the two-stage task.
 *
 * Stay table (Daw et al. 2011): P(repeat the first-stage choice on t+1) split by trial t's
 * transition (common/rare) and reward. Pairs count only inside a session, when both trials have a
 * choice and trial t has a known reward and transition (the rule of the data README).
 *
 *   modelBasedIndex = (P_cr − P_cu) − (P_rr − P_ru)   reward × transition interaction, > 0 for MB
 *   modelFreeIndex  = ((P_cr + P_rr) − (P_cu + P_ru)) / 2   main effect of reward, > 0 for MF
 *
 * Lagged logistic regression (Miller, Brody & Botvinick 2017 style): predict choice_t ∈ {0, 1}
 * from the past `lags` trials. For lag ℓ, trial t−ℓ contributes +1 (chose option 1) or −1 (chose
 * option 0) in the column of its type (CR, CU, RR, RU) and 0 in the other three; a bias column
 * is added. With w^type_ℓ the weights, the indices are the contrast-coded effects
 *
 *   modelBased    = Σ_ℓ (w^CR − w^CU − w^RR + w^RU) / 4   (reward × transition)
 *   modelFree     = Σ_ℓ (w^CR − w^CU + w^RR − w^RU) / 4   (reward)
 *   perseveration = Σ_ℓ (w^CR + w^CU + w^RR + w^RU) / 4   (outcome-independent repetition)
 *
 * i.e. the coefficients of the equivalent regression on choice, choice × reward and choice ×
 * reward × transition (each ±1) summed over lags; Miller et al.'s unscaled sums are 4× these.
 */
import { checkInteger } from '../validation.js';
import { StayCounts, stayCell, twoStageIndices, TWO_STAGE_TRIAL_TYPES, type StayProbabilities, type TwoStageTrialType } from './stayCounts.js';
import { columnLength, sameSession, type BehaviourColumns } from './behaviourColumns.js';
import { fitLogisticRegression, type LogisticFit, type LogisticRegressionOptions } from './logisticRegression.js';

/** One cell of a stay table. */
export interface StayCell {
  /** nStay / n (NaN when n = 0). */
  stayProbability: number;
  nStay: number;
  n: number;
}

export interface TwoStageStayTable {
  commonRewarded: StayCell;
  commonUnrewarded: StayCell;
  rareRewarded: StayCell;
  rareUnrewarded: StayCell;
  /** Pooled over transitions. */
  rewarded: StayCell;
  unrewarded: StayCell;
}

/** Trial types in regression-column order. */
export { TWO_STAGE_TRIAL_TYPES, type TwoStageTrialType };

export interface TwoStageRegression {
  lags: number;
  /** Weight of each trial type at lags 1..lags (index ℓ − 1). */
  weights: Record<TwoStageTrialType, Float64Array>;
  bias: number;
  modelBased: number;
  modelFree: number;
  perseveration: number;
  fit: LogisticFit;
}

export interface TwoStageSignatures {
  stayTable: TwoStageStayTable;
  modelBasedIndex: number;
  modelFreeIndex: number;
  regression: TwoStageRegression;
}

export interface TwoStageSignatureOptions extends LogisticRegressionOptions {
  /** Past trials in the regression (default 5). */
  lags?: number;
}

/** Type index 0..3 (CR, CU, RR, RU) of trial t, or -1 when its reward or transition is unknown. */
function trialType(columns: BehaviourColumns, common: (t: number) => number, t: number): number {
  const reward = columns.rewards[t];
  const isCommon = common(t);
  if (columns.choices[t] < 0 || reward < 0 || isCommon < 0) return -1;
  return stayCell(isCommon === 1, reward > 0);
}

/** Transition of trial t: the `common` column, else choice === stage2State (the data convention). */
function commonAccessor(columns: BehaviourColumns): (t: number) => number {
  const { common, stage2States, choices } = columns;
  if (common !== undefined) return (t) => common[t];
  if (stage2States !== undefined) return (t) => (choices[t] < 0 || stage2States[t] < 0 ? -1 : choices[t] === stage2States[t] ? 1 : 0);
  return () => -1;
}

function cell(nStay: number, n: number): StayCell {
  return { stayProbability: n > 0 ? nStay / n : NaN, nStay, n };
}

/**
 * The two-stage stay table.
 * @example
 * const table = twoStageStayTable(columnsFromTrialsSessions(sessions));
 * table.commonRewarded.stayProbability; // 0.816 for hartley_online_two_step.csv
 */
export function twoStageStayTable(columns: BehaviourColumns): TwoStageStayTable {
  const n = columnLength(columns);
  const common = commonAccessor(columns);
  const counts = new StayCounts();
  for (let t = 0; t + 1 < n; t++) {
    const type = trialType(columns, common, t);
    if (type < 0 || columns.choices[t + 1] < 0 || !sameSession(columns.sessionIds, t, t + 1)) continue;
    counts.add(type, columns.choices[t + 1] === columns.choices[t]);
  }
  const { stays, pairs } = counts;
  return {
    commonRewarded: cell(stays[0], pairs[0]),
    commonUnrewarded: cell(stays[1], pairs[1]),
    rareRewarded: cell(stays[2], pairs[2]),
    rareUnrewarded: cell(stays[3], pairs[3]),
    rewarded: cell(stays[0] + stays[2], pairs[0] + pairs[2]),
    unrewarded: cell(stays[1] + stays[3], pairs[1] + pairs[3]),
  };
}

/**
 * The lagged logistic regression of choices on past trial types.
 * @example
 * twoStageLagRegression(columns, { lags: 5 }).modelBased; // > 0 for a model-based agent
 */
export function twoStageLagRegression(columns: BehaviourColumns, options: TwoStageSignatureOptions = {}): TwoStageRegression {
  const { lags = 5, ...fitOptions } = options;
  checkInteger('lags', lags, 1, 100);
  const n = columnLength(columns);
  const { choices, sessionIds } = columns;
  const common = commonAccessor(columns);
  const types = Int8Array.from({ length: n }, (_, t) => trialType(columns, common, t));
  const p = 4 * lags + 1;
  const rows: number[] = [];
  const y: number[] = [];
  for (let t = 1; t < n; t++) {
    if (choices[t] < 0 || !sameSession(sessionIds, t - 1, t)) continue;
    const row = new Float64Array(p);
    for (let lag = 1; lag <= lags && t - lag >= 0 && sameSession(sessionIds, t - lag, t); lag++) {
      const type = types[t - lag];
      if (type >= 0) row[type * lags + lag - 1] = choices[t - lag] === 1 ? 1 : -1;
    }
    row[p - 1] = 1;
    for (let j = 0; j < p; j++) rows.push(row[j]);
    y.push(choices[t]);
  }
  const fit = fitLogisticRegression(rows, p, y, fitOptions);
  const w = (type: number, lag: number) => fit.weights[type * lags + lag];
  let modelBased = 0;
  let modelFree = 0;
  let perseveration = 0;
  for (let l = 0; l < lags; l++) {
    modelBased += (w(0, l) - w(1, l) - w(2, l) + w(3, l)) / 4;
    modelFree += (w(0, l) - w(1, l) + w(2, l) - w(3, l)) / 4;
    perseveration += (w(0, l) + w(1, l) + w(2, l) + w(3, l)) / 4;
  }
  const weights = Object.fromEntries(
    TWO_STAGE_TRIAL_TYPES.map((name, type) => [name, fit.weights.slice(type * lags, (type + 1) * lags)]),
  ) as Record<TwoStageTrialType, Float64Array>;
  return { lags, weights, bias: fit.weights[p - 1], modelBased, modelFree, perseveration, fit };
}

/**
 * Stay table, its model-based / model-free indices and the lagged regression, on behaviour
 * columns from simulated or real data (`choices`, `rewards`, `common` or `stage2States`,
 * `sessionIds`).
 * @example
 * const { stayTable, modelBasedIndex, regression } = analyzeTwoStageSignatures(columns);
 */
export function analyzeTwoStageSignatures(columns: BehaviourColumns, options: TwoStageSignatureOptions = {}): TwoStageSignatures {
  const stayTable = twoStageStayTable(columns);
  const probabilities = Object.fromEntries(TWO_STAGE_TRIAL_TYPES.map((name) => [name, stayTable[name].stayProbability])) as StayProbabilities;
  return {
    stayTable,
    ...twoStageIndices(probabilities),
    regression: twoStageLagRegression(columns, options),
  };
}
