import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { settle } from '../actors/settle.js';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub, type HubState } from '../../actors/server/viewerHub.js';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';
import { shown, straightReplay } from './straightReplay.js';

/** 3 agents × 11 episodes of 30 trials, gzip from before restart points (so a seek back decompresses from the start and skips). */
const recording = new URL('../fixtures/recordings/two-stage-main.ndjson.gz', import.meta.url).pathname;

/** The snapshot a straight replay showed at `episode`, its metrics and its final snapshot. */
async function reference(episode: number) {
  const { at, metrics, final } = await straightReplay(recording, [episode]);
  return { at: at.get(episode)!, metrics, final };
}

describe('replay timeline (seek)', () => {
  it('a seek back to episode 4 from episode 9 shows exactly what a straight replay showed at episode 4, and the replay then ends with the same metrics', async () => {
    const expected = await reference(4);
    const hub = new ViewerHub({ mode: 'replay' });
    const pacer = new ReplayPacer();
    let completed = 0;
    let requested = false;
    let seeked: SnapshotMessage | undefined;
    const result = await runReplay(recording, {
      pacer,
      onEvent: (e) => {
        hub.event(e);
        if (e.type === 'episode.completed' && ++completed === 9 * 3 && !requested) {
          requested = true;
          pacer.requestSeek(4);
        }
      },
      onAnalysis: (o) => hub.analysis(o),
      // Snapshots every 40 trials: the seek restores the one after episode 2 and re-folds episodes 3 and 4.
      seeking: { capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState), snapshotTrials: 40, onSeeked: () => (seeked = hub.snapshot()) },
    });
    expect(requested).toBe(true);
    expect(seeked!.status.episodes).toBe(4);
    expect(shown(seeked!)).toEqual(shown(expected.at));
    expect(result.metrics).toEqual(expected.metrics);
    expect(shown(hub.snapshot())).toEqual(shown(expected.final));
  });

  it('a seek ahead reads on unpaced to the target; a paused replay stays paused there', async () => {
    const hub = new ViewerHub({ mode: 'replay' });
    // 1000× the recorded pace: without the seek the replay would take a while per episode.
    const pacer = new ReplayPacer({ speed: 0.001 });
    let seekedAt: number | undefined;
    const replay = runReplay(recording, {
      pacer, onEvent: (e) => hub.event(e), onAnalysis: (o) => hub.analysis(o),
      seeking: { capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState), onSeeked: (episode) => (seekedAt = episode) },
    });
    hub.setControls({ pause: () => pacer.pause(), resume: () => pacer.resume(), seek: (episode) => pacer.requestSeek(episode) });
    // Until run.started is read the hub does not know the run's length (a loaded machine takes a while).
    while (hub.runStatus().totalEpisodes === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    pacer.pause();
    expect(hub.control({ type: 'seek', v: 1, episode: 12 })).toBe('seek: episode must be in [0, 11], got 12');
    expect(hub.control({ type: 'seek', v: 1, episode: 7 })).toBeUndefined();
    while (seekedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seekedAt).toBe(7);
    expect(hub.runStatus().episodes).toBe(7);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Paused: nothing moved past the target.
    expect(hub.runStatus().episodes).toBe(7);
    pacer.setSpeed(Infinity);
    pacer.resume();
    const result = await replay;
    expect(result.truncated).toBe(false);
    expect(hub.runStatus().episodes).toBe(11);
  });

  it('ReplayPacer.pace(undefined, true) spaces trial events by the last recorded gap over its trials, not only at episode ends (SimulatedClock)', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReplayPacer({ speed: 1, clock });
    // An episode of 4 trials recorded over 400 ms: the estimate becomes 100 ms per trial.
    await pacer.pace(1000);
    for (let t = 0; t < 4; t++) expect(pacer.pace(undefined, true)).toBeUndefined();
    const episodeEnd = pacer.pace(1400)!;
    clock.increment(400);
    await episodeEnd;
    let released = 0;
    const first = pacer.pace(undefined, true)!.then(() => (released += 1));
    clock.increment(99);
    await settle();
    expect(released).toBe(0);
    clock.increment(1);
    await first;
    expect(released).toBe(1);
    const second = pacer.pace(undefined, true)!.then(() => (released += 1));
    clock.increment(100);
    await second;
    expect(released).toBe(2);
  });

  it('with onEnd the replay waits at its end: a seek back pauses at that episode, resume plays to the end again, close() finishes it', async () => {
    const expected = await reference(3);
    const hub = new ViewerHub({ mode: 'replay' });
    const pacer = new ReplayPacer();
    hub.setControls({ pause: () => pacer.pause(), resume: () => pacer.resume(), seek: (episode) => pacer.requestSeek(episode), seeksAfterEnd: true });
    let ends = 0;
    let seeked: SnapshotMessage | undefined;
    const replay = runReplay(recording, {
      pacer, onEvent: (e) => hub.event(e), onAnalysis: (o) => hub.analysis(o),
      seeking: { capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState), snapshotTrials: 40, onSeeked: () => (seeked = hub.snapshot()) },
      onEnd: (result) => {
        ends += 1;
        expect(result.metrics).toEqual(expected.metrics);
        hub.end('completed');
      },
    });
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await until(() => ends === 1);
    expect(hub.runStatus().state).toBe('completed');
    expect(hub.control({ type: 'seek', v: 1, episode: 3 })).toBeUndefined();
    expect(hub.runStatus().state).toBe('paused');
    await until(() => seeked !== undefined);
    expect(shown(seeked!)).toEqual(shown(expected.at));
    expect(hub.control({ type: 'resume', v: 1 })).toBeUndefined();
    await until(() => ends === 2);
    expect(hub.runStatus().state).toBe('completed');
    expect(shown(hub.snapshot())).toEqual(shown(expected.final));
    pacer.close();
    const result = await replay;
    expect(result.metrics).toEqual(expected.metrics);
  });

  it('close() stops a replay paused mid-recording', async () => {
    const pacer = new ReplayPacer();
    const hub = new ViewerHub({ mode: 'replay' });
    let completed = 0;
    const replay = runReplay(recording, {
      pacer, onEvent: (e) => {
        hub.event(e);
        if (e.type === 'episode.completed' && ++completed === 6) pacer.pause();
      },
      seeking: { capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState) },
    });
    while (!pacer.paused || completed < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    pacer.close();
    const result = await replay;
    expect(completed).toBe(6);
    expect(result.truncated).toBe(false);
  });
});
