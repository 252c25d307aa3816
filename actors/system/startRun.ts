/**
 * Start a scenario: build every agent, spawn one environment, agent and trainer actor per agent,
 * one analyzer, and the run machine; connect them through the event bus. This file is the only
 * wiring: which actor hears which events, where an agent's choice goes (to its environment), and
 * where an error inside any actor goes (to the run machine, which ends in `failed` and publishes
 * `run.failed`, naming the agent, its role and the phase).
 */
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { createActor, type ActorOptions, type AnyActorLogic, type AnyActorRef } from 'xstate';
import type { Subscription } from 'rxjs';
import type { AgentMetrics, AnalyzerOutput } from '../../src/analysis/online/analyzerState.js';
import { formatFailure } from '../../src/analysis/online/formatSummary.js';
import { EVENT_VERSION, type ActorRole, type AgentInfo, type RunEvent } from '../../src/protocol/events.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import { agentMachine } from '../machines/agent.js';
import { analyzerMachine } from '../machines/analyzer.js';
import { environmentMachine } from '../machines/environment.js';
import { runMachine, type ActorFailure, type Lane, type RecordedFailure, type RunCursor } from '../machines/run.js';
import { trainerMachine } from '../machines/trainer.js';
import { buildAgent, buildCognitiveAgent } from './agentFactory.js';
import { EventBus } from './bus.js';
import { runStreams } from './runStreams.js';
import { yieldingClock } from './yieldingClock.js';
import type { Scenario } from './scenario.js';

/** The machines a run is made of; tests replace one (usually `.provide()`d with a swapped effect). */
export interface RunMachines {
  environment: typeof environmentMachine;
  agent: typeof agentMachine;
  trainer: typeof trainerMachine;
  analyzer: typeof analyzerMachine;
  run: typeof runMachine;
}

export interface RunSystemOptions {
  /** Called with every event before anyone else (the recorder). */
  onEvent?: (event: RunEvent) => void;
  /** Receives the analyzer's outputs (metrics after each episode, trial bins, weight metrics). */
  onAnalysis?: (output: AnalyzerOutput) => void;
  onProgress?: (played: number, total: number) => void;
  backpressure?: () => Promise<void>;
  /** Milliseconds since the start (default: wall clock). */
  now?: () => number;
  /** XState clock for the tick delays (default: `yieldingClock`; tests: SimulatedClock). */
  clock?: ActorOptions<AnyActorLogic>['clock'];
  /** Replacement machines (tests). */
  machines?: Partial<RunMachines>;
}

export interface RunResult {
  status: 'completed' | 'stopped' | 'failed';
  cursor: RunCursor;
  metrics: AgentMetrics[];
  /** Why the run failed (status 'failed'). */
  failure?: RecordedFailure & { summary: string };
}

export interface RunSystem {
  bus: EventBus;
  run: ReturnType<typeof createActor<typeof runMachine>>;
  /** Current metrics of every agent. */
  metrics(): AgentMetrics[];
  pause(): void;
  resume(): void;
  stop(reason?: string): void;
  /** End the run in `failed` for an error outside its actors (e.g. the recorder's), as an actor's error would. */
  fail(role: ActorRole, error: unknown): void;
  /** Resolves when the run completes, is stopped or fails. */
  done: Promise<RunResult>;
  /** Each network agent's model (trained in place), by agent id: what `live --save-models` keeps. */
  models: ReadonlyMap<string, RecurrentModel>;
}

/**
 * @example
 * const system = startRun(parseScenario(json), { onProgress: (n, total) => bar.update(n) });
 * const { metrics } = await system.done;
 */
export function startRun(scenario: Scenario, options: RunSystemOptions = {}): RunSystem {
  const start = performance.now();
  const { onEvent, onAnalysis, onProgress, backpressure, now = () => Math.round(performance.now() - start), clock = yieldingClock } = options;
  const machines: RunMachines = {
    environment: environmentMachine, agent: agentMachine, trainer: trainerMachine, analyzer: analyzerMachine, run: runMachine, ...options.machines,
  };
  const bus = new EventBus();
  const publish = (event: RunEvent) => bus.publish(event);
  const subscriptions: Subscription[] = [];
  if (onEvent) subscriptions.push(bus.events$.subscribe(onEvent));

  // Where the run stands, for naming the phase of a failure.
  let phase = 0;
  subscriptions.push(bus.select(['phase.started']).subscribe((e) => (phase = e.phase)));
  let failure: ActorFailure | undefined;
  let run: RunSystem['run'] | undefined;
  const fail = (role: ActorRole, agent: string | undefined, error: unknown) => {
    if (failure) return;
    failure = { role, ...(agent !== undefined && { agent }), phase, message: error instanceof Error ? error.message : String(error), error };
    // A run already over has nothing left to stop (one not yet started queues the report).
    if (run?.getSnapshot().status === 'active') run.send({ type: 'actor.failed', ...failure });
  };
  const actors: AnyActorRef[] = [];
  const watch = <A extends AnyActorRef>(actor: A, role: ActorRole, agent: () => string | undefined): A => {
    actor.subscribe({ error: (error: unknown) => fail(role, agent(), error) });
    actors.push(actor);
    return actor;
  };

  const taskType = parseTaskType(scenario.task.type);
  const streams = runStreams(scenario.seed, scenario.agents.map((a) => a.id));
  const lanes: Lane[] = [];
  const infos: AgentInfo[] = [];
  const models = new Map<string, RecurrentModel>();
  for (const spec of scenario.agents) {
    const id = spec.id;
    const built = buildAgent(spec.model, taskType, scenario.task.options, streams.init(id));
    if (built.model) models.set(id, built.model);
    const teacher = spec.trainer.mode === 'imitation' ? buildCognitiveAgent(spec.trainer.teacher, taskType, scenario.task.options).agent : undefined;
    const environment = watch(createActor(machines.environment, {
      input: { agent: id, taskType, taskOptions: scenario.task.options, nSessions: spec.nSessions, publish },
    }).start(), 'environment', () => id);
    const agent = watch(createActor(machines.agent, {
      input: { agent: id, learner: built.agent, teacher, taskType, nSessions: spec.nSessions, rng: streams.actions(id) },
    }).start(), 'agent', () => id);
    const trainer = watch(createActor(machines.trainer, {
      input: {
        agent: id, spec: spec.trainer, model: built.model, taskType, nSessions: spec.nSessions, trialsPerEpisode: scenario.trialsPerEpisode,
        weightsEvery: scenario.analyzer.weightsEvery, probeRows: scenario.analyzer.probeRows, publish,
      },
    }).start(), 'trainer', () => id);
    agent.on('actions.chosen', (choice) => environment.send(choice));
    subscriptions.push(bus.select(['phase.started', 'episode.started', 'trial.completed'], id).subscribe((e) => agent.send(e)));
    subscriptions.push(
      bus.select(['phase.started', 'episode.started', 'trial.completed', 'episode.completed'], id).subscribe((e) => {
        // A frozen trainer ignores trials; not sending them saves a machine step per trial.
        if (e.type !== 'trial.completed' || trainer.getSnapshot().value === 'learning') trainer.send(e);
      }),
    );
    lanes.push({ id, environment, agent });
    infos.push({ id, kind: spec.model.kind, label: built.label, nSessions: spec.nSessions, nActions: 2 });
  }
  // The analyzer hears every event; a failure names the agent of the event it was folding.
  let analyzing: RunEvent | undefined;
  const analyzer = watch(createActor(machines.analyzer, { input: { settings: scenario.analyzer } }).start(), 'analyzer',
    () => (analyzing && 'agent' in analyzing ? analyzing.agent : undefined));
  if (onAnalysis) analyzer.on('*', onAnalysis);
  subscriptions.push(bus.events$.subscribe((e) => {
    analyzing = e;
    analyzer.send(e);
  }));

  run = createActor(machines.run, {
    input: { scenario, lanes, taskSeeds: streams.taskSeeds, publish, now, backpressure, onProgress, aborted: () => failure !== undefined },
    clock,
  });
  const metrics = () => analyzer.getSnapshot().context.state.metrics();
  const done = new Promise<RunResult>((resolve) => {
    run!.subscribe({
      next: (snapshot) => {
        if (snapshot.status !== 'done') return;
        const final = metrics();
        for (const s of subscriptions) s.unsubscribe();
        for (const a of actors) a.stop();
        const { cursor, failure: failed } = snapshot.context;
        const result: RunResult = { status: snapshot.value as RunResult['status'], cursor, metrics: final };
        if (failed) result.failure = { ...failed, summary: formatFailure(failed) };
        resolve(result);
      },
    });
  });
  // run.started goes out before the run plays; the run exists already so that a failure while
  // folding it reaches the run, which handles it as soon as it starts.
  publish({
    type: 'run.started', v: EVENT_VERSION, scenario: scenario.name, task: scenario.task.type, trialsPerEpisode: scenario.trialsPerEpisode,
    agents: infos, phases: scenario.phases.map(({ name, episodes, learning }) => ({ name, episodes, learning })),
  });
  run.start();
  return {
    bus, run, metrics, done, models,
    pause: () => run!.send({ type: 'run.pause' }),
    resume: () => run!.send({ type: 'run.resume' }),
    stop: (reason) => run!.send({ type: 'run.stop', reason }),
    fail: (role, error) => fail(role, undefined, error),
  };
}
