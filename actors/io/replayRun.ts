/**
 * Replay a recording through the bus into a fresh analyzer: what `brain-rnn replay` does. No
 * agent is recomputed; the metrics equal those of the live run.
 */
import { createActor } from 'xstate';
import { analyzerMachine, type MetricsUpdatedEvent } from '../machines/analyzer.js';
import type { AgentMetrics } from '../../src/analysis/online/analyzerState.js';
import { EventBus } from '../system/bus.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';
import type { ReplayPacer } from './replayPacer.js';
import { replayRecording, type ReplaySummary } from './replayer.js';
import { parseScenario, type Scenario } from '../system/scenario.js';

export interface ReplayRunOptions {
  speed?: number;
  warn?: (message: string) => void;
  onMetrics?: (event: MetricsUpdatedEvent) => void;
  onHeader?: (header: RecordingHeader, scenario: Scenario) => void;
  /** Receives every replayed event after the analyzer (the viewer). */
  onEvent?: (event: RunEvent) => void;
  /** Pause, resume and speed controllable while replaying (replaces `speed`). */
  pacer?: ReplayPacer;
}

/**
 * @example
 * const { metrics } = await runReplay('scenarios/recordings/run.ndjson.gz', { speed: 4 });
 */
export async function runReplay(path: string, options: ReplayRunOptions = {}): Promise<ReplaySummary & { metrics: AgentMetrics[]; scenario: Scenario }> {
  const { speed, warn, onMetrics, onHeader, onEvent, pacer } = options;
  const bus = new EventBus();
  let analyzer: ReturnType<typeof createActor<typeof analyzerMachine>> | undefined;
  let scenario: Scenario | undefined;
  const summary = await replayRecording(path, {
    speed,
    warn,
    ...(pacer && { pace: (time: number | undefined) => pacer.pace(time) }),
    onHeader: (header) => {
      scenario = parseScenario(header.scenario, `${path}: header.scenario`);
      analyzer = createActor(analyzerMachine, { input: { settings: scenario.analyzer, onMetrics } }).start();
      bus.events$.subscribe((event) => analyzer!.send(event));
      if (onEvent) bus.events$.subscribe(onEvent);
      onHeader?.(header, scenario);
    },
    onEvent: (event) => bus.publish(event),
  });
  const metrics = analyzer!.getSnapshot().context.state.metrics();
  analyzer!.stop();
  bus.complete();
  return { ...summary, metrics, scenario: scenario! };
}
