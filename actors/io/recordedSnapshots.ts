/**
 * Finding the snapshot lines a recorder wrote (src/protocol/recordingSnapshot.ts) in a file a
 * replay has not read yet, and reading one. A binary search over byte offsets finds the nearest
 * one at or before a target: each probe reads on from an offset to the next snapshot, in plain
 * NDJSON a line that starts with the snapshot prefix (its episode count follows the prefix), in
 * gzip the header of a member that starts with a snapshot line (it holds the episode count,
 * ./gzipMembers.ts), so only that member is decompressed. Once the replay's scan of all member
 * headers is done, gzip uses it instead. Neither needs the end of the file, so a killed run (no
 * trailer, a partial last line) seeks to the snapshots it has, and neither reads the whole file
 * (the first seek into a 200 MB gzip recording not in the page cache would wait 1.6 s for the scan).
 *
 * A snapshot is used only when its format, package version and settings are the replay's; the
 * first one that is not turns them all off, with one warning, and seeks fold instead.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, createGunzip } from 'node:zlib';
import { FOLD_STATE_CLASSES } from '../../src/foldStateClasses.js';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import { RecordingChecker } from '../../src/protocol/recordingChecker.js';
import {
  decodeSnapshotState, parseSnapshotLine, RECORDING_SNAPSHOT_FORMAT, SNAPSHOT_LINE_PREFIX, type RecordedFoldState, type RecordingSnapshotInfo,
} from '../../src/protocol/recordingSnapshot.js';
import type { GzipMember } from './gzipMemberIndex.js';
import { MEMBER_HEADER_PREFIX, readMemberHeader, SNAPSHOT_MEMBER_HEADER_BYTES } from './gzipMembers.js';
import { packageVersion } from './recordingHeader.js';

/** Where a snapshot line is: its episode count and the offset of its first byte in the text. */
export interface SnapshotRef {
  completed: number;
  start: number;
  /** Gzip: the file position of the member it starts. */
  position?: number;
}

/** A snapshot line read: its fields, its state still encoded, and the offset of the line after it. */
export type SnapshotLine = RecordingSnapshotInfo & { encodedState: unknown; end: number };

/** A snapshot ready to restore: where the replay goes on from (the offset of the next line, its counters) and the fold state. */
export interface LoadedSnapshot {
  offset: number;
  lineNumber: number;
  events: number;
  completed: number;
  trialEvents: number;
  decoder: EventDecoder;
  checker: RecordingChecker;
  state: RecordedFoldState;
  /** Gzip: the member the snapshot line starts, to decompress from (the line after it is in it). */
  member?: GzipMember;
}

export interface RecordedSnapshotsOptions {
  /** Why a snapshot's settings do not fit the replay; undefined when they do. */
  refuse?: (settings: unknown) => string | undefined;
  /** Called once when the snapshots turn out unusable. */
  warn?: (message: string) => void;
}

/** What a probe looks for: a snapshot line's start in text, a snapshot member's header in gzip (its XLEN says it has the 'BS' subfield). */
const TEXT_NEEDLE = Buffer.from(`\n${SNAPSHOT_LINE_PREFIX}`);
const GZIP_NEEDLE = Buffer.from(MEMBER_HEADER_PREFIX);
GZIP_NEEDLE.writeUInt16LE(SNAPSHOT_MEMBER_HEADER_BYTES - 12, 10);
const READ_BYTES = 2 ** 20;

/**
 * @example
 * const snapshots = new RecordedSnapshots('run.ndjson', undefined, { warn: console.warn });
 * const snapshot = await snapshots.nearest(9000 * 2, completedSoFar); // restore it, read on from snapshot.offset
 */
export class RecordedSnapshots {
  /** False once a snapshot proved unusable (another version, a bad line). */
  private usable = true;
  /** The last few snapshots read (a seek back and forth near one reads it once). */
  private readonly loaded: LoadedSnapshot[] = [];
  private version: string | undefined;
  private readonly refuse: (settings: unknown) => string | undefined;
  private readonly warn: (message: string) => void;

  /**
   * @param path the recording
   * @param gzip for a gzip recording: the member index once it has been scanned (readGzipMemberIndex), else undefined; undefined for plain NDJSON
   */
  constructor(private readonly path: string, private readonly gzip: { scanned(): GzipMember[] | undefined } | undefined, { refuse = () => undefined, warn = () => {} }: RecordedSnapshotsOptions = {}) {
    this.refuse = refuse;
    this.warn = warn;
  }

  /**
   * The snapshot nearest at or before `goal` completed episodes, read and decoded, when it lies
   * past `beyond` (what the replay can restore or read on from anyway); undefined otherwise.
   */
  async nearest(goal: number, beyond: number): Promise<LoadedSnapshot | undefined> {
    try {
      for (let limit = goal; this.usable;) {
        const ref = await this.atOrBefore(limit);
        if (ref === undefined || ref.completed <= beyond) return undefined;
        const cached = this.loaded.find((s) => s.completed === ref.completed);
        if (cached) return cached;
        const line = await this.read(ref, `${this.path}: the snapshot line after ${ref.completed} completed episodes`);
        // Cut off by the end of a killed run: the one before it.
        if (line === undefined) {
          limit = ref.completed - 1;
          continue;
        }
        this.version ??= packageVersion();
        const reason = line.format !== RECORDING_SNAPSHOT_FORMAT ? `they have format ${line.format}, this replay reads format ${RECORDING_SNAPSHOT_FORMAT}`
          : line.packageVersion !== this.version ? `they were written by brain-rnn ${line.packageVersion}, this is ${this.version}`
          : this.refuse(line.settings);
        if (reason !== undefined) return this.ignore(reason);
        const state = decodeSnapshotState(line, FOLD_STATE_CLASSES);
        if (!(state.decoder instanceof EventDecoder && state.checker instanceof RecordingChecker)) return this.ignore('a snapshot holds no decoder or checker state');
        const { end: offset, lineNumber, events, completed, trialEvents } = line;
        const snapshot: LoadedSnapshot = { offset, lineNumber, events, completed, trialEvents, decoder: state.decoder, checker: state.checker, state };
        if (ref.position !== undefined) snapshot.member = { position: ref.position, start: ref.start };
        this.loaded.push(snapshot);
        if (this.loaded.length > 4) this.loaded.shift();
        return snapshot;
      }
    } catch (error) {
      return this.ignore((error as Error).message);
    }
    return undefined;
  }

  private ignore(reason: string): undefined {
    this.warn(`${this.path}: its snapshot lines are ignored (${reason}); seeks fold the events instead`);
    this.usable = false;
    return undefined;
  }

  /** The last snapshot whose episode count is at most `completed`, or undefined. */
  async atOrBefore(completed: number): Promise<SnapshotRef | undefined> {
    const members = this.gzip?.scanned();
    if (members) {
      let found: SnapshotRef | undefined;
      for (const member of members) {
        if (member.snapshot === undefined) continue;
        if (member.snapshot > completed) break;
        found = { completed: member.snapshot, start: member.start, position: member.position };
      }
      return found;
    }
    const find = this.gzip ? snapshotMemberAt : snapshotLineAt;
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      let low = 0;
      let high = size;
      let found: SnapshotRef | undefined;
      // The answer starts in [low, high): each probe halves it (snapshot counts grow with the offset).
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        const next = await firstSnapshotFrom(handle, middle, high, find);
        if (next === undefined || next.completed > completed) high = middle;
        else {
          found = next;
          // Offsets in the file: a gzip member's position, a plain line's start.
          low = (next.position ?? next.start) + 1;
        }
      }
      return found;
    } finally {
      await handle.close();
    }
  }

  /** Read the snapshot line at `ref`; undefined when it is incomplete (the run was cut off in it). Throws on a malformed line. */
  async read(ref: SnapshotRef, what: string): Promise<SnapshotLine | undefined> {
    const bytes = ref.position === undefined ? await readPlainLine(this.path, ref.start) : await readGzipLine(this.path, ref.position);
    if (bytes === undefined) return undefined;
    const info = parseSnapshotLine(bytes.toString('utf8'), what);
    if (info.completed !== ref.completed) throw new Error(`${what}.completed must be ${ref.completed} (where the index puts it), got ${info.completed}`);
    return { ...info, end: ref.start + bytes.length + 1 };
  }
}

/** A snapshot found by a probe at `at` in `bytes` (file position `base`): where it is, 'short' when `bytes` ends before what tells it, or undefined for a false match. */
type SnapshotFinder = { needle: Buffer; offset: number; find(bytes: Buffer, at: number, base: number): SnapshotRef | 'short' | undefined };

/** A line that starts with the snapshot prefix; the needle starts at the newline before it. */
const snapshotLineAt: SnapshotFinder = {
  needle: TEXT_NEEDLE,
  offset: 1,
  find(bytes, at, base) {
    const digits = at + TEXT_NEEDLE.length;
    const comma = bytes.indexOf(0x2c, digits);
    if (comma === -1) return bytes.length - digits > 20 ? undefined : 'short';
    const completed = Number(bytes.toString('latin1', digits, comma));
    return Number.isInteger(completed) ? { completed, start: base + at + 1 } : undefined;
  },
};

/** The header of a member that starts with a snapshot line. */
const snapshotMemberAt: SnapshotFinder = {
  needle: GZIP_NEEDLE,
  offset: 0,
  find(bytes, at, base) {
    const header = readMemberHeader(bytes, at);
    if (header === 'short') return 'short';
    return header?.snapshot === undefined ? undefined : { completed: header.snapshot, start: header.start, position: base + at };
  },
};

/** The first snapshot starting at or after `from` and before `before`. */
async function firstSnapshotFrom(handle: Awaited<ReturnType<typeof open>>, from: number, before: number, { needle, offset, find }: SnapshotFinder): Promise<SnapshotRef | undefined> {
  // Read from `offset` bytes before `from`, so that a snapshot starting at `from` is seen whole (a line after its newline).
  let position = Math.max(0, from - offset);
  let carried = Buffer.alloc(0);
  while (position - carried.length < before) {
    // Not much past `before`: the last probes of a search look at narrow ranges.
    const length = Math.min(READ_BYTES, Math.max(4096, before - position + needle.length + SNAPSHOT_MEMBER_HEADER_BYTES + 32));
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position);
    if (bytesRead === 0) return undefined;
    const bytes = Buffer.concat([carried, buffer.subarray(0, bytesRead)]);
    const base = position - carried.length;
    position += bytesRead;
    let keepFrom = Math.max(0, bytes.length - needle.length - SNAPSHOT_MEMBER_HEADER_BYTES);
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
      if (base + at + offset < from) continue;
      if (base + at + offset >= before) return undefined;
      const found = find(bytes, at, base);
      // Cut off by the end of this read: read on, keeping it.
      if (found === 'short') {
        keepFrom = Math.min(keepFrom, at);
        break;
      }
      if (found) return found;
    }
    carried = bytes.subarray(keepFrom);
  }
  return undefined;
}

/** The line starting at `start` of a plain file, without its newline; undefined when the file ends first. */
async function readPlainLine(path: string, start: number): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    for (let position = start; ;) {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(READ_BYTES), 0, READ_BYTES, position);
      if (bytesRead === 0) return undefined;
      const chunk = buffer.subarray(0, bytesRead);
      const newline = chunk.indexOf(0x0a);
      if (newline !== -1) {
        chunks.push(chunk.subarray(0, newline));
        return Buffer.concat(chunks);
      }
      chunks.push(chunk);
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** The first line of the gzip member at `position`, without its newline; undefined when the text ends first. */
async function readGzipLine(path: string, position: number): Promise<Buffer | undefined> {
  const file = createReadStream(path, { start: position });
  // A killed run's last member has no trailer: decode what is there.
  const text = file.pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }));
  file.on('error', (error) => text.destroy(error));
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of text as AsyncIterable<Buffer>) {
      const newline = chunk.indexOf(0x0a);
      if (newline !== -1) {
        chunks.push(chunk.subarray(0, newline));
        return Buffer.concat(chunks);
      }
      chunks.push(chunk);
    }
    return undefined;
  } finally {
    text.destroy();
    file.destroy();
  }
}
