/**
 * Replay a recording through the bus into a fresh analyzer: what `brain-rnn replay` does. No
 * agent is recomputed; the analyzer folds the recorded events, so the metrics equal those of the
 * live run.
 */
import { isDeepStrictEqual } from 'node:util';
import { createActor } from 'xstate';
import type { AgentMetrics, AnalyzerOutput, AnalyzerState } from '../../src/analysis/online/analyzerState.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';
import type { RecordedFoldState } from '../../src/protocol/recordingSnapshot.js';
import type { HubState, ViewerHub } from '../server/viewerHub.js';
import { analyzerMachine } from '../machines/analyzer.js';
import { EventBus } from '../system/bus.js';
import { parseScenario, type Scenario } from '../system/scenario.js';
import type { ReplayPacer } from './replayPacer.js';
import { replayRecording, type ReplaySummary } from './replayer.js';

export interface ReplayRunOptions {
  speed?: number;
  warn?: (message: string) => void;
  /** Receives the analyzer's outputs, as in a live run. */
  onAnalysis?: (output: AnalyzerOutput) => void;
  onHeader?: (header: RecordingHeader, scenario: Scenario) => void;
  /** Receives every replayed event after the analyzer (the viewer). */
  onEvent?: (event: RunEvent) => void;
  /** Pause, resume, speed and seek controllable while replaying (replaces `speed`). */
  pacer?: ReplayPacer;
  /**
   * With a pacer: the viewer's state to snapshot and restore beside the analyzer's when the
   * timeline seeks (`pacer.requestSeek`), and the trials between snapshots (default 5000). Give
   * `hub` (a viewer hub: its state is captured and restored) rather than `capture`/`restore` to let
   * seeks also use the snapshot lines a recording holds, which carry the analyzer's and a hub's
   * state; with `capture` they are not used (they hold no other state).
   */
  seeking?: {
    hub?: ViewerHub;
    capture?(): unknown;
    restore?(state: unknown): void;
    snapshotTrials?: number;
    onSeeked?(episode: number): void;
  };
  /**
   * With `seeking`: called each time the replay reaches the end, with what a finished replay
   * returns; the replay then waits for the pacer's next seek (the timeline still works) until
   * `pacer.close()`. Without it the replay returns at the end.
   */
  onEnd?: (result: ReplaySummary & { metrics: AgentMetrics[]; scenario: Scenario }) => void;
}

/**
 * @example
 * const { metrics } = await runReplay('scenarios/recordings/run.ndjson.gz', { speed: 4 });
 */
export async function runReplay(path: string, options: ReplayRunOptions = {}): Promise<ReplaySummary & { metrics: AgentMetrics[]; scenario: Scenario }> {
  const { speed, warn, onAnalysis, onHeader, onEvent, pacer, seeking, onEnd } = options;
  const analyzerState = () => analyzer!.getSnapshot().context.state;
  const hub = seeking?.hub;
  const capture = seeking?.capture ?? (() => hub?.captureState());
  const restore = seeking?.restore ?? ((state: unknown) => hub?.restoreState(state as HubState));
  const bus = new EventBus();
  let analyzer: ReturnType<typeof createActor<typeof analyzerMachine>> | undefined;
  let scenario: Scenario | undefined;
  let failure: unknown;
  try {
    const summary = await replayRecording(path, {
      speed,
      warn,
      ...(pacer && { pace: (time: number | undefined, trial: boolean) => pacer.pace(time, trial) }),
      ...(pacer && {
        seeking: {
          takeSeek: () => pacer.takeSeek(),
          closed: () => pacer.isClosed,
          // The analyzer's fold and the caller's (the viewer hub) go back together.
          capture: () => ({ analyzer: analyzerState().capture(), caller: capture() }),
          restore: (saved: unknown) => {
            const { analyzer: folded, caller } = saved as { analyzer: AnalyzerState; caller: unknown };
            analyzerState().restoreFrom(folded);
            restore(caller);
          },
          ...(seeking?.capture === undefined && {
            recorded: {
              refuse: (settings: unknown) => {
                const { analyzer: recordedAnalyzer, hub: recordedHub } = (settings ?? {}) as { analyzer?: unknown; hub?: unknown };
                // Compared as written: JSON drops undefined fields.
                if (!isDeepStrictEqual(recordedAnalyzer, JSON.parse(JSON.stringify(scenario!.analyzer)))) return `their analyzer settings ${JSON.stringify(recordedAnalyzer)} are not the scenario's ${JSON.stringify(scenario!.analyzer)}`;
                if (hub && !isDeepStrictEqual(recordedHub, hub.foldSettings())) return `their viewer-hub settings ${JSON.stringify(recordedHub)} are not this viewer's ${JSON.stringify(hub.foldSettings())}`;
                return undefined;
              },
              restore: (state: RecordedFoldState) => {
                analyzerState().restoreFrom(state.analyzer as AnalyzerState);
                hub?.restoreState(state.hub as HubState);
              },
            },
          }),
          snapshotTrials: seeking?.snapshotTrials,
          onSeeked: seeking?.onSeeked,
          ...(onEnd && seeking && {
            atEnd: (summary: ReplaySummary) => {
              // The end as a finished replay would report it, then wait for a seek back.
              analyzer!.send({ type: 'analysis.finish' });
              if (failure !== undefined) throw failure;
              onEnd({ ...summary, metrics: analyzerState().metrics(), scenario: scenario! });
              return pacer.nextSeek();
            },
          }),
        },
      }),
      onHeader: (header) => {
        // A replay allocates none of the run's memory: the scenario's memory limit does not apply.
        scenario = parseScenario(header.scenario, { what: `${path}: header.scenario`, maxMemoryBytes: Infinity });
        analyzer = createActor(analyzerMachine, { input: { settings: scenario.analyzer } });
        analyzer.subscribe({ error: (error) => (failure ??= error) });
        if (onAnalysis) analyzer.on('*', onAnalysis);
        analyzer.start();
        bus.events$.subscribe((event) => analyzer!.send(event));
        if (onEvent) bus.events$.subscribe(onEvent);
        onHeader?.(header, scenario);
      },
      onEvent: (event) => {
        if (failure !== undefined) throw failure;
        bus.publish(event);
      },
    });
    // A recording cut off before its end event still reports its last partial bins.
    analyzer!.send({ type: 'analysis.finish' });
    if (failure !== undefined) throw failure;
    return { ...summary, metrics: analyzer!.getSnapshot().context.state.metrics(), scenario: scenario! };
  } finally {
    analyzer?.stop();
    bus.complete();
  }
}
