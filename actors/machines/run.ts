/**
 * The run (system) machine: plays a scenario's phases and episodes through the environment and
 * agent actors, `trialsPerTick` trials per tick played synchronously (so the actor layer costs
 * little per trial), then yields for an XState delay, so `run.pause`, `run.resume` and `run.stop`
 * are handled between ticks. Each tick is the invoked actor `playChunk`, which returns the
 * advanced cursor; the machine `assign`s it. An `actor.failed` report (an error inside any actor of
 * the run, routed here by the system) ends the run in `failed` and publishes `run.failed`.
 */
import { assign, fromPromise, setup, type ActorRefFrom } from 'xstate';
import type { Random } from '../../src/random.js';
import { EVENT_VERSION, type ActorRole, type RunEvent } from '../../src/protocol/events.js';
import type { Scenario } from '../system/scenario.js';
import type { agentMachine } from './agent.js';
import type { environmentMachine } from './environment.js';

export interface Lane {
  id: string;
  environment: ActorRefFrom<typeof environmentMachine>;
  agent: ActorRefFrom<typeof agentMachine>;
}

/** Where the run stands. */
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
  /** True once an actor has failed: the tick in progress stops at the next trial. */
  aborted?: () => boolean;
}

/** What failed, as the system reports it. */
export interface ActorFailure {
  role: ActorRole;
  agent?: string;
  phase: number;
  message: string;
  error: unknown;
}

/** A failure as the run records it: the phase clamped to the scenario's and named. */
export type RecordedFailure = ActorFailure & { phaseName: string };

interface RunContext extends RunInput {
  cursor: RunCursor;
  totalTrials: number;
  failure?: RecordedFailure;
}

export type RunCommand =
  | { type: 'run.pause' }
  | { type: 'run.resume' }
  | { type: 'run.stop'; reason?: string }
  | ({ type: 'actor.failed' } & ActorFailure);

/** Play up to `trialsPerTick` trials of every lane from `context.cursor`; returns the advanced cursor. */
export function playTrials(context: RunContext): RunCursor {
  const { scenario, lanes, publish, taskSeeds, aborted } = context;
  const cursor = { ...context.cursor };
  const T = scenario.trialsPerEpisode;
  for (let k = 0; k < scenario.run.trialsPerTick && !cursor.finished && !aborted?.(); k++) {
    if (cursor.trial === 0) {
      const phase = scenario.phases[cursor.phase];
      if (cursor.episodeInPhase === 0) publish({ type: 'phase.started', v: EVENT_VERSION, phase: cursor.phase, name: phase.name, learning: phase.learning });
      const taskSeed = taskSeeds.integer(0, 2 ** 31 - 1);
      for (const lane of lanes) lane.environment.send({ type: 'episode.start', phase: cursor.phase, episode: cursor.episode, taskSeed });
    }
    // The agent emits its choice, which the system routes to its environment; the environment
    // publishes the trial, which reaches the agent, its trainer and the analyzer on the bus.
    for (const lane of lanes) lane.agent.send({ type: 'trial.requested' });
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
  return cursor;
}

/** The failure with its phase named (a failure after the last phase ended counts in the last phase). */
function recorded(failure: ActorFailure, scenario: Scenario): RecordedFailure {
  const phase = Math.min(failure.phase, scenario.phases.length - 1);
  return { ...failure, phase, phaseName: scenario.phases[phase].name };
}

/** An error of the run's own invoked actors (a tick, the recorder's drain). */
const runFailure = (error: unknown, context: RunContext): RecordedFailure =>
  recorded({ role: 'run', phase: context.cursor.phase, message: error instanceof Error ? error.message : String(error), error }, context.scenario);

export const runMachine = setup({
  types: { context: {} as RunContext, events: {} as RunCommand, input: {} as RunInput },
  actors: {
    playChunk: fromPromise<RunCursor, RunContext>(async ({ input }) => {
      const cursor = playTrials(input);
      input.onProgress?.(cursor.trialsPlayed, input.totalTrials);
      return cursor;
    }),
    drain: fromPromise<void, RunContext>(async ({ input }) => {
      await input.backpressure?.();
    }),
  },
  delays: { tick: 0 },
  actions: {
    announce: ({ context }, type: 'run.paused' | 'run.resumed' | 'run.completed') => context.publish({ type, v: EVENT_VERSION, time: context.now() }),
    announceStop: ({ context, event }) =>
      context.publish({ type: 'run.stopped', v: EVENT_VERSION, time: context.now(), ...(event.type === 'run.stop' && event.reason ? { reason: event.reason } : {}) }),
    takeCursor: assign({ cursor: ({ context, event }) => ('output' in event ? (event.output as RunCursor) : context.cursor) }),
    recordFailure: assign({
      failure: ({ context, event }) => {
        if (event.type !== 'actor.failed') return undefined;
        const { role, agent, phase, message, error } = event;
        return recorded({ role, ...(agent !== undefined && { agent }), phase, message, error }, context.scenario);
      },
    }),
    recordRunError: assign({ failure: ({ context, event }) => runFailure('error' in event ? event.error : event, context) }),
    announceFailure: ({ context }) => {
      const failure = context.failure;
      if (!failure) return;
      const { agent, role, phase, phaseName, message } = failure;
      context.publish({ type: 'run.failed', v: EVENT_VERSION, time: context.now(), ...(agent !== undefined && { agent }), role, phase, phaseName, message });
    },
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    ...input,
    cursor: { phase: 0, episodeInPhase: 0, episode: 0, trial: 0, trialsPlayed: 0, finished: false },
    totalTrials: input.scenario.phases.reduce((sum, p) => sum + p.episodes, 0) * input.scenario.trialsPerEpisode,
  }),
  initial: 'running',
  on: {
    'actor.failed': { target: '.failed', actions: 'recordFailure' },
  },
  states: {
    running: {
      initial: 'stepping',
      states: {
        stepping: {
          invoke: {
            src: 'playChunk',
            input: ({ context }) => context,
            onDone: [
              { guard: ({ context }) => context.backpressure !== undefined, target: 'draining', actions: 'takeCursor' },
              { guard: ({ event }) => event.output.finished, target: '#run.completed', actions: 'takeCursor' },
              { target: 'resting', actions: 'takeCursor' },
            ],
            onError: { target: '#run.failed', actions: 'recordRunError' },
          },
        },
        // With a recorder, it takes the tick's events before the next tick (bounded memory).
        draining: {
          invoke: {
            src: 'drain',
            input: ({ context }) => context,
            onDone: [{ guard: ({ context }) => context.cursor.finished, target: '#run.completed' }, { target: 'resting' }],
            onError: { target: '#run.failed', actions: 'recordRunError' },
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
    failed: { type: 'final', entry: 'announceFailure' },
  },
});
