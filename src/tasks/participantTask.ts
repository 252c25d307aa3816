/**
 * One participant (a person at the task page, a jsPsych trial, a simulated participant) playing a
 * task trial by trial and stage by stage. It is a cohort of one session of the same task the
 * agents play (createTask), seeded the same way, so a seed gives a person the reward schedule it
 * gives an agent. Each finished trial becomes a row of the trials CSV (../shared/data/README.md)
 * with its reaction times.
 */
import type { TrialFields } from '../data/participantTrials.js';
import { createRandom } from '../random.js';
import { checkInteger, checkNumber, ConfigError, showValue } from '../validation.js';
import { TaskType, type CohortTask, type TrialOutcome } from './cohortTask.js';
import { createTask, type TaskOptions } from './createTask.js';
import { parseTaskType } from './encoding.js';
import type { PendingTwoStageTrial, TwoStageTask } from './twoStage.js';

export interface ParticipantTaskOptions {
  /** Task type: reversal, two_stage or probabilistic_reward. */
  task: TaskType | string;
  /** Seed of the task's reward schedule (a safe integer). */
  seed: number;
  /** Number of trials the participant plays (integer >= 1). */
  nTrials: number;
  /** Task options as in scenario files (createTask); default none. */
  options?: TaskOptions | Record<string, unknown>;
}

/** One finished trial: its trials-CSV fields and reaction times (-1 / NaN where a field does not apply), and the task's outcome. */
export interface ParticipantTrial extends TrialFields {
  /** The task's own outcome (latent reward probabilities, better action), for events. */
  outcome: TrialOutcome;
}

/** What a first-stage choice leads to: a second stage to choose in, or the trial's outcome. */
export type ChoiceResult =
  | { stage: 'second'; state: number; common: boolean }
  | { stage: 'outcome'; trial: ParticipantTrial };

function checkChoice(name: string, value: unknown): number {
  if (value !== 0 && value !== 1) throw new ConfigError([`${name} must be 0 or 1, got ${showValue(value)}`]);
  return value;
}

function checkReactionTime(name: string, value: unknown): number {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return NaN;
  return checkNumber(name, value, { min: 0 });
}

/**
 * @example
 * const session = new ParticipantTask({ task: 'two_stage', seed: 7, nTrials: 10 });
 * const first = session.choose(0, 512); // { stage: 'second', state: 0, common: true }
 * const { trial } = session.chooseSecond(1, 430) as { trial: ParticipantTrial }; // trial.reward: 0 or 1
 */
export class ParticipantTask {
  readonly type: TaskType;
  readonly seed: number;
  readonly nTrials: number;
  readonly trials: ParticipantTrial[] = [];
  private readonly task: CohortTask;
  private pending: { choice: number; rt: number; trial: PendingTwoStageTrial } | undefined;
  private reversals = 0;

  constructor({ task, seed, nTrials, options = {} }: ParticipantTaskOptions) {
    this.type = parseTaskType(task);
    if (!Number.isSafeInteger(seed)) throw new ConfigError([`seed must be a safe integer, got ${showValue(seed)}`]);
    this.seed = seed;
    this.nTrials = checkInteger('nTrials', nTrials, 1);
    this.task = createTask(this.type, { nSessions: 1, rng: createRandom(seed), options: options as Record<string, unknown> });
  }

  /** The task's trial-0 input (1×nInputs), for an agent that plays the session. */
  initialInputs(): Float64Array {
    return this.task.initialInputs();
  }

  /** Whether every trial has been played. */
  get done(): boolean {
    return this.trials.length >= this.nTrials;
  }

  /** Whether the current trial waits for its second-stage choice. */
  get inSecondStage(): boolean {
    return this.pending !== undefined;
  }

  /**
   * The first-stage (or only) choice of the next trial, with its reaction time in ms. A bandit
   * trial ends here; a two-stage trial moves to the state it reached.
   */
  choose(choice: number, rt?: number): ChoiceResult {
    if (this.done) throw new ConfigError([`all ${this.nTrials} trials have been played`]);
    if (this.pending) throw new ConfigError([`trial ${this.trials.length} waits for its second-stage choice`]);
    checkChoice('choice', choice);
    const reactionTime = checkReactionTime('rt', rt);
    if (this.type !== TaskType.TWO_STAGE) return { stage: 'outcome', trial: this.record(this.task.step([choice]), reactionTime, NaN) };
    const trial = (this.task as TwoStageTask).beginTrial([choice]);
    this.pending = { choice, rt: reactionTime, trial };
    return { stage: 'second', state: trial.stage2States[0], common: trial.common[0] === 1 };
  }

  /** The second-stage choice of a two-stage trial, with its reaction time in ms; ends the trial. */
  chooseSecond(choice: number, rt?: number): ChoiceResult {
    if (!this.pending) throw new ConfigError([`trial ${this.trials.length} has no second stage waiting (${this.type === TaskType.TWO_STAGE ? 'choose the first stage first' : `the ${this.type} task has one stage`})`]);
    checkChoice('stage-2 choice', choice);
    const reactionTime = checkReactionTime('rt2', rt);
    const { trial, rt: rt1 } = this.pending;
    this.pending = undefined;
    return { stage: 'outcome', trial: this.record(trial.complete([choice]), rt1, reactionTime) };
  }

  /**
   * Play a whole trial from its choices at once (a recorded session resumed, a simulated
   * participant): `stage2Choice` is needed for two-stage trials only.
   */
  play(choice: number, stage2Choice?: number, rt?: number, rt2?: number): ParticipantTrial {
    const first = this.choose(choice, rt);
    if (first.stage === 'outcome') return first.trial;
    return (this.chooseSecond(stage2Choice as number, rt2) as { trial: ParticipantTrial }).trial;
  }

  private record(outcome: TrialOutcome, rt: number, rt2: number): ParticipantTrial {
    const { latent } = outcome;
    const reversal = latent.reversal[0];
    this.reversals += reversal;
    const twoStage = this.type === TaskType.TWO_STAGE;
    const trial: ParticipantTrial = {
      trial: outcome.trial,
      choice: outcome.actions[0],
      stage2State: twoStage ? latent.stage2States![0] : -1,
      stage2Choice: twoStage ? latent.stage2Actions![0] : -1,
      reward: outcome.rewards[0],
      block: this.reversals,
      reversal,
      common: twoStage ? latent.common![0] : -1,
      rt,
      rt2: twoStage ? rt2 : NaN,
      outcome,
    };
    this.trials.push(trial);
    return trial;
  }
}
