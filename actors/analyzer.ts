/**
 * The analyzer actor: folds every bus event into rolling metrics (AnalyzerState) and, after each
 * episode of an agent, reports that agent's metrics (`metrics.updated`). Metrics are derived, so
 * they are not recorded: a replay recomputes them from the recorded events.
 */
import { setup } from 'xstate';
import { AnalyzerState, type AgentMetrics, type AnalyzerSettings } from './analyzerState.js';
import type { RunEvent } from './events.js';

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

export const analyzerMachine = setup({
  types: { context: {} as { state: AnalyzerState; onMetrics?: AnalyzerInput['onMetrics'] }, events: {} as RunEvent, input: {} as AnalyzerInput },
  actions: {
    fold: ({ context, event }) => {
      context.state.apply(event);
      if (event.type === 'episode.completed' && context.onMetrics) {
        const metrics = context.state.agentMetrics(event.agent);
        if (metrics) context.onMetrics({ type: 'metrics.updated', agent: event.agent, metrics });
      }
    },
  },
}).createMachine({
  id: 'analyzer',
  context: ({ input }) => ({ state: new AnalyzerState(input.settings), onMetrics: input.onMetrics }),
  on: { '*': { actions: 'fold' } },
});
