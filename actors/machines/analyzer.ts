/**
 * The analyzer actor: folds every bus event into rolling metrics (AnalyzerState) and, after each
 * episode of an agent, reports that agent's metrics (`metrics.updated`). Metrics are derived, so
 * they are not recorded: a replay recomputes them from the recorded events.
 *
 * It is an XState transition actor (`fromTransition`), not a state machine: it has no states to
 * move between, only a fold over every event, and a transition actor does that at a fraction of a
 * machine's per-event cost (it sees every trial event of every agent).
 */
import { fromTransition } from 'xstate';
import { AnalyzerState, type AgentMetrics, type AnalyzerSettings } from '../../src/analysis/online/analyzerState.js';
import type { RunEvent } from '../../src/protocol/events.js';

export interface MetricsUpdatedEvent {
  type: 'metrics.updated';
  agent: string;
  metrics: AgentMetrics;
}

export interface AnalyzerInput {
  settings: AnalyzerSettings;
  /** Receives `metrics.updated` after each completed episode (the viewer's feed). */
  onMetrics?: (event: MetricsUpdatedEvent) => void;
}

export interface AnalyzerContext {
  state: AnalyzerState;
  onMetrics?: AnalyzerInput['onMetrics'];
}

export const analyzerMachine = fromTransition<AnalyzerContext, RunEvent, never, AnalyzerInput>(
  (context, event) => {
    context.state.apply(event);
    if (event.type === 'episode.completed' && context.onMetrics) {
      const metrics = context.state.agentMetrics(event.agent);
      if (metrics) context.onMetrics({ type: 'metrics.updated', agent: event.agent, metrics });
    }
    return context;
  },
  ({ input }) => ({ state: new AnalyzerState(input.settings), onMetrics: input.onMetrics }),
);
