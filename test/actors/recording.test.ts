import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { runLive } from '../../actors/io/liveRun.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { startRun } from '../../actors/system/startRun.js';
import type { RunEvent } from '../../src/protocol/events.js';
import { settle } from './settle.js';
import { tinyScenario } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-rec-'));
const stripTimes = (text: string) => text.replace(/"(time|startedAt)":("[^"]*"|\d+(\.\d+)?)/g, '"$1":0');

describe('recording and replay', () => {
  it('runReplay(recording) gives exactly the metrics of the live run, gzip or not', async () => {
    for (const name of ['live.ndjson', 'live.ndjson.gz']) {
      const path = join(dir, name);
      const live = await runLive(tinyScenario(), { record: path });
      expect(live.status).toBe('completed');
      const replay = await runReplay(path);
      expect(replay.truncated).toBe(false);
      expect(replay.metrics).toEqual(live.metrics);
      // The run did learn and publish weights, so the comparison covers training and weight metrics.
      expect(live.metrics[0].training?.update).toBe(4);
      expect(live.metrics[0].weights?.update).toBe(4);
      expect(live.metrics[1].training?.mode).toBe('imitation');
    }
  });

  it('the same scenario and seed give a byte-identical log apart from timestamps; another seed does not', async () => {
    const [a, b, c] = ['a.ndjson', 'b.ndjson', 'c.ndjson'].map((n) => join(dir, n));
    await runLive(tinyScenario(), { record: a });
    await runLive(tinyScenario(), { record: b });
    await runLive(tinyScenario(), { record: c, seed: 4 });
    const text = (p: string) => stripTimes(readFileSync(p, 'utf8'));
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toBe(text(c));
  });

  it('never overwrites an existing recording without force', async () => {
    const path = join(dir, 'exists.ndjson');
    writeFileSync(path, 'precious\n');
    await expect(runLive(tinyScenario(), { record: path })).rejects.toThrow(/already exists; pass --force/);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    await runLive(tinyScenario(), { record: path, force: true });
    expect(readFileSync(path, 'utf8').startsWith('{"type":"recording.header"')).toBe(true);
  });

  it('a partial last line replays with a warning; a corrupt middle line is an error naming its line', async () => {
    const path = join(dir, 'full.ndjson');
    await runLive(tinyScenario(), { record: path });
    const lines = readFileSync(path, 'utf8').split('\n');
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, lines.slice(0, 40).join('\n') + '\n' + lines[40].slice(0, 25));
    const warnings: string[] = [];
    const partial = await runReplay(cut, { warn: (m) => warnings.push(m) });
    expect(partial.truncated).toBe(true);
    expect(partial.events).toBe(39);
    expect(warnings).toEqual([`${cut}: line 41 is incomplete (the run was cut off); replayed up to line 40`]);

    const corrupt = join(dir, 'corrupt.ndjson');
    writeFileSync(corrupt, [...lines.slice(0, 10), '{"type":"trial.completed",', ...lines.slice(11)].join('\n'));
    await expect(runReplay(corrupt)).rejects.toThrow(`${corrupt}: line 11 is not valid JSON`);
    const invalid = join(dir, 'invalid.ndjson');
    writeFileSync(invalid, [...lines.slice(0, 5), lines[5].replace(/"episode":\d+/, '"episode":-1'), ...lines.slice(6)].join('\n'));
    await expect(runReplay(invalid)).rejects.toThrow(/line 6\.episode/);
  });

  it('a killed gzip recording (no trailer) still replays up to its last flushed line', async () => {
    const path = join(dir, 'killed.ndjson.gz');
    await runLive(tinyScenario(), { record: path });
    const bytes = readFileSync(path);
    const killed = join(dir, 'killed-cut.ndjson.gz');
    writeFileSync(killed, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const warnings: string[] = [];
    const replay = await runReplay(killed, { warn: (m) => warnings.push(m) });
    expect(replay.events).toBeGreaterThan(10);
    expect(replay.events).toBeLessThan(gunzipSync(bytes).toString('utf8').trim().split('\n').length - 1);
  });
});

describe('run machine', () => {
  it('run.pause holds the run between ticks, run.resume continues it, run.stop ends it (SimulatedClock)', async () => {
    const clock = new SimulatedClock();
    const events: RunEvent[] = [];
    const system = startRun(tinyScenario(), { clock, onEvent: (e) => events.push(e), now: () => 0 });
    await settle();
    const trials = () => events.filter((e) => e.type === 'trial.completed').length;
    // One tick (7 trials × 3 agents) has run; the next waits for the clock.
    expect(trials()).toBe(21);
    system.pause();
    clock.increment(10);
    await settle();
    expect(trials()).toBe(21);
    expect(events.at(-1)?.type).toBe('run.paused');
    system.resume();
    await settle();
    expect(trials()).toBe(42);
    system.stop('enough');
    const result = await system.done;
    expect(result.status).toBe('stopped');
    expect(events.at(-1)).toEqual({ type: 'run.stopped', v: 1, time: 0, reason: 'enough' });
    expect(result.cursor.trialsPlayed).toBe(14);
  });

  it('a completed run plays every phase and episode with the phase events in order', async () => {
    const events: RunEvent[] = [];
    const result = await startRun(tinyScenario(), { onEvent: (e) => events.push(e) }).done;
    expect(result.status).toBe('completed');
    expect(events.filter((e) => e.type === 'trial.completed').length).toBe(6 * 20 * 3);
    expect(events.filter((e) => e.type === 'phase.started').map((e) => (e as { name: string }).name)).toEqual(['train', 'test']);
    // Frozen in the test phase: no update after the last training episode.
    const updates = events.filter((e) => e.type === 'training.updated');
    expect(updates.length).toBe(8);
    expect(existsSync(dir)).toBe(true);
  });
});
