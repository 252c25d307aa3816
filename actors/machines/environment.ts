/**
 * The environment actor: owns one task cohort per episode (a fresh instance from the episode's
 * seed), plays the choices its agent sends and publishes each trial on the bus, as typed-array
 * columns for the whole cohort, together with the next trial's network inputs that the task
 * computed (so that no consumer encodes them again).
 *
 * The task instance is the environment's owned resource: stepping it advances its generators.
 * Everything else in the context changes through `assign`.
 */
import { assign, setup } from 'xstate';
import { createRandom } from '../../src/random.js';
import type { CohortTask, Stage2Chooser, TrialOutcome } from '../../src/tasks/cohortTask.js';
import { createTask } from '../../src/tasks/createTask.js';
import { EVENT_VERSION, type RunEvent } from '../../src/protocol/events.js';

export interface EnvironmentInput {
  agent: string;
  taskType: string;
  taskOptions: Record<string, unknown>;
  nSessions: number;
  publish: (event: RunEvent) => void;
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

interface EnvironmentContext extends EnvironmentInput {
  task: CohortTask | undefined;
  phase: number;
  episode: number;
  rewardSum: number;
  trials: number;
  /** The outcome of the trial just played, until it is published. */
  outcome: TrialOutcome | undefined;
}

export const environmentMachine = setup({
  types: { context: {} as EnvironmentContext, events: {} as EnvironmentEvent, input: {} as EnvironmentInput },
  actions: {
    startEpisode: assign(({ context, event }) => {
      if (event.type !== 'episode.start') return {};
      const task = createTask(context.taskType, { nSessions: context.nSessions, rng: createRandom(event.taskSeed), options: structuredClone(context.taskOptions) });
      return { task, phase: event.phase, episode: event.episode, rewardSum: 0, trials: 0 };
    }),
    announceEpisode: ({ context, event }) => {
      if (event.type !== 'episode.start') return;
      context.publish({ type: 'episode.started', v: EVENT_VERSION, agent: context.agent, phase: event.phase, episode: event.episode, taskSeed: event.taskSeed });
    },
    step: assign(({ context, event }) => {
      if (event.type !== 'actions.chosen' || context.task === undefined) return {};
      const outcome = context.task.step(event.actions, event.stage2);
      let reward = 0;
      for (let s = 0; s < context.nSessions; s++) reward += outcome.rewards[s];
      return { outcome, rewardSum: context.rewardSum + reward, trials: context.trials + 1 };
    }),
    publishTrial: ({ context, event }) => {
      const { outcome, task } = context;
      if (event.type !== 'actions.chosen' || outcome === undefined || task === undefined) return;
      const { latent } = outcome;
      context.publish({
        type: 'trial.completed', v: EVENT_VERSION, agent: context.agent, phase: context.phase, episode: context.episode,
        trial: outcome.trial, nSessions: context.nSessions, nActions: task.nActions,
        actions: outcome.actions, rewards: outcome.rewards, policy: event.policy, values: event.values,
        betterAction: latent.betterAction, reversal: latent.reversal, actionRewardProbs: latent.actionRewardProbs,
        ...(event.learnerPolicy && { learnerPolicy: event.learnerPolicy }),
        ...(latent.stage2States && { stage2States: latent.stage2States, stage2Actions: latent.stage2Actions, common: latent.common }),
        ...(latent.volatile && { volatile: latent.volatile }),
        nextInputs: outcome.nextInputs,
      });
    },
    finishEpisode: ({ context, event }) => {
      if (event.type !== 'episode.finish') return;
      const { agent, phase, episode, trials, rewardSum, nSessions } = context;
      context.publish({
        type: 'episode.completed', v: EVENT_VERSION, agent, phase, episode, trials,
        meanReward: trials > 0 ? rewardSum / (trials * nSessions) : 0, time: event.time,
      });
    },
  },
}).createMachine({
  id: 'environment',
  context: ({ input }) => ({ ...input, task: undefined, phase: 0, episode: 0, rewardSum: 0, trials: 0, outcome: undefined }),
  initial: 'idle',
  states: {
    idle: { on: { 'episode.start': { target: 'playing', actions: ['startEpisode', 'announceEpisode'] } } },
    playing: {
      on: {
        'episode.start': { actions: ['startEpisode', 'announceEpisode'] },
        'actions.chosen': { actions: ['step', 'publishTrial'] },
        'episode.finish': { actions: 'finishEpisode' },
      },
    },
  },
});
