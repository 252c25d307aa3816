import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, runLive } from '../../actors/io/liveRun.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { formatSummary } from '../../src/analysis/online/formatSummary.js';

// Recordings made by main at 15a50b7, before the live layer was redesigned, with the summary
// tables that `brain-rnn live` printed then (test/fixtures/recordings/). Since A2CTrainer takes the
// heterogeneity gradient from the wasm kernel's fused pass (as Trainer does), the reported
// heterogeneity of a float32 agent's updates differs from the old one in the 7th significant digit
// (float32 partial sums of the same value) and the loss in the 14th; the states, actions and every
// other number are unchanged. So numbers are compared to a relative 1e-6 and everything else exactly.
const fixtures = new URL('../fixtures/recordings/', import.meta.url);
const file = (name: string) => new URL(name, fixtures).pathname;
const withoutTimes = (text: string) => text.replace(/"time":\d+(\.\d+)?/g, '"time":0').split('\n').slice(1);

/** `actual` with each number replaced by the expected one where they agree to a relative 1e-6. */
function snapToExpected(actual: unknown, expected: unknown): unknown {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-6 * Math.max(Math.abs(expected), 1e-300) ? expected : actual;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.map((value, i) => snapToExpected(value, expected[i]));
  if (actual !== null && expected !== null && typeof actual === 'object' && typeof expected === 'object') {
    const snapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(actual)) snapped[key] = snapToExpected(value, (expected as Record<string, unknown>)[key]);
    return snapped;
  }
  return actual;
}

describe.each(['two-stage', 'reversal'])('the %s recording made before the redesign', (name) => {
  it('replays to the summary table it was recorded with', async () => {
    const replay = await runReplay(file(`${name}-main.ndjson.gz`));
    expect(replay.truncated).toBe(false);
    expect(formatSummary(replay.metrics, replay.scenario.analyzer.recoveryTrials)).toBe(readFileSync(file(`${name}-main.summary.txt`), 'utf8'));
  });

  it('is what a live run of its scenario records today, event for event apart from times (numbers to 1e-6)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'brain-rnn-fixture-')), 'run.ndjson');
    await runLive(loadScenarioFile(file(`${name}-main.scenario.json`)), { record: path });
    const old = withoutTimes(gunzipSync(readFileSync(file(`${name}-main.ndjson.gz`))).toString('utf8'));
    const now = withoutTimes(readFileSync(path, 'utf8'));
    expect(now.length).toBe(old.length);
    now.forEach((line, i) => {
      if (line === old[i]) return;
      const expected: unknown = JSON.parse(old[i]);
      expect(snapToExpected(JSON.parse(line), expected), `event line ${i + 2}`).toEqual(expected);
    });
  });
});
