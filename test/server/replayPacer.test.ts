import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { settle } from '../actors/settle.js';
import { runLive } from '../../actors/io/liveRun.js';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { tinyScenario } from '../actors/fixtures.js';

describe('ReplayPacer', () => {
  it('pace(time) needs no wait at full speed and waits for resume() when paused (SimulatedClock)', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReplayPacer({ clock });
    expect(pacer.pace(0)).toBeUndefined();
    expect(pacer.pace(undefined)).toBeUndefined();
    pacer.pause();
    let released = false;
    const wait = pacer.pace(5)!.then(() => (released = true));
    clock.increment(60_000);
    await settle();
    expect(released).toBe(false);
    pacer.resume();
    await wait;
    expect(released).toBe(true);
  });

  it('pace(time) at speed 2 waits half the recorded gap, measured from the last recorded time (SimulatedClock)', async () => {
    const clock = new SimulatedClock();
    clock.set(1000);
    const pacer = new ReplayPacer({ speed: 2, clock });
    await pacer.pace(100);
    // Due at wall 1000 + (140 − 100) / 2 = 1020: at 1019 it still waits, at 1020 it is released.
    let released = false;
    const wait = pacer.pace(140)!.then(() => (released = true));
    clock.increment(19);
    await settle();
    expect(released).toBe(false);
    clock.increment(1);
    await wait;
    expect(released).toBe(true);
    expect(clock.now()).toBe(1020);
    pacer.setSpeed(Infinity);
    expect(pacer.pace(10_000)).toBeUndefined();
  });

  it('rejects a speed that is not > 0', () => {
    expect(() => new ReplayPacer({ speed: 0 })).toThrow('speed must be a number > 0, got 0');
  });

  it('runReplay(path, { pacer, onEvent }) feeds a viewer hub the same trials as the live run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'brain-rnn-pacer-')), 'run.ndjson');
    const liveHub = new ViewerHub({ mode: 'live' });
    await runLive(tinyScenario(), { record: path, onEvent: (e) => liveHub.event(e), onAnalysis: (output) => liveHub.analysis(output) });
    const replayHub = new ViewerHub({ mode: 'replay' });
    const pacer = new ReplayPacer();
    replayHub.setControls({ pause: () => pacer.pause(), resume: () => pacer.resume(), setSpeed: (s) => pacer.setSpeed(s) });
    const replay = await runReplay(path, { pacer, onEvent: (e) => replayHub.event(e), onAnalysis: (output) => replayHub.analysis(output) });
    expect(replay.truncated).toBe(false);
    const strip = ({ status: _s, ...rest }: ReturnType<ViewerHub['snapshot']>) => rest;
    expect(strip(replayHub.snapshot())).toEqual(strip(liveHub.snapshot()));
    expect(replayHub.runStatus()).toMatchObject({ mode: 'replay', state: 'completed', trials: 120, totalTrials: 120 });
  });
});
