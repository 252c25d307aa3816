import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';

/** What a viewer is shown, without the pace and run state (the viewer's own). */
export const shown = (snapshot: SnapshotMessage) => ({ ...snapshot, status: { ...snapshot.status, trialsPerSecond: 0, state: 'any' } });

/**
 * Replay the whole recording into a fresh hub, no seeking; keep the snapshot a viewer had when
 * every agent had completed each of `episodes` episodes (what a seek there must show).
 */
export async function straightReplay(recording: string, episodes: readonly number[]) {
  const hub = new ViewerHub({ mode: 'replay' });
  let completed = 0;
  let agents = 1;
  const at = new Map<number, SnapshotMessage>();
  const result = await runReplay(recording, {
    onEvent: (e) => {
      hub.event(e);
      if (e.type === 'run.started') agents = e.agents.length;
      if (e.type === 'episode.completed' && ++completed % agents === 0 && episodes.includes(completed / agents)) at.set(completed / agents, hub.snapshot());
    },
    onAnalysis: (o) => hub.analysis(o),
  });
  return { at, metrics: result.metrics, final: hub.snapshot(), episodes: Math.floor(completed / agents), truncated: result.truncated };
}
