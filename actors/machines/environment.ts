/**
 * The environment actor: owns one task cohort per episode (a fresh instance from the episode's
 * seed), plays the actions it is sent and publishes each trial, as typed-array columns for the
 * whole cohort, on the bus.
 */
import { setup } from 'xstate';
import { createRandom } from '../../src/random.js';
import type { CohortTask, Stage2Chooser } from '../../src/tasks/cohortTask.js';
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

export type EnvironmentEvent =
  | { type: 'episode.start'; phase: number; episode: number; taskSeed: number }
  | ({ type: 'actions.chosen' } & Choice)
  | { type: 'episode.finish'; time: number };

interface EnvironmentContext extends EnvironmentInput {
  task: CohortTask | undefined;
  phase: number;
  episode: number;
  rewardSum: number;
  trials: number;
}

export const environmentMachine = setup({
  types: { context: {} as EnvironmentContext, events: {} as EnvironmentEvent, input: {} as EnvironmentInput },
  actions: {
    startEpisode: ({ context, event }) => {
      if (event.type !== 'episode.start') return;
      const { phase, episode, taskSeed } = event;
      context.task = createTask(context.taskType, { nSessions: context.nSessions, rng: createRandom(taskSeed), options: structuredClone(context.taskOptions) });
      context.phase = phase;
      context.episode = episode;
      context.rewardSum = 0;
      context.trials = 0;
      context.publish({ type: 'episode.started', v: EVENT_VERSION, agent: context.agent, phase, episode, taskSeed });
    },
    playTrial: ({ context, event }) => {
      if (event.type !== 'actions.chosen' || context.task === undefined) return;
      const outcome = context.task.step(event.actions, event.stage2);
      const { latent } = outcome;
      for (let s = 0; s < context.nSessions; s++) context.rewardSum += outcome.rewards[s];
      context.trials += 1;
      context.publish({
        type: 'trial.completed',
        v: EVENT_VERSION,
        agent: context.agent,
        phase: context.phase,
        episode: context.episode,
        trial: outcome.trial,
        nSessions: context.nSessions,
        nActions: context.task.nActions,
        actions: outcome.actions,
        rewards: outcome.rewards,
        policy: event.policy,
        values: event.values,
        betterAction: latent.betterAction,
        reversal: latent.reversal,
        actionRewardProbs: latent.actionRewardProbs,
        ...(event.learnerPolicy && { learnerPolicy: event.learnerPolicy }),
        ...(latent.stage2States && { stage2States: latent.stage2States, stage2Actions: latent.stage2Actions, common: latent.common }),
        ...(latent.volatile && { volatile: latent.volatile }),
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
  context: ({ input }) => ({ ...input, task: undefined, phase: 0, episode: 0, rewardSum: 0, trials: 0 }),
  initial: 'idle',
  states: {
    idle: { on: { 'episode.start': { target: 'playing', actions: 'startEpisode' } } },
    playing: {
      on: {
        'episode.start': { actions: 'startEpisode' },
        'actions.chosen': { actions: 'playTrial' },
        'episode.finish': { actions: 'finishEpisode' },
      },
    },
  },
});
