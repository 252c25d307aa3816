/**
 * Which option was better, for real reversal data: a trials CSV gives when the contingencies
 * reversed (its `reversal` column) but not which option paid more. Between two reversals of one
 * episode the better option is fixed, so it is estimated as the option with the higher observed
 * reward rate in that phase (ties and phases where an option was never chosen: unknown, -1). With
 * it, the reversal-aligned analyses (reversalAdaptation.ts) run on real data as on simulations.
 */
import type { TrialsSession } from '../data/trialsCsv.js';

/**
 * The better option on each trial of each session (one Int8Array per session), -1 where unknown.
 * Phases start at the session's first trial, at every trial flagged `reversal = 1` and at every
 * change of the block index; a session whose reversal column is empty is all -1.
 * @example
 * const better = inferBetterAction(table.sessions);
 * better[0][40]; // 0 or 1: the option that paid more around trial 40 of session 0
 */
export function inferBetterAction(sessions: readonly TrialsSession[]): Int8Array[] {
  return sessions.map((s) => {
    const out = new Int8Array(s.nTrials).fill(-1);
    if (!s.reversal.some((r) => r >= 0)) return out;
    let start = 0;
    for (let t = 1; t <= s.nTrials; t++) {
      if (t < s.nTrials && s.reversal[t] !== 1 && s.block[t] === s.block[t - 1]) continue;
      out.fill(phaseWinner(s, start, t), start, t);
      start = t;
    }
    return out;
  });
}

function phaseWinner(s: TrialsSession, start: number, end: number): number {
  const chosen = [0, 0];
  const rewarded = [0, 0];
  for (let t = start; t < end; t++) {
    const c = s.choice[t];
    if (c < 0 || s.reward[t] < 0) continue;
    chosen[c] += 1;
    rewarded[c] += s.reward[t];
  }
  if (chosen[0] === 0 || chosen[1] === 0) return -1;
  const rate0 = rewarded[0] / chosen[0];
  const rate1 = rewarded[1] / chosen[1];
  return rate0 === rate1 ? -1 : rate1 > rate0 ? 1 : 0;
}
