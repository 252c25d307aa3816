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
// tables that `brain-rnn live` printed then (test/fixtures/recordings/).
const fixtures = new URL('../fixtures/recordings/', import.meta.url);
const file = (name: string) => new URL(name, fixtures).pathname;
const withoutTimes = (text: string) => text.replace(/"time":\d+(\.\d+)?/g, '"time":0').split('\n').slice(1).join('\n');

describe.each(['two-stage', 'reversal'])('the %s recording made before the redesign', (name) => {
  it('replays to the summary table it was recorded with', async () => {
    const replay = await runReplay(file(`${name}-main.ndjson.gz`));
    expect(replay.truncated).toBe(false);
    expect(formatSummary(replay.metrics, replay.scenario.analyzer.recoveryTrials)).toBe(readFileSync(file(`${name}-main.summary.txt`), 'utf8'));
  });

  it('is what a live run of its scenario records today, event for event apart from times', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'brain-rnn-fixture-')), 'run.ndjson');
    await runLive(loadScenarioFile(file(`${name}-main.scenario.json`)), { record: path });
    const old = gunzipSync(readFileSync(file(`${name}-main.ndjson.gz`))).toString('utf8');
    expect(withoutTimes(readFileSync(path, 'utf8'))).toBe(withoutTimes(old));
  });
});
