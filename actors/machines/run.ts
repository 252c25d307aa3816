/**
 * The run (system) machine: plays a scenario's phases and episodes through the environment and
 * agent actors, `trialsPerTick` trials per tick played synchronously (so the actor layer costs
 * little per trial), then yields for an XState delay, so `run.pause`, `run.resume` and `run.stop`
 * are handled between ticks. Where the run stands lives in a cursor object the ticks advance.
 */
import { assign, fromPromise, setup, type ActorRefFrom } from 'xstate';
import type { Random } from '../../src/random.js';
import type { agentMachine } from './agent.js';
import type { environmentMachine } from './environment.js';
import { EVENT_VERSION, type RunEvent } from '../../src/protocol/events.js';
import type { Scenario } from '../system/scenario.js';

export interface Lane {
  id: string;
  environment: ActorRefFrom<typeof environmentMachine>;
  agent: ActorRefFrom<typeof agentMachine>;
}

/** Where the run stands; mutated by the ticks. */
export interface RunCursor {
  phase: number;
  episodeInPhase: number;
  /** Episodes started so far, over all phases (the next episode's index). */
  episode: number;
  /** Next trial within the episode. */
  trial: number;
  /** Trials played so far (per agent). */
  trialsPlayed: number;
  finished: boolean;
}

export interface RunInput {
  scenario: Scenario;
  lanes: Lane[];
  /** Draws each episode's task seed (the same task instances for every agent). */
  taskSeeds: Random;
  publish: (event: RunEvent) => void;
  /** Milliseconds since the run started (recorded in episode and control events). */
  now: () => number;
  /** Resolves when the recorder can take more (bounded memory). */
  backpressure?: () => Promise<void>;
  /** Called after every tick with the trials played so far and the total. */
  onProgress?: (played: number, total: number) => void;
}

interface RunContext extends RunInput {
  cursor: RunCursor;
  totalTrials: number;
  error?: unknown;
}

export type RunCommand = { type: 'run.pause' } | { type: 'run.resume' } | { type: 'run.stop'; reason?: string };

/** Play up to `trialsPerTick` trials of every lane; returns whether the run is finished. */
export function playTrials(context: RunContext): boolean {
  const { scenario, lanes, cursor, publish, taskSeeds } = context;
  const T = scenario.trialsPerEpisode;
  for (let k = 0; k < scenario.run.trialsPerTick && !cursor.finished; k++) {
    if (cursor.trial === 0) {
      const phase = scenario.phases[cursor.phase];
      if (cursor.episodeInPhase === 0) publish({ type: 'phase.started', v: EVENT_VERSION, phase: cursor.phase, name: phase.name, learning: phase.learning });
      const taskSeed = taskSeeds.integer(0, 2 ** 31 - 1);
      for (const lane of lanes) lane.environment.send({ type: 'episode.start', phase: cursor.phase, episode: cursor.episode, taskSeed });
    }
    for (const lane of lanes) {
      lane.agent.send({ type: 'trial.requested' });
      lane.environment.send({ type: 'actions.chosen', ...lane.agent.getSnapshot().context.choice! });
    }
    cursor.trial += 1;
    cursor.trialsPlayed += 1;
    if (cursor.trial === T) {
      const time = context.now();
      for (const lane of lanes) lane.environment.send({ type: 'episode.finish', time });
      cursor.trial = 0;
      cursor.episode += 1;
      cursor.episodeInPhase += 1;
      if (cursor.episodeInPhase === scenario.phases[cursor.phase].episodes) {
        cursor.phase += 1;
        cursor.episodeInPhase = 0;
        cursor.finished = cursor.phase === scenario.phases.length;
      }
    }
  }
  return cursor.finished;
}

export const runMachine = setup({
  types: { context: {} as RunContext, events: {} as RunCommand, input: {} as RunInput },
  actors: {
    playChunk: fromPromise<boolean, RunContext>(async ({ input }) => {
      const finished = playTrials(input);
      input.onProgress?.(input.cursor.trialsPlayed, input.totalTrials);
      await input.backpressure?.();
      return finished;
    }),
  },
  delays: { tick: 0 },
  actions: {
    announce: ({ context }, type: 'run.paused' | 'run.resumed' | 'run.completed') => context.publish({ type, v: EVENT_VERSION, time: context.now() }),
    announceStop: ({ context, event }) =>
      context.publish({ type: 'run.stopped', v: EVENT_VERSION, time: context.now(), ...(event.type === 'run.stop' && event.reason ? { reason: event.reason } : {}) }),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    ...input,
    cursor: { phase: 0, episodeInPhase: 0, episode: 0, trial: 0, trialsPlayed: 0, finished: false },
    totalTrials: input.scenario.phases.reduce((sum, p) => sum + p.episodes, 0) * input.scenario.trialsPerEpisode,
  }),
  initial: 'running',
  states: {
    running: {
      initial: 'stepping',
      states: {
        stepping: {
          invoke: {
            src: 'playChunk',
            input: ({ context }) => context,
            onDone: [{ guard: ({ event }) => event.output, target: '#run.completed' }, { target: 'resting' }],
            onError: { target: '#run.failed', actions: assign({ error: ({ event }) => event.error }) },
          },
        },
        resting: { after: { tick: 'stepping' } },
      },
      on: {
        'run.pause': { target: 'paused', actions: { type: 'announce', params: 'run.paused' } },
        'run.stop': { target: 'stopped' },
      },
    },
    paused: {
      on: {
        'run.resume': { target: 'running', actions: { type: 'announce', params: 'run.resumed' } },
        'run.stop': { target: 'stopped' },
      },
    },
    completed: { type: 'final', entry: { type: 'announce', params: 'run.completed' } },
    stopped: { type: 'final', entry: 'announceStop' },
    failed: { type: 'final' },
  },
});
