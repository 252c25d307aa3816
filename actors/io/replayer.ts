/**
 * Replay a recording: read it line by line (streamed, bounded memory), validate each event and
 * publish it on a bus, at `speed` times the recorded pace or as fast as possible. A partial last
 * line (a killed run) replays with a warning; a corrupt line anywhere else is an error naming
 * its line number.
 *
 * Snapshot lines (the fold state the recorder wrote every so many trials,
 * src/protocol/recordingSnapshot.ts) are not events: they are skipped, and a seek uses them to
 * jump far into the part of the file not read yet (./recordedSnapshots.ts).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, constants } from 'node:zlib';
import { cloneState } from '../../src/cloneState.js';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';
import { RecordingChecker } from '../../src/protocol/recordingChecker.js';
import { checkRecordingHeader } from '../../src/protocol/recordingHeader.js';
import { isSnapshotLine, type RecordedFoldState } from '../../src/protocol/recordingSnapshot.js';
import { memberHolding, readGzipMemberIndex, type GzipMember } from './gzipMemberIndex.js';
import { RecordedSnapshots, type LoadedSnapshot } from './recordedSnapshots.js';
import { packageVersion } from './recordingHeader.js';
import { ReplayPacer } from './replayPacer.js';

export interface ReplayOptions {
  /** Receives every event in order. */
  onEvent: (event: RunEvent) => void;
  /** Called with the header before the first event. */
  onHeader?: (header: RecordingHeader) => void;
  /** Times the recorded pace (default Infinity: as fast as possible); ignored when `pace` is given. */
  speed?: number;
  /** Non-fatal problems (a partial last line). */
  warn?: (message: string) => void;
  /**
   * Replaces `speed`: called before each event with its recorded time (undefined for events
   * without one) and whether it is a trial; a returned promise delays the event (a viewer's pause
   * and speed controls).
   */
  pace?: (time: number | undefined, trial: boolean) => Promise<void> | undefined;
  /** Seeking (a viewer's timeline); without it the recording is read once, start to end. */
  seeking?: ReplaySeeking;
}

/**
 * How a replay seeks: every `snapshotTrials` trials it keeps a snapshot (the byte offset of the next
 * line, the decoder's and checker's state, and the caller's fold state through `capture`); a seek
 * to an earlier episode restores the latest snapshot at or before it and re-reads from its offset,
 * a seek ahead reads on; either way the events up to the target are folded unpaced.
 */
export interface ReplaySeeking {
  /** A pending seek (episodes completed by every agent), taken once; polled between events. */
  takeSeek(): number | undefined;
  /** A copy of the caller's fold state (the analyzer, the viewer hub). */
  capture(): unknown;
  restore(state: unknown): void;
  /** Trials (per agent) between snapshots (default 5000). */
  snapshotTrials?: number;
  /** The replay has folded up to the target of a seek. */
  onSeeked?(episode: number): void;
  /**
   * At the end of the recording (each time it is reached): resolves with an episode to seek back
   * to, the replay going on from there, or undefined to finish. Without it the replay finishes.
   */
  atEnd?(summary: ReplaySummary): Promise<number | undefined>;
  /** True once the viewer is going away: the replay stops where it is (default never). */
  closed?(): boolean;
  /**
   * Restores the fold state of a snapshot line the recorder wrote, for seeks past what has been
   * read; without it seeks use only the replay's own snapshots. A snapshot from another format or
   * package version, or whose settings `refuse` names a reason against, is ignored with one warning.
   */
  recorded?: {
    /** Why a snapshot's settings (the analyzer's and hub's options it was folded with) do not fit this replay; undefined when they do. */
    refuse(settings: unknown): string | undefined;
    restore(state: RecordedFoldState): void;
  };
}

/** Where a seek can go on from: the replay's own (`state` from `capture`), or a recorded one. */
interface Snapshot extends Omit<LoadedSnapshot, 'state'> {
  state: unknown;
  /** Read from a snapshot line: `state` is a RecordedFoldState, restored through `recorded`. */
  recorded?: true;
}

export interface ReplaySummary {
  header: RecordingHeader;
  events: number;
  /** Lines read, header included. */
  lines: number;
  truncated: boolean;
}

function parseLine(text: string, lineNumber: number, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: line ${lineNumber} is not valid JSON (${(error as Error).message})`);
  }
}

/** Whether the file starts with gzip's magic bytes (1f 8b). */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * @example
 * const bus = new EventBus();
 * await replayRecording('run.ndjson.gz', { onEvent: (e) => bus.publish(e), speed: 10 });
 */
export async function replayRecording(path: string, options: ReplayOptions): Promise<ReplaySummary> {
  const { onEvent, onHeader, speed = Infinity, warn = () => {}, seeking } = options;
  const pacer = new ReplayPacer({ speed });
  const pace = options.pace ?? ((time: number | undefined, trial: boolean) => pacer.pace(time, trial));
  const snapshotTrials = seeking?.snapshotTrials ?? 5000;
  let decoder = new EventDecoder();
  let checker = new RecordingChecker();
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (error) {
    throw new Error(`cannot read recording ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (path.endsWith('.gz') && !gzip) throw new Error(`${path} is named .gz but is not gzip-compressed; rename it without .gz if it is a plain NDJSON recording`);
  if (!path.endsWith('.gz') && gzip) warn(`${path} is gzip-compressed though its name does not end in .gz; reading it as gzip`);
  let lineNumber = 0;
  let events = 0;
  let header: RecordingHeader | undefined;
  /** Agents of the run, episode.completed and trial.completed events so far (the timeline's position). */
  let nAgents = 1;
  let completed = 0;
  let trialEvents = 0;
  const snapshots: Snapshot[] = [];
  /**
   * The gzip members (restart points); empty: none usable. The scan of the file for them (a few
   * hundred ms on a 200 MB recording) starts with a seeking replay and runs beside the first
   * pass, so the first seek does not wait for it; a file that grows meanwhile only has fewer.
   */
  let members: GzipMember[] | undefined;
  let scanned: Promise<GzipMember[]> | undefined;
  /** While set, events are folded unpaced until every agent has completed this many episodes. */
  let target: number | undefined;

  const snapshot = (offset: number) => {
    snapshots.push({ offset, lineNumber, events, completed, trialEvents, decoder: cloneState(decoder), checker: cloneState(checker), state: seeking!.capture() });
  };
  /** Gzip: the restart points, scanned once (beside the first pass when seeking). */
  const memberIndex = async (): Promise<GzipMember[]> => (members ??= (await scanned) ?? (await readGzipMemberIndex(path)));
  /** The snapshot lines the recorder wrote. */
  const recordedSnapshots = seeking?.recorded ? new RecordedSnapshots(path, gzip ? { scanned: () => members } : undefined, { refuse: seeking.recorded.refuse, warn }) : undefined;
  /** Set by a seek to a recorded gzip snapshot: the member to decompress from (without waiting for the scan). */
  let restartMember: GzipMember | undefined;
  /** Handle a seek request; returns the byte offset to re-read from, or undefined to read on. */
  const seekTo = async (episode: number): Promise<number | undefined> => {
    const goal = episode * nAgents;
    let from: Snapshot | undefined;
    for (const s of snapshots) if (s.completed <= goal) from = s;
    const ahead = goal >= completed;
    // A snapshot line is worth reading only past what the replay can restore or read on from.
    const recorded = await recordedSnapshots?.nearest(goal, Math.max(from?.completed ?? -1, ahead ? completed : -1));
    if (recorded) from = { ...recorded, recorded: true };
    // Reading on from here is shorter when the target is ahead and no snapshot lies between.
    if (from === undefined || (ahead && from.completed <= completed)) {
      target = Math.floor(completed / nAgents) >= episode && ahead ? undefined : episode;
      if (target === undefined) seeking!.onSeeked?.(episode);
      return undefined;
    }
    ({ lineNumber, events, completed, trialEvents } = from);
    decoder = cloneState(from.decoder);
    checker = cloneState(from.checker);
    if (from.recorded) seeking!.recorded!.restore(from.state as RecordedFoldState);
    else seeking!.restore(from.state);
    restartMember = from.member;
    target = Math.floor(completed / nAgents) >= episode ? undefined : episode;
    if (target === undefined) seeking!.onSeeked?.(episode);
    return from.offset;
  };

  /** One line ending at byte `end`; returns a byte offset when a seek needs the file re-read from there, 'stop' when the replay is closed. */
  const handle = async (text: string, end: number): Promise<number | 'stop' | undefined> => {
    lineNumber += 1;
    if (text.trim() === '') return undefined;
    // The recorder's fold-state snapshots are not events (and need no parse on a straight read).
    if (header !== undefined && isSnapshotLine(text)) return undefined;
    const json = parseLine(text, lineNumber, path);
    if (header === undefined) {
      const checked = checkRecordingHeader(json, `${path}: line ${lineNumber} (header)`, packageVersion());
      if (checked.warning) warn(checked.warning);
      header = checked.header;
      onHeader?.(header);
      return undefined;
    }
    const event = decoder.decode(json, `${path}: line ${lineNumber}`);
    checker.check(event, `${path}: line ${lineNumber}`);
    const trial = event.type === 'trial.completed';
    if (seeking) {
      let request = seeking.takeSeek();
      if (request === undefined && target === undefined) {
        const wait = pace('time' in event ? event.time : undefined, trial);
        if (wait) await wait;
        request = seeking.takeSeek();
      }
      if (seeking.closed?.()) return 'stop';
      if (request !== undefined) {
        const offset = await seekTo(request);
        if (offset !== undefined) return offset;
      }
    } else {
      const wait = pace('time' in event ? event.time : undefined, trial);
      if (wait) await wait;
    }
    events += 1;
    onEvent(event);
    if (event.type === 'run.started') nAgents = event.agents.length;
    if (trial) trialEvents += 1;
    if (event.type === 'episode.completed') {
      completed += 1;
      if (target !== undefined && Math.floor(completed / nAgents) >= target) {
        seeking?.onSeeked?.(target);
        target = undefined;
      }
    }
    if (seeking && (event.type === 'run.started' || (event.type === 'episode.completed' && trialEvents - (snapshots.at(-1)?.trialEvents ?? 0) >= snapshotTrials * nAgents))) {
      if (Number.isFinite(end) && end > (snapshots.at(-1)?.offset ?? -1)) snapshot(end);
    }
    return undefined;
  };
  // Lines are cut on the newline byte before decoding (no UTF-8 sequence contains 0x0a), so an
  // invalid byte is reported with its line.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const decodeLine = (bytes: Uint8Array): string => {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new Error(`${path}: line ${lineNumber + 1} is not valid UTF-8; a recording is UTF-8 text`);
    }
  };
  let pending: Buffer = Buffer.alloc(0);
  /** Byte offset (of the decompressed text) where the next read starts. */
  let readFrom = 0;
  let truncated = false;
  scanned = gzip && seeking ? readGzipMemberIndex(path).catch(() => []) : undefined;
  // Known as soon as it is done, so that seeks to recorded snapshots use it instead of probing the file.
  void scanned?.then((found) => (members ??= found));
  reading: for (;;) {
    // gzip cannot be entered mid-member: decompress from the member holding the offset (the
    // start of the file without restart points) and drop the bytes before the offset.
    if (gzip && readFrom > 0 && !restartMember) await memberIndex();
    const member = gzip && readFrom > 0 ? (restartMember ?? memberHolding(members!, readFrom)) : undefined;
    restartMember = undefined;
    const file = createReadStream(path, gzip ? { start: member?.position ?? 0 } : { start: readFrom });
    // A killed run's gzip stream has no trailer: decode what is there instead of failing.
    const source = gzip ? file.pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH })) : file;
    file.on('error', (error) => source.destroy(error));
    let skip = gzip ? readFrom - (member?.start ?? 0) : 0;
    // From a member, the byte before the offset must end a line: a cheap check that the index is right.
    let checkNewline = member !== undefined && skip > 0;
    if (checkNewline) skip -= 1;
    /** Gives up on the restart points: re-read from the start of the file. */
    const abandonMembers = (reason: string) => {
      warn(`${path}: ${reason}; seeking decompresses it from the start`);
      members = [];
      source.destroy();
      file.destroy();
    };
    let position = readFrom;
    pending = Buffer.alloc(0);
    const chunks = source[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await chunks.next();
      } catch (error) {
        // Nothing is folded before the offset is reached, so falling back loses nothing.
        if (member === undefined || !(skip > 0 || checkNewline)) throw error;
        abandonMembers(`its gzip member at byte ${member.position} does not decompress (${(error as Error).message})`);
        continue reading;
      }
      if (next.done) break;
      let chunk = next.value as Buffer;
      if (skip > 0) {
        if (chunk.length <= skip) {
          skip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      if (checkNewline) {
        if (chunk.length === 0) continue;
        if (chunk[0] !== 0x0a) {
          abandonMembers(`its gzip restart points do not match its text at byte ${readFrom}`);
          continue reading;
        }
        chunk = chunk.subarray(1);
        checkNewline = false;
      }
      const bytes = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let from = 0;
      let newline = bytes.indexOf(0x0a);
      while (newline !== -1) {
        const restart = await handle(decodeLine(bytes.subarray(from, newline)), position + newline + 1);
        if (restart !== undefined) {
          source.destroy();
          file.destroy();
          if (restart === 'stop') break reading;
          readFrom = restart;
          continue reading;
        }
        from = newline + 1;
        newline = bytes.indexOf(0x0a, from);
      }
      pending = bytes.subarray(from);
      position += from;
    }
    const rest = decodeLine(pending);
    pending = Buffer.alloc(0);
    if (rest.trim() !== '') {
      let json: unknown;
      try {
        json = JSON.parse(rest);
      } catch {
        json = undefined;
      }
      if (json === undefined) {
        if (!truncated) warn(`${path}: line ${lineNumber + 1} is incomplete (the run was cut off); replayed up to line ${lineNumber}`);
        truncated = true;
      } else {
        await handle(rest, Number.POSITIVE_INFINITY);
      }
    }
    if (header === undefined || !seeking?.atEnd) break;
    // The end: a viewer may still seek back into the recording.
    for (;;) {
      const episode = await seeking.atEnd({ header, events, lines: lineNumber, truncated });
      if (episode === undefined) break reading;
      const offset = await seekTo(episode);
      if (offset !== undefined) {
        readFrom = offset;
        continue reading;
      }
      target = undefined;
      seeking.onSeeked?.(episode);
    }
  }
  if (header === undefined) throw new Error(`${path}: no header line; not a brain-rnn recording`);
  return { header, events, lines: lineNumber, truncated };
}
