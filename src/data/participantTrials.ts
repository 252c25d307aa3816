/**
 * A participant's trials (the task page, the jsPsych plugin) as a trials-CSV session. The CSV
 * knows two task shapes: `two_stage`, and `reversal` for any two-armed bandit, so the volatile
 * bandit (`probabilistic_reward`) is written as `reversal` with its jumps in the `reversal`
 * column: it fits like any reversal file.
 */
import { ConfigError } from '../validation.js';
import { emptyTrialsSession, type TrialsSession, type TrialsTask } from './trialsCsv.js';

/** The fields of one trial that the trials CSV holds; -1 (or NaN for times) where missing. */
export interface TrialFields {
  /** 0-based trial index. */
  trial: number;
  /** First-stage (or only) choice, 0 or 1. */
  choice: number;
  /** Two-stage: state reached, 0 or 1; -1 for the bandit tasks. */
  stage2State: number;
  /** Two-stage: second-stage choice, 0 or 1; -1 for the bandit tasks. */
  stage2Choice: number;
  /** 1 rewarded, 0 not. */
  reward: number;
  /** Reversals (or rich-state swaps, or jumps) before this trial: the index of its block. */
  block: number;
  /** 1 on the first trial after a reversal, otherwise 0. */
  reversal: number;
  /** Two-stage: 1 common transition, 0 rare; -1 for the bandit tasks. */
  common: number;
  /** Milliseconds from the options' appearance to the first-stage choice; NaN if unknown. */
  rt: number;
  /** Two-stage: milliseconds from the second-stage options to that choice; NaN otherwise. */
  rt2: number;
}

/**
 * The trials-CSV task a task type is written as.
 * @example
 * trialsTaskOf('probabilistic_reward'); // 'reversal'
 */
export function trialsTaskOf(task: string): TrialsTask {
  return task === 'two_stage' ? 'two_stage' : 'reversal';
}

export interface ParticipantSessionOptions {
  /** The task type played (reversal, two_stage, probabilistic_reward). */
  task: string;
  /** Subject id: whatever the experimenter passed (no comma, quote or line break). */
  subject: string;
  /** Session id (default: the subject id, as in every shared data file). */
  session?: string;
}

/**
 * One session of a trials table, with reaction times, from trials numbered 0, 1, 2, ...
 * @example
 * const session = participantTrialsSession(participant.trials, { task: 'reversal', subject: 'P01' });
 * formatTrialsCsv([session], { includeReactionTimes: true });
 */
export function participantTrialsSession(trials: readonly TrialFields[], options: ParticipantSessionOptions): TrialsSession {
  const { task, subject, session = subject } = options;
  const out = emptyTrialsSession(trialsTaskOf(task), subject, session, trials.length);
  out.rt = new Float64Array(trials.length).fill(NaN);
  if (out.task === 'two_stage') out.rt2 = new Float64Array(trials.length).fill(NaN);
  trials.forEach((row, t) => {
    if (row.trial !== t) throw new ConfigError([`trial ${t} must have index ${t} (trials run 0, 1, 2, ... without gaps), got ${row.trial}`]);
    out.choice[t] = row.choice;
    out.valid[t] = row.choice >= 0 ? 1 : 0;
    out.reward[t] = row.reward;
    out.block[t] = row.block;
    out.reversal[t] = row.reversal;
    out.rt![t] = row.rt;
    if (out.task === 'two_stage') {
      out.stage2State[t] = row.stage2State;
      out.stage2Choice[t] = row.stage2Choice;
      out.common[t] = row.common;
      out.rt2![t] = row.rt2;
    }
  });
  return out;
}
