/**
 * Start a scenario: build every agent, spawn one environment, agent and trainer actor per agent,
 * one analyzer, and the run machine; connect them through the event bus.
 */
import { createActor, type ActorOptions, type AnyActorLogic } from 'xstate';
import type { Subscription } from 'rxjs';
import { createRandom } from '../../src/random.js';
import { parseTaskType } from '../../src/tasks/encoding.js';
import { buildAgent, buildCognitiveAgent } from './agentFactory.js';
import { agentMachine } from '../machines/agent.js';
import { analyzerMachine, type MetricsUpdatedEvent } from '../machines/analyzer.js';
import type { AgentMetrics } from '../../src/analysis/online/analyzerState.js';
import { EventBus } from './bus.js';
import { environmentMachine } from '../machines/environment.js';
import { EVENT_VERSION, type AgentInfo, type RunEvent } from '../../src/protocol/events.js';
import { runMachine, type Lane, type RunCursor } from '../machines/run.js';
import type { Scenario } from './scenario.js';
import { trainerMachine } from '../machines/trainer.js';

export interface RunSystemOptions {
  /** Called with every event before anyone else (the recorder). */
  onEvent?: (event: RunEvent) => void;
  onMetrics?: (event: MetricsUpdatedEvent) => void;
  onProgress?: (played: number, total: number) => void;
  backpressure?: () => Promise<void>;
  /** Milliseconds since the start (default: wall clock). */
  now?: () => number;
  /** XState clock for the tick delays (tests: SimulatedClock). */
  clock?: ActorOptions<AnyActorLogic>['clock'];
}

export interface RunResult {
  status: 'completed' | 'stopped' | 'failed';
  cursor: RunCursor;
  metrics: AgentMetrics[];
  error?: unknown;
}

export interface RunSystem {
  bus: EventBus;
  run: ReturnType<typeof createActor<typeof runMachine>>;
  /** Current metrics of every agent. */
  metrics(): AgentMetrics[];
  pause(): void;
  resume(): void;
  stop(reason?: string): void;
  /** Resolves when the run completes, is stopped or fails. */
  done: Promise<RunResult>;
}

/**
 * @example
 * const system = startRun(parseScenario(json), { onProgress: (n, total) => bar.update(n) });
 * const { metrics } = await system.done;
 */
export function startRun(scenario: Scenario, options: RunSystemOptions = {}): RunSystem {
  const start = performance.now();
  const { onEvent, onMetrics, onProgress, backpressure, now = () => Math.round(performance.now() - start), clock } = options;
  const bus = new EventBus();
  const publish = (event: RunEvent) => bus.publish(event);
  const subscriptions: Subscription[] = [];
  if (onEvent) subscriptions.push(bus.events$.subscribe(onEvent));

  const taskType = parseTaskType(scenario.task.type);
  const streams = createRandom(scenario.seed).split(1 + 2 * scenario.agents.length);
  const lanes: Lane[] = [];
  const infos: AgentInfo[] = [];
  const actors: { stop(): void }[] = [];
  scenario.agents.forEach((spec, i) => {
    const built = buildAgent(spec.model, taskType, scenario.task.options, streams[1 + 2 * i]);
    const teacher = spec.trainer.mode === 'imitation' ? buildCognitiveAgent(spec.trainer.teacher, scenario.task.options).agent : undefined;
    const environment = createActor(environmentMachine, {
      input: { agent: spec.id, taskType, taskOptions: scenario.task.options, nSessions: spec.nSessions, publish },
    }).start();
    const agent = createActor(agentMachine, {
      input: { agent: spec.id, learner: built.agent, teacher, taskType, nSessions: spec.nSessions, rng: streams[2 + 2 * i] },
    }).start();
    const trainer = createActor(trainerMachine, {
      input: {
        agent: spec.id, spec: spec.trainer, model: built.model, taskType, nSessions: spec.nSessions, trialsPerEpisode: scenario.trialsPerEpisode,
        weightsEvery: scenario.analyzer.weightsEvery, probeRows: scenario.analyzer.probeRows, publish,
      },
    }).start();
    subscriptions.push(bus.select(['phase.started', 'episode.started', 'trial.completed'], spec.id).subscribe((e) => agent.send(e)));
    subscriptions.push(
      bus.select(['phase.started', 'episode.started', 'trial.completed', 'episode.completed'], spec.id).subscribe((e) => {
        // A frozen trainer ignores trials; not sending them saves a machine step per trial.
        if (e.type !== 'trial.completed' || trainer.getSnapshot().value === 'learning') trainer.send(e);
      }),
    );
    actors.push(environment, agent, trainer);
    lanes.push({ id: spec.id, environment, agent });
    infos.push({ id: spec.id, kind: spec.model.kind, label: built.label, nSessions: spec.nSessions, nActions: 2 });
  });
  const analyzer = createActor(analyzerMachine, { input: { settings: scenario.analyzer, onMetrics } }).start();
  subscriptions.push(bus.events$.subscribe((e) => analyzer.send(e)));
  actors.push(analyzer);

  publish({
    type: 'run.started', v: EVENT_VERSION, scenario: scenario.name, task: scenario.task.type, trialsPerEpisode: scenario.trialsPerEpisode,
    agents: infos, phases: scenario.phases.map(({ name, episodes, learning }) => ({ name, episodes, learning })),
  });
  const run = createActor(runMachine, { input: { scenario, lanes, taskSeeds: streams[0], publish, now, backpressure, onProgress }, ...(clock && { clock }) });
  const metrics = () => analyzer.getSnapshot().context.state.metrics();
  const done = new Promise<RunResult>((resolve) => {
    run.subscribe({
      next: (snapshot) => {
        if (snapshot.status !== 'done') return;
        const final = metrics();
        for (const s of subscriptions) s.unsubscribe();
        for (const a of actors) a.stop();
        const { cursor, error } = snapshot.context;
        resolve({ status: snapshot.value as RunResult['status'], cursor, metrics: final, ...(error !== undefined && { error }) });
      },
    });
  });
  run.start();
  return {
    bus, run, metrics, done,
    pause: () => run.send({ type: 'run.pause' }),
    resume: () => run.send({ type: 'run.resume' }),
    stop: (reason) => run.send({ type: 'run.stop', reason }),
  };
}
