import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readGzipMemberIndex } from '../../actors/io/gzipMemberIndex.js';
import { RecordedSnapshots } from '../../actors/io/recordedSnapshots.js';
import { loadScenarioFile, runLive } from '../../actors/io/liveRun.js';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { parseScenario } from '../../actors/system/scenario.js';
import { ViewerHub, type HubState } from '../../actors/server/viewerHub.js';
import { AnalyzerState } from '../../src/analysis/online/analyzerState.js';
import { FOLD_STATE_CLASSES } from '../../src/foldStateClasses.js';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import type { RecordingHeader } from '../../src/protocol/events.js';
import { RecordingChecker } from '../../src/protocol/recordingChecker.js';
import { decodeSnapshotState, isSnapshotLine, parseSnapshotLine } from '../../src/protocol/recordingSnapshot.js';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';
import { shown, straightReplay } from '../server/straightReplay.js';

/** 3 agents (A2C low-rank, imitating TinyGRU, cognitive) × 11 episodes of 30 trials, two-stage: every class of the fold state. */
const scenario = loadScenarioFile(new URL('../fixtures/recordings/two-stage-main.scenario.json', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-recorded-snapshots-'));
const plain = join(dir, 'run.ndjson');
const gzip = join(dir, 'run.ndjson.gz');
// A snapshot every 40 trials per agent: 5 in the run.
for (const path of [plain, gzip]) await runLive(scenario, { record: path, snapshotTrials: 40, startedAt: '2026-01-01T00:00:00.000Z' });
const AGENTS = 3;

/** What a replay does per line (decode, check, analyzer, then hub with the analyzer's outputs first), with its counters. */
function replayFold(headerLine: string) {
  const header = JSON.parse(headerLine) as RecordingHeader;
  const settings = parseScenario(header.scenario, { what: 'scenario', maxMemoryBytes: Infinity }).analyzer;
  const fold = { decoder: new EventDecoder(), checker: new RecordingChecker(), analyzer: new AnalyzerState(settings), hub: new ViewerHub({ mode: 'replay' }), events: 0, completed: 0, trialEvents: 0 };
  const add = (line: string, lineNumber: number) => {
    const event = fold.decoder.decode(JSON.parse(line), `line ${lineNumber}`);
    fold.checker.check(event, `line ${lineNumber}`);
    fold.analyzer.apply(event, (output) => fold.hub.analysis(output));
    fold.hub.event(event);
    fold.events += 1;
    if (event.type === 'trial.completed') fold.trialEvents += 1;
    if (event.type === 'episode.completed') fold.completed += 1;
  };
  return { fold, add };
}

/** Replay `path` at a crawl, seek cold to each of `targets` in turn right after run.started, then play to the end at full speed. */
async function coldSeeks(path: string, targets: readonly number[]) {
  const hub = new ViewerHub({ mode: 'replay' });
  // A thousandth of the recorded pace: without the seeks the replay would still be at its first episode.
  const pacer = new ReplayPacer({ speed: 0.001 });
  const warnings: string[] = [];
  const seen: SnapshotMessage[] = [];
  /** Trial events the replay delivered before each seek landed. */
  const delivered: number[] = [];
  let trials = 0;
  const result = await runReplay(path, {
    pacer,
    warn: (message) => warnings.push(message),
    onEvent: (e) => {
      hub.event(e);
      if (e.type === 'trial.completed') trials += 1;
      if (e.type === 'run.started') pacer.requestSeek(targets[0]);
    },
    onAnalysis: (o) => hub.analysis(o),
    seeking: {
      hub,
      onSeeked: () => {
        seen.push(hub.snapshot());
        delivered.push(trials);
        if (seen.length < targets.length) pacer.requestSeek(targets[seen.length]);
        else pacer.setSpeed(Infinity);
      },
    },
  });
  return { seen: seen.map(shown), delivered, metrics: result.metrics, final: shown(hub.snapshot()), warnings, truncated: result.truncated };
}

describe('recorded fold-state snapshots', () => {
  it('runLive({ record, snapshotTrials: 40 }) writes a snapshot line per 40 trials per agent that holds exactly the state a replay folded to there; restored, it folds on to the same metrics and hub', () => {
    const lines = readFileSync(plain, 'utf8').trimEnd().split('\n');
    const { fold, add } = replayFold(lines[0]);
    const snapshots: { index: number; completed: number }[] = [];
    let last = 0;
    lines.slice(1).forEach((line, i) => {
      const lineNumber = i + 2;
      if (!isSnapshotLine(line)) return add(line, lineNumber);
      const info = parseSnapshotLine(line, `line ${lineNumber}`);
      expect({ lineNumber: info.lineNumber, events: info.events, completed: info.completed, trialEvents: info.trialEvents, agents: info.agents })
        .toEqual({ lineNumber, events: fold.events, completed: fold.completed, trialEvents: fold.trialEvents, agents: AGENTS });
      expect(fold.trialEvents - last).toBeGreaterThanOrEqual(40 * AGENTS);
      last = fold.trialEvents;
      const state = decodeSnapshotState(info, FOLD_STATE_CLASSES);
      expect(state.decoder).toStrictEqual(fold.decoder);
      expect(state.checker).toStrictEqual(fold.checker);
      expect(state.analyzer).toStrictEqual(fold.analyzer);
      expect(state.analyzer).toBeInstanceOf(AnalyzerState);
      // The hub's state without the entries not yet sent to viewers (a restore drops them).
      fold.hub.dropPending();
      expect(state.hub).toStrictEqual(fold.hub.captureState());
      snapshots.push({ index: i + 1, completed: info.completed });
    });
    expect(snapshots.length).toBe(5);
    const finalMetrics = fold.analyzer.metrics();
    const finalShown = shown(fold.hub.snapshot());
    for (const { index } of snapshots) {
      const restored = replayFold(lines[0]);
      const state = decodeSnapshotState(parseSnapshotLine(lines[index], 'snapshot'), FOLD_STATE_CLASSES);
      restored.fold.analyzer.restoreFrom(state.analyzer as AnalyzerState);
      restored.fold.hub.restoreState(state.hub as HubState);
      restored.fold.decoder = state.decoder as EventDecoder;
      restored.fold.checker = state.checker as RecordingChecker;
      lines.slice(index + 1).forEach((line, i) => { if (!isSnapshotLine(line)) restored.add(line, index + i + 2); });
      expect(restored.fold.analyzer.metrics()).toStrictEqual(finalMetrics);
      expect(shown(restored.fold.hub.snapshot())).toStrictEqual(finalShown);
    }
  });

  it('in .gz each snapshot line starts a gzip member whose header says its episode count; zcat and gzip -t read the file', async () => {
    const text = gunzipSync(readFileSync(gzip));
    expect(execFileSync('zcat', [gzip], { maxBuffer: 2 ** 26 }).equals(text)).toBe(true);
    execFileSync('gzip', ['-t', gzip]);
    const members = (await readGzipMemberIndex(gzip)).filter((m) => m.snapshot !== undefined);
    const starts: { start: number; completed: number }[] = [];
    let offset = 0;
    for (const line of text.toString('utf8').trimEnd().split('\n')) {
      if (isSnapshotLine(line)) starts.push({ start: offset, completed: parseSnapshotLine(line, 'line').completed });
      offset += Buffer.byteLength(line) + 1;
    }
    expect(starts.length).toBe(5);
    expect(members.map((m) => ({ start: m.start, completed: m.snapshot }))).toEqual(starts);
    // Found by probing the file (before the member scan is done, and in plain text) as by the index, for every episode count.
    const byIndex = new RecordedSnapshots(gzip, { scanned: () => members });
    const byProbing = new RecordedSnapshots(gzip, { scanned: () => undefined });
    const inText = new RecordedSnapshots(plain, undefined);
    const plainStarts = readFileSync(plain, 'utf8').split('\n').reduce<{ offset: number; found: { start: number; completed: number }[] }>((acc, line) => {
      if (isSnapshotLine(line)) acc.found.push({ start: acc.offset, completed: parseSnapshotLine(line, 'line').completed });
      acc.offset += Buffer.byteLength(line) + 1;
      return acc;
    }, { offset: 0, found: [] }).found;
    for (let completed = 0; completed <= 11 * AGENTS; completed++) {
      const expected = members.filter((m) => m.snapshot! <= completed).at(-1);
      const found = await byIndex.atOrBefore(completed);
      expect(found).toEqual(expected && { completed: expected.snapshot, start: expected.start, position: expected.position });
      expect(await byProbing.atOrBefore(completed)).toEqual(found);
      expect(await inText.atOrBefore(completed)).toEqual(plainStarts.filter((p) => p.completed <= completed).at(-1));
    }
  });

  it('a replay that seeks cold to episode 9, then 2, then 10 shows what a straight replay showed there (plain and gzip), without folding the events before the snapshot', async () => {
    for (const path of [plain, gzip]) {
      const expected = await straightReplay(path, [2, 9, 10]);
      const replay = await coldSeeks(path, [9, 2, 10]);
      expect(replay.warnings).toEqual([]);
      expect(replay.seen).toEqual([9, 2, 10].map((episode) => shown(expected.at.get(episode)!)));
      expect(replay.metrics).toStrictEqual(expected.metrics);
      expect(replay.final).toEqual(shown(expected.final));
      // Folding to episode 9 from the start delivers 9 × 3 × 30 trial events; from a snapshot, at most 2 episodes' worth.
      expect(replay.delivered[0]).toBeLessThan(2 * AGENTS * 30);
    }
  });

  it('snapshot lines of another package version or other analyzer settings are ignored with one warning: seeks fold, and show the same', async () => {
    const lines = readFileSync(plain, 'utf8').split('\n');
    const expected = await straightReplay(plain, [9, 10]);
    const variants = {
      version: (line: string) => line.replace('"packageVersion":"', '"packageVersion":"0.0.0-other+'),
      settings: (line: string) => line.replace('"windowEpisodes":4', '"windowEpisodes":5'),
      format: (line: string) => line.replace('"format":1,', '"format":99,'),
    };
    for (const [name, change] of Object.entries(variants)) {
      const path = join(dir, `other-${name}.ndjson`);
      writeFileSync(path, lines.map((line) => (isSnapshotLine(line) ? change(line) : line)).join('\n'));
      const replay = await coldSeeks(path, [9, 10]);
      expect(replay.warnings.length, name).toBe(1);
      expect(replay.warnings[0]).toMatch(name === 'version' ? /snapshot lines are ignored \(they were written by brain-rnn 0\.0\.0-other\+/ : name === 'format' ? /they have format 99, this replay reads format 1/ : /their analyzer settings .*"windowEpisodes":5/);
      expect(replay.seen).toEqual([9, 10].map((episode) => shown(expected.at.get(episode)!)));
      expect(replay.metrics).toStrictEqual(expected.metrics);
      // Folded from the start.
      expect(replay.delivered[0]).toBe(9 * AGENTS * 30);
    }
  });

  it('a killed run (gzip cut inside its last snapshot member, plain cut inside its last snapshot line) seeks cold to the snapshot before the cut', async () => {
    const members = (await readGzipMemberIndex(gzip)).filter((m) => m.snapshot !== undefined);
    const lastSnapshot = members.at(-1)!;
    const cutGzip = join(dir, 'killed.ndjson.gz');
    // The last snapshot member's header and the start of its line: the line cannot be read whole.
    writeFileSync(cutGzip, readFileSync(gzip).subarray(0, lastSnapshot.position + 4000));
    const text = readFileSync(plain, 'utf8');
    const lastLine = text.lastIndexOf('\n{"type":"recording.snapshot"');
    const cutPlain = join(dir, 'killed.ndjson');
    writeFileSync(cutPlain, text.slice(0, lastLine + 5000));
    for (const path of [cutGzip, cutPlain]) {
      const straight = await straightReplay(path, []);
      expect(straight.truncated).toBe(true);
      const last = straight.episodes;
      const expected = await straightReplay(path, [last]);
      const replay = await coldSeeks(path, [last]);
      expect(replay.seen).toEqual([shown(expected.at.get(last)!)]);
      expect(replay.metrics).toStrictEqual(expected.metrics);
      expect(replay.truncated).toBe(true);
      expect(replay.warnings).toEqual([expect.stringMatching(/is incomplete \(the run was cut off\)/)]);
      // From the snapshot before the cut one: less than a fold from the start.
      expect(replay.delivered[0]).toBeLessThan(last * AGENTS * 30 - 40 * AGENTS);
    }
  });
});

describe('brain-rnn live --snapshot-trials', () => {
  it('--snapshot-trials N writes a snapshot line per N trials per agent; 0 writes none, and the events are the same', async () => {
    const { runCli } = await import('./cli.js');
    const fixture = new URL('../fixtures/recordings/two-stage-main.scenario.json', import.meta.url).pathname;
    const lines = async (n: string) => {
      const out = join(dir, `cli-${n}.ndjson`);
      const result = await runCli(['live', fixture, '--exit', '--no-serve', '--record', out, '--snapshot-trials', n]);
      expect(result.status).toBe(0);
      return readFileSync(out, 'utf8').trimEnd().split('\n');
    };
    const every40 = await lines('40');
    const none = await lines('0');
    expect(none.filter(isSnapshotLine)).toEqual([]);
    expect(every40.filter(isSnapshotLine).length).toBe(readFileSync(plain, 'utf8').trimEnd().split('\n').filter(isSnapshotLine).length);
    expect(every40.filter(isSnapshotLine).length).toBeGreaterThan(0);
    // Apart from the header's start time, the events are the same with and without snapshot lines.
    const events = (all: string[]) => all.slice(1).filter((l) => !isSnapshotLine(l)).map((l) => l.replace(/"time":\d+,?/g, ''));
    expect(events(every40)).toEqual(events(none));
    const refused = await runCli(['live', fixture, '--exit', '--no-serve', '--snapshot-trials', '-1']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--snapshot-trials');
  });
});
