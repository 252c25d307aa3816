/**
 * The analyzer actor: runs the live analysis (src/analysis/online, a pure fold of the event
 * stream) and emits what it reports: `trials.binned`, `weights.measured` and, after each episode
 * of an agent, `metrics.updated`. Listeners (the viewer hub, the progress bar) subscribe with
 * `analyzer.on(type, handler)`. The outputs are derived, so they are not recorded: a replay runs
 * the same fold over the recorded events.
 *
 * It is an XState transition actor (`fromTransition`), not a state machine: it has no states to
 * move between, only a fold over every event, and a transition actor does that at a fraction of a
 * machine's per-event cost (it sees every trial event of every agent). The fold is its owned resource.
 */
import { fromTransition } from 'xstate';
import { AnalyzerState, type AnalyzerOutput, type AnalyzerSettings } from '../../src/analysis/online/analyzerState.js';
import type { RunEvent } from '../../src/protocol/events.js';

export type AnalyzerEvent = RunEvent | { type: 'analysis.finish' };

export interface AnalyzerContext {
  state: AnalyzerState;
}

export const analyzerMachine = fromTransition<AnalyzerContext, AnalyzerEvent, never, { settings: AnalyzerSettings }, AnalyzerOutput>(
  (context, event, { emit }) => {
    if (event.type === 'analysis.finish') context.state.finish(emit);
    else context.state.apply(event, emit);
    return context;
  },
  ({ input }) => ({ state: new AnalyzerState(input.settings) }),
);
