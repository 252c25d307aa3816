/**
 * Behaviour as plain typed-array columns, one entry per trial, so every behavioural analysis runs
 * unchanged on simulated cohorts (TrialOutcome) and on real data (TrialsSession). Trials of a
 * session are contiguous; a trial-to-trial pair is only formed inside one session.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { inferBetterAction } from './inferBetterAction.js';
import type { TrialOutcome } from '../tasks/cohortTask.js';
import { ConfigError } from '../validation.js';

/** Per-trial columns of one or more sessions, all of the same length; -1 marks a missing value. */
export interface BehaviourColumns {
  /** First-stage (or only) choice, 0 or 1; -1 if missed. */
  choices: ArrayLike<number>;
  /** Reward, 0 or 1; -1 if no outcome was delivered. */
  rewards: ArrayLike<number>;
  /** Session id of each trial; omitted means one session. Pairs never cross a change of id. */
  sessionIds?: ArrayLike<number>;
  /** Two-stage: second-stage state reached, 0 or 1; -1 if unknown. */
  stage2States?: ArrayLike<number>;
  /** Two-stage: 1 common transition, 0 rare; -1 if unknown. */
  common?: ArrayLike<number>;
  /** The option with the higher reward probability on each trial, 0 or 1; -1 if unknown. */
  betterAction?: ArrayLike<number>;
  /** 1 on the first trial after a reversal of the contingencies. */
  reversal?: ArrayLike<number>;
  /** Volatile task: 1 on trials inside a volatile block. */
  volatile?: ArrayLike<number>;
  /** Policy log-odds of option 1 over option 0 before each trial's choice (agents only). */
  logits?: ArrayLike<number>;
}

/** Number of trials, after checking that every present column has the length of `choices`. */
export function columnLength(columns: BehaviourColumns, what = 'columns'): number {
  const n = columns.choices?.length;
  if (typeof n !== 'number') throw new ConfigError([`${what}.choices is required`]);
  for (const [name, column] of Object.entries(columns)) {
    if (column !== undefined && (column as ArrayLike<number>).length !== n) {
      throw new ConfigError([`${what}.${name} must have length ${n} (that of choices), got ${(column as ArrayLike<number>).length}`]);
    }
  }
  if (columns.rewards === undefined) throw new ConfigError([`${what}.rewards is required`]);
  return n;
}

/** Whether trials t and t2 belong to the same session. */
export function sameSession(sessionIds: ArrayLike<number> | undefined, t: number, t2: number): boolean {
  return sessionIds === undefined || sessionIds[t] === sessionIds[t2];
}

/**
 * Concatenate parsed sessions (trials CSV) into columns, session ids 0, 1, 2, ... Pass episodes
 * (`splitIntoEpisodes(sessions, 'block')`) for data whose blocks are independent: each gets its own
 * id, so no stay pair crosses a block boundary. Where the `reversal` column has values, the better
 * option is estimated per phase (inferBetterAction.ts) for the reversal-aligned analyses.
 * @example
 * const columns = columnsFromTrialsSessions(parseTrialsCsv(text).sessions);
 * analyzeTwoStageSignatures(columns).stayTable;
 * analyzeReversalAdaptation(columnsFromTrialsSessions(splitIntoEpisodes(animal.sessions, 'block'))).curve;
 */
export function columnsFromTrialsSessions(sessions: readonly TrialsSession[]): BehaviourColumns {
  const total = sessions.reduce((sum, s) => sum + s.nTrials, 0);
  const choices = new Int8Array(total);
  const rewards = new Int8Array(total);
  const stage2States = new Int8Array(total);
  const common = new Int8Array(total);
  const reversal = new Int8Array(total);
  const sessionIds = new Int32Array(total);
  let offset = 0;
  sessions.forEach((s, id) => {
    choices.set(s.choice, offset);
    rewards.set(s.reward, offset);
    stage2States.set(s.stage2State, offset);
    common.set(s.common, offset);
    reversal.set(s.reversal, offset);
    sessionIds.fill(id, offset, offset + s.nTrials);
    offset += s.nTrials;
  });
  const columns: BehaviourColumns = { choices, rewards, sessionIds, stage2States, common, reversal };
  if (sessions.some((s) => s.reversal.some((r) => r === 1))) {
    const betterAction = new Int8Array(total);
    let at = 0;
    for (const better of inferBetterAction(sessions)) {
      betterAction.set(better, at);
      at += better.length;
    }
    columns.betterAction = betterAction;
  }
  return columns;
}

/**
 * Columns from the outcomes of a simulated cohort (T outcomes of S sessions each), session-major:
 * trial t of session s lands at index s * T + t. Optional per-trial logits come as T arrays of
 * S values (the policy log-odds each session had before that trial's choice).
 * @example
 * const outcomes = []; for (let t = 0; t < T; t++) outcomes.push(task.step(actions));
 * const columns = columnsFromOutcomes(outcomes);
 */
export function columnsFromOutcomes(outcomes: readonly TrialOutcome[], logits?: readonly ArrayLike<number>[]): BehaviourColumns {
  const T = outcomes.length;
  if (T === 0) throw new ConfigError(['outcomes must hold at least one trial, got 0']);
  if (logits !== undefined && logits.length !== T) {
    throw new ConfigError([`logits must hold one array per outcome (${T}), got ${logits.length}`]);
  }
  const S = outcomes[0].actions.length;
  const latent0 = outcomes[0].latent;
  const fill = <A extends Int8Array | Int32Array | Float64Array>(out: A, read: (t: number, s: number) => number): A => {
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) out[s * T + t] = read(t, s);
    return out;
  };
  const n = S * T;
  const columns: BehaviourColumns = {
    choices: fill(new Int8Array(n), (t, s) => outcomes[t].actions[s]),
    rewards: fill(new Int8Array(n), (t, s) => outcomes[t].rewards[s]),
    sessionIds: fill(new Int32Array(n), (_t, s) => s),
    betterAction: fill(new Int8Array(n), (t, s) => outcomes[t].latent.betterAction[s]),
    reversal: fill(new Int8Array(n), (t, s) => outcomes[t].latent.reversal[s]),
  };
  if (latent0.stage2States) columns.stage2States = fill(new Int8Array(n), (t, s) => outcomes[t].latent.stage2States![s]);
  if (latent0.common) columns.common = fill(new Int8Array(n), (t, s) => outcomes[t].latent.common![s]);
  if (latent0.volatile) columns.volatile = fill(new Int8Array(n), (t, s) => outcomes[t].latent.volatile![s]);
  if (logits) columns.logits = fill(new Float64Array(n), (t, s) => logits[t][s]);
  return columns;
}
