import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readGzipMemberIndex, type GzipMember } from '../../actors/io/gzipMemberIndex.js';
import { MEMBER_HEADER_BYTES, memberHeader } from '../../actors/io/gzipMembers.js';
import { Recorder } from '../../actors/io/recorder.js';
import { ReplayPacer } from '../../actors/io/replayPacer.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { ViewerHub, type HubState } from '../../actors/server/viewerHub.js';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import type { SnapshotMessage } from '../../src/protocol/viewerMessages.js';
import { shown, straightReplay } from '../server/straightReplay.js';

/** 3 agents × 11 episodes of 30 trials, 860 kB of text, recorded before restart points existed. */
const fixture = new URL('../fixtures/recordings/two-stage-main.ndjson.gz', import.meta.url).pathname;
const fixtureText = gunzipSync(readFileSync(fixture));
const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-gzip-members-'));

/** Record the fixture's events again through a Recorder: a gzip member every `memberBytes`, a sync flush every 25 events (a run's flush timer). */
async function rerecord(path: string, memberBytes: number): Promise<void> {
  const lines = fixtureText.toString('utf8').trimEnd().split('\n');
  const decoder = new EventDecoder();
  const recorder = new Recorder(path, JSON.parse(lines[0]), { gzipMemberBytes: memberBytes, flushIntervalMs: 3_600_000 });
  for (const [i, line] of lines.slice(1).entries()) {
    recorder.write(decoder.decode(JSON.parse(line), `line ${i + 2}`));
    await recorder.drain();
    if (i % 25 === 0) recorder.flush();
  }
  await recorder.close();
  expect(recorder.error).toBeUndefined();
}

/** The members as Python's zlib sees them (an independent reader): each one's file position and the offset of its text. */
function membersByPython(path: string): GzipMember[] {
  const script = [
    'import json, sys, zlib',
    'data = open(sys.argv[1], "rb").read()',
    'position, start, members = 0, 0, []',
    'while position < len(data):',
    '    members.append({"position": position, "start": start})',
    '    member = zlib.decompressobj(31)',
    '    start += len(member.decompress(data[position:]))',
    '    if not member.eof: break',
    '    position = len(data) - len(member.unused_data)',
    'print(json.dumps(members))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })) as GzipMember[];
}

const multi = join(dir, 'members.ndjson.gz');
const plain = join(dir, 'plain.ndjson');
await rerecord(multi, 16_384);
await rerecord(plain, 16_384);

/**
 * Replay `path` with snapshots every 40 trials per agent; at episode `at` seek to each of
 * `targets` in turn (the next one once the previous is shown), then play to the end.
 */
async function seekThrough(path: string, at: number, targets: readonly number[], afterFirstPass?: () => void) {
  const hub = new ViewerHub({ mode: 'replay' });
  const pacer = new ReplayPacer();
  const warnings: string[] = [];
  const seen: SnapshotMessage[] = [];
  let completed = 0;
  const result = await runReplay(path, {
    pacer,
    warn: (message) => warnings.push(message),
    onEvent: (e) => {
      hub.event(e);
      if (e.type === 'episode.completed' && ++completed === at * 3 && seen.length === 0) {
        afterFirstPass?.();
        pacer.requestSeek(targets[0]);
      }
    },
    onAnalysis: (o) => hub.analysis(o),
    seeking: {
      capture: () => hub.captureState(), restore: (s) => hub.restoreState(s as HubState), snapshotTrials: 40,
      onSeeked: () => {
        seen.push(hub.snapshot());
        if (seen.length < targets.length) pacer.requestSeek(targets[seen.length]);
      },
    },
  });
  return { seen: seen.map(shown), metrics: result.metrics, final: shown(hub.snapshot()), warnings, truncated: result.truncated };
}

describe('gzip recordings with restart points', () => {
  it('Recorder(.gz, { gzipMemberBytes }) writes one gzip file of many members: gzip -dc gives the plain recording byte for byte, and readGzipMemberIndex finds the members Python\'s zlib finds', async () => {
    expect(execFileSync('gzip', ['-dc', multi]).equals(readFileSync(plain))).toBe(true);
    expect(readFileSync(plain).equals(fixtureText)).toBe(true);
    const members = membersByPython(multi);
    // The header line is member 0; then one member per 16 kB (and the write that passes it).
    expect(members.length).toBeGreaterThanOrEqual(Math.floor(fixtureText.length / 17_000));
    expect(members[1]).toEqual({ position: members[1].position, start: fixtureText.indexOf('\n') + 1 });
    expect(await readGzipMemberIndex(multi)).toEqual(members);
    // Scan steps shorter than a header, and ones that cut headers and trailers anywhere.
    for (const scanBytes of [7, MEMBER_HEADER_BYTES + 3, 4099]) expect(await readGzipMemberIndex(multi, { scanBytes })).toEqual(members);
    // No restart points: a recording from before them, and a file gzip itself compressed.
    const gzip1 = join(dir, 'gzip-1.ndjson.gz');
    writeFileSync(gzip1, execFileSync('gzip', ['-1', '-c', plain]));
    expect(await readGzipMemberIndex(fixture)).toEqual([]);
    expect(await readGzipMemberIndex(gzip1)).toEqual([]);
  });

  it('readGzipMemberIndex keeps only headers that continue the chain: member header bytes inside a member (stored, not compressed) are not restart points', async () => {
    // Stored deflate blocks (level 0) copy the text, so header bytes in it appear in the file as they are.
    const member = (text: Buffer, sequence: number, start: number) =>
      Buffer.concat([memberHeader(sequence, start), deflateRawSync(text, { level: 0 }), Buffer.from(new Uint32Array([crc32(text), text.length]).buffer)]);
    const first = Buffer.from('{"type":"recording.header"}\n');
    const lengthBefore = (isize: number) => Buffer.from(new Uint32Array([isize]).buffer);
    const fakes = Buffer.concat([
      lengthBefore(7), memberHeader(2, first.length + 100), // the length before it is not its member's
      lengthBefore(100), memberHeader(5, first.length + 100), // the sequence number is not the next one
      lengthBefore(100), memberHeader(2, first.length), // its text would not come after member 1's
    ]);
    const second = Buffer.concat([Buffer.from('x'.repeat(20)), fakes, Buffer.from('y'.repeat(40))]);
    const third = Buffer.from('{"type":"z"}\n');
    const path = join(dir, 'fakes.gz');
    writeFileSync(path, Buffer.concat([member(first, 0, 0), member(second, 1, first.length), member(third, 2, first.length + second.length)]));
    expect(gunzipSync(readFileSync(path)).equals(Buffer.concat([first, second, third]))).toBe(true);
    expect(readFileSync(path).indexOf(fakes)).toBeGreaterThan(0);
    const members = membersByPython(path);
    expect(members.length).toBe(3);
    expect(await readGzipMemberIndex(path)).toEqual(members);
    expect(await readGzipMemberIndex(path, { scanBytes: 50 })).toEqual(members);
  });

  it('seeks back (9 → 4), ahead (→ 8) and back (→ 2) show exactly what a straight replay shows, with restart points, without them (gzip -1) and in a killed run cut mid-member', async () => {
    const expected = await straightReplay(plain, [2, 4, 8]);
    const gzip1 = join(dir, 'gzip-1-seek.ndjson.gz');
    writeFileSync(gzip1, execFileSync('gzip', ['-1', '-c', plain]));
    for (const path of [multi, gzip1]) {
      const replay = await seekThrough(path, 9, [4, 8, 2]);
      expect(replay.seen).toEqual([4, 8, 2].map((episode) => shown(expected.at.get(episode)!)));
      expect(replay.metrics).toEqual(expected.metrics);
      expect(replay.final).toEqual(shown(expected.final));
      expect(replay.warnings).toEqual([]);
    }
    // A killed run: the last member has no end and no trailer.
    const killed = join(dir, 'killed.ndjson.gz');
    const bytes = readFileSync(multi);
    writeFileSync(killed, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const index = await readGzipMemberIndex(killed);
    expect(index).toEqual(membersByPython(killed));
    const cut = await straightReplay(killed, []);
    expect(cut.truncated).toBe(true);
    const last = cut.episodes;
    expect(last).toBeGreaterThan(5);
    const cutExpected = await straightReplay(killed, [3, last - 1]);
    const replay = await seekThrough(killed, last, [last - 1, 3]);
    expect(replay.seen).toEqual([last - 1, 3].map((episode) => shown(cutExpected.at.get(episode)!)));
    expect(replay.metrics).toEqual(cutExpected.metrics);
    expect(replay.truncated).toBe(true);
  });

  it('a seek decompresses from the member holding its snapshot: with member 1 destroyed after the first pass, seeks back to 4 and 8 still show what a straight replay showed', async () => {
    const expected = await straightReplay(plain, [4, 8]);
    const damaged = join(dir, 'damaged.ndjson.gz');
    writeFileSync(damaged, readFileSync(multi));
    const [, second] = await readGzipMemberIndex(damaged);
    // An invalid deflate block type (11) as the first bits of member 1's data.
    const destroy = () => {
      const fd = openSync(damaged, 'r+');
      writeSync(fd, Buffer.alloc(16, 0xff), 0, 16, second.position + MEMBER_HEADER_BYTES);
      closeSync(fd);
    };
    const replay = await seekThrough(damaged, 9, [4, 8], destroy);
    expect(replay.seen).toEqual([4, 8].map((episode) => shown(expected.at.get(episode)!)));
    // Decompressing from the start now fails where member 1 begins.
    await expect(runReplay(damaged)).rejects.toThrow(/invalid block type/);
  }, 20_000);
});
