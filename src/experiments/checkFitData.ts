/**
 * What a model comparison needs from its data, checked before anything is fitted: choices to
 * score, and outcomes for the models that learn from them. `compareModels` runs it, so the `fit`
 * command and any sweep refuse the same data with the same message. Without choices there is no
 * likelihood at all (a "winner" with NLL per choice null); without outcomes a learning model's
 * learning-rate and temperature cannot be told apart, and its fit says nothing about learning.
 */
import { learnsFromOutcomes } from '../cognitive/learnsFromOutcomes.js';
import type { TrialsSession } from '../data/trialsCsv.js';
import { ConfigError } from '../validation.js';
import type { FitModelSpec } from './modelSpec.js';

/** A share of choice trials without an outcome above which the comparison warns. */
export const MISSING_OUTCOME_WARNING_SHARE = 0.1;

export interface FitDataSummary {
  nSessions: number;
  nTrials: number;
  /** Trials with a first-stage choice. */
  nChoices: number;
  /** Trials with a choice and a known reward. */
  nOutcomes: number;
  /** What the comparison should say but does not refuse, one sentence each. */
  warnings: string[];
}

const list = (names: readonly string[], max = 5) => (names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', '));
/** `q_learning learns`, `q_learning, wsls learn`. */
const subject = (names: readonly string[], singular: string, plural: string) => `${list(names)} ${names.length === 1 ? singular : plural}`;
const percent = (share: number) => `${(100 * share).toFixed(share < 0.01 ? 1 : 0)}%`;

/**
 * Refuse data with no choice, or with no outcome when a cognitive model that learns from
 * outcomes is asked for (networks are only warned: they can still fit choice sequences); warn
 * when many outcomes are missing or some subjects have no choice.
 * @example
 * const { warnings } = checkFitData(table.sessions, parseModelSpecs('q_learning tiny_gru:1'));
 */
export function checkFitData(sessions: readonly TrialsSession[], specs: readonly FitModelSpec[]): FitDataSummary {
  let nTrials = 0;
  let nChoices = 0;
  let nOutcomes = 0;
  const choicesOf = new Map<string, number>();
  for (const s of sessions) {
    let choices = 0;
    for (let t = 0; t < s.nTrials; t++) {
      if (s.choice[t] < 0) continue;
      choices += 1;
      if (s.reward[t] >= 0) nOutcomes += 1;
    }
    nTrials += s.nTrials;
    nChoices += choices;
    choicesOf.set(s.subject, (choicesOf.get(s.subject) ?? 0) + choices);
  }
  const where = `${nTrials} trials of ${sessions.length} session(s)`;
  if (nChoices === 0) {
    throw new ConfigError([`the data have no usable choices: column "choice" is empty on all ${where}, so there is nothing to fit (each trial needs a choice of 0 or 1)`]);
  }
  const warnings: string[] = [];
  const missing = nChoices - nOutcomes;
  const cognitive = specs.filter((s) => s.kind === 'cognitive' && learnsFromOutcomes(s.create())).map((s) => s.label);
  const networks = specs.filter((s) => s.kind === 'recurrent').map((s) => s.label);
  if (nOutcomes === 0) {
    if (cognitive.length > 0) {
      throw new ConfigError([
        `column "reward" is empty on all ${nChoices} trials with a choice, but ${subject(cognitive, 'learns', 'learn')} from outcomes and cannot be fitted without them; ` +
          'fill in the rewards, or compare only networks (e.g. --models tiny_gru:1,2)',
      ]);
    }
    if (networks.length > 0) {
      warnings.push(`column "reward" is empty on all ${nChoices} trials with a choice: ${subject(networks, 'sees', 'see')} no outcomes and can only fit the sequence of choices`);
    }
  } else if (missing / nChoices > MISSING_OUTCOME_WARNING_SHARE && cognitive.length + networks.length > 0) {
    const learners = [...cognitive, ...networks];
    warnings.push(
      `column "reward" is empty on ${percent(missing / nChoices)} of the trials with a choice (${missing} of ${nChoices}): ` +
        `on those trials ${list(learners)} cannot learn from an outcome`,
    );
  }
  const silent = [...choicesOf].filter(([, n]) => n === 0).map(([subject]) => subject);
  if (silent.length > 0) {
    warnings.push(`subject(s) ${list(silent)} have no choice at all: they add nothing to the held-out NLL and are left out of the paired comparisons`);
  }
  return { nSessions: sessions.length, nTrials, nChoices, nOutcomes, warnings };
}
