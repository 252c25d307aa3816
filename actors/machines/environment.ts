/**
 * The environment actor: owns one task cohort per episode (a fresh instance from the episode's
 * seed), plays the choices its agent sends and publishes each trial on the bus, as typed-array
 * columns for the whole cohort, together with the next trial's network inputs that the task
 * computed (so that no consumer encodes them again).
 *
 * It is an XState transition actor (`fromTransition`), like the agent and the analyzer: it
 * handles one event per trial, and the machine machinery (transition selection, entry and exit
 * sets, assign) cost about a tenth of a trial's time in the actor pipeline. An episode's start
 * returns a new context; a trial only advances the episode's owned resources in place, the task
 * instance and its tally (copying a dozen-key context per trial cost an allocation and, as the
 * tally's numbers changed representation, re-optimisations of this function). Its effects are the
 * `publish` and `createTask` functions of its input, which tests replace.
 */
import { fromTransition } from 'xstate';
import { createRandom } from '../../src/random.js';
import type { CohortTask, Stage2Chooser, TrialOutcome } from '../../src/tasks/cohortTask.js';
import { createTask, type CreateTaskArgs } from '../../src/tasks/createTask.js';
import { EVENT_VERSION, type RunEvent, type TrialCompletedEvent } from '../../src/protocol/events.js';

export interface EnvironmentInput {
  agent: string;
  taskType: string;
  taskOptions: Record<string, unknown>;
  nSessions: number;
  publish: (event: RunEvent) => void;
  /** Builds each episode's task (default: `createTask`; tests swap it). */
  createTask?: (type: string, args: CreateTaskArgs) => CohortTask;
}

/** What the agent chose for the coming trial (columns of length S, or S×nActions). */
export interface Choice {
  actions: Int8Array;
  policy: Float32Array;
  values: Float32Array;
  learnerPolicy?: Float32Array;
  stage2?: Stage2Chooser;
}

export type ActionsChosenEvent = { type: 'actions.chosen' } & Choice;

export type EnvironmentEvent =
  | { type: 'episode.start'; phase: number; episode: number; taskSeed: number }
  | ActionsChosenEvent
  | { type: 'episode.finish'; time: number };

/** What the current episode has paid so far, summed over the cohort. */
export interface EpisodeTally {
  rewardSum: number;
  trials: number;
}

export interface EnvironmentContext extends EnvironmentInput {
  /** The current episode's task (undefined before the first episode). */
  task: CohortTask | undefined;
  phase: number;
  episode: number;
  /** The current episode's tally, advanced in place by each trial (a fresh one per episode). */
  tally: EpisodeTally;
}

/** Where a trial event belongs: its agent, phase and episode, and the cohort's size. */
export interface TrialEventPlace {
  agent: string;
  phase: number;
  episode: number;
  nSessions: number;
}

/**
 * The trial event of an outcome: the task's columns and latent truth, the agent's choice. Also
 * what `brain-rnn play` publishes for a person.
 * @example
 * const event = trialEvent({ agent: 'P01', phase: 0, episode: 0, nSessions: 1 }, task, outcome, { policy, values });
 */
export function trialEvent(place: TrialEventPlace, task: Pick<CohortTask, 'nActions'>, outcome: TrialOutcome, choice: Pick<Choice, 'policy' | 'values' | 'learnerPolicy'>): TrialCompletedEvent {
  const { latent } = outcome;
  const event: TrialCompletedEvent = {
    type: 'trial.completed', v: EVENT_VERSION, agent: place.agent, phase: place.phase, episode: place.episode,
    trial: outcome.trial, nSessions: place.nSessions, nActions: task.nActions,
    actions: outcome.actions, rewards: outcome.rewards, policy: choice.policy, values: choice.values,
    betterAction: latent.betterAction, reversal: latent.reversal, actionRewardProbs: latent.actionRewardProbs,
  } as TrialCompletedEvent;
  // The optional columns are assigned, not spread into the literal (a spread of a maybe-object
  // takes V8's generic copy every trial); the key order, which a recording keeps, is the same.
  if (choice.learnerPolicy) event.learnerPolicy = choice.learnerPolicy;
  if (latent.stage2States) {
    event.stage2States = latent.stage2States;
    event.stage2Actions = latent.stage2Actions;
    event.common = latent.common;
  }
  if (latent.volatile) event.volatile = latent.volatile;
  event.nextInputs = outcome.nextInputs;
  return event;
}

/**
 * The environment's reaction to one event: the new context (publishing what happened on the way).
 * @example
 * const next = environmentTransition(context, { type: 'episode.finish', time: 120 });
 */
export function environmentTransition(context: EnvironmentContext, event: EnvironmentEvent): EnvironmentContext {
  switch (event.type) {
    case 'episode.start': {
      const { phase, episode, taskSeed } = event;
      const build = context.createTask ?? createTask;
      const task = build(context.taskType, { nSessions: context.nSessions, rng: createRandom(taskSeed), options: structuredClone(context.taskOptions) });
      context.publish({ type: 'episode.started', v: EVENT_VERSION, agent: context.agent, phase, episode, taskSeed });
      return { ...context, task, phase, episode, tally: { rewardSum: 0, trials: 0 } };
    }
    case 'actions.chosen': {
      const { task } = context;
      if (task === undefined) return context;
      const outcome = task.step(event.actions, event.stage2);
      let reward = 0;
      for (let s = 0; s < context.nSessions; s++) reward += outcome.rewards[s];
      context.tally.rewardSum += reward;
      context.tally.trials += 1;
      context.publish(trialEvent(context, task, outcome, event));
      return context;
    }
    case 'episode.finish': {
      const { agent, phase, episode, nSessions, tally: { trials, rewardSum } } = context;
      context.publish({
        type: 'episode.completed', v: EVENT_VERSION, agent, phase, episode, trials,
        meanReward: trials > 0 ? rewardSum / (trials * nSessions) : 0, time: event.time,
      });
      return context;
    }
  }
  return context;
}

/** The initial context of an environment. */
export const initialEnvironmentContext = ({ input }: { input: EnvironmentInput }): EnvironmentContext => ({
  ...input, task: undefined, phase: 0, episode: 0, tally: { rewardSum: 0, trials: 0 },
});

export const environmentMachine = fromTransition<EnvironmentContext, EnvironmentEvent, never, EnvironmentInput>(environmentTransition, initialEnvironmentContext);
