/**
 * Append-only NDJSON recording of a run: a header line, then one line per event. Lines are
 * batched in memory for at most one tick and written to a file stream (gzip when the path ends in
 * `.gz`, as a sequence of gzip members with restart points: ./gzipMembers.ts); the stream is
 * flushed at least once a second (a gzip sync flush), so a run killed at any moment leaves a log
 * that replays up to its last complete line. An existing file is never overwritten unless `force`
 * is set.
 *
 * The path is checked when the recorder is made, before the run starts: the file is opened and
 * the header written synchronously, so a missing directory, a directory, an unwritable file or a
 * full disk is refused at once. A write error later (disk full, file too large, the file removed)
 * is kept as `error`: `drain()` rejects with it, `onError` hears it once, nothing more is written,
 * and what reached the disk before it stays replayable.
 *
 * Every `snapshotTrials` trials per agent, at an episode end, it also writes a snapshot line: the
 * state a replay has folded to there (./snapshotFold.ts), so that a replay seeks far into the file
 * without folding what comes before. With gzip each snapshot line starts a gzip member whose
 * header holds the snapshot's episode count (./gzipMembers.ts).
 */
import { closeSync, createWriteStream, fstatSync, openSync, statSync, unlinkSync, writeSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { toWire } from '../../src/protocol/eventCodec.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';
import { describeFileError } from './fileErrors.js';
import { DEFAULT_MEMBER_BYTES, GzipMemberStream, gzipMemberSync } from './gzipMembers.js';
import { packageVersion } from './recordingHeader.js';
import { DEFAULT_SNAPSHOT_TRIALS, SnapshotFold } from './snapshotFold.js';
import { parseScenario } from '../system/scenario.js';

export interface RecorderOptions {
  /** Overwrite an existing file (default false: refuse). */
  force?: boolean;
  /** Milliseconds between flushes (default 1000). */
  flushIntervalMs?: number;
  /** Called once with the first write error (the run should stop). */
  onError?: (error: RecordingError) => void;
  /** With gzip: text per gzip member, i.e. between the replayer's restart points (default 4 MiB). */
  gzipMemberBytes?: number;
  /** Trials per agent between snapshot lines (default 5000, the replayer's own snapshot interval); false: none. */
  snapshotTrials?: number | false;
  /** Non-fatal problems: snapshots that cannot be folded (the recording itself goes on). */
  warn?: (message: string) => void;
}

/** A recording that cannot be written: names the file and the reason. */
export class RecordingError extends Error {
  constructor(readonly path: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`cannot write the recording ${path}: ${reason}`, options);
    this.name = 'RecordingError';
  }
}

/** Open `path` for a new recording and write `firstBytes`, or throw a RecordingError. */
function openRecording(path: string, force: boolean, firstBytes: Uint8Array): number {
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new RecordingError(path, `it is a directory (give a file name, e.g. ${join(path, 'run.ndjson')})`);
  if (existing && !force) throw new Error(`${path} already exists; pass --force to overwrite it`);
  // A missing directory is refused rather than created: it is more often a typo than a wish.
  const parent = dirname(path);
  const parentStat = statSync(parent, { throwIfNoEntry: false });
  if (!parentStat) throw new RecordingError(path, `the directory ${parent} does not exist (create it first: mkdir -p ${parent})`);
  if (!parentStat.isDirectory()) throw new RecordingError(path, `${parent} is not a directory`);
  let fd: number;
  try {
    // 'wx' makes the no-overwrite check atomic with the open.
    fd = openSync(path, force ? 'w' : 'wx');
  } catch (error) {
    throw new RecordingError(path, describeFileError(error), { cause: error });
  }
  try {
    for (let offset = 0; offset < firstBytes.length;) offset += writeSync(fd, firstBytes, offset);
    return fd;
  } catch (error) {
    closeSync(fd);
    // Leave no empty file behind that a rerun would then refuse to overwrite.
    if (!existing) unlinkSync(path);
    throw new RecordingError(path, describeFileError(error), { cause: error });
  }
}

export class Recorder {
  private readonly file: WriteStream;
  private readonly gzip: GzipMemberStream | undefined;
  private readonly sink: WriteStream | GzipMemberStream;
  private readonly identity: { dev: number; ino: number };
  private readonly onError: ((error: RecordingError) => void) | undefined;
  private pending: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly waiting = new Set<(error: RecordingError) => void>();
  private closing: Promise<void> | undefined;
  /** The first write error, once there is one. */
  error: RecordingError | undefined;
  private fold: SnapshotFold | undefined;
  private readonly warn: (message: string) => void;

  constructor(readonly path: string, header: RecordingHeader, options: RecorderOptions = {}) {
    const { force = false, flushIntervalMs = 1000, onError, gzipMemberBytes = DEFAULT_MEMBER_BYTES, snapshotTrials = DEFAULT_SNAPSHOT_TRIALS, warn = () => {} } = options;
    const headerText = JSON.stringify(header);
    const headerLine = Buffer.from(`${headerText}\n`);
    this.warn = warn;
    if (snapshotTrials !== false && !(Number.isInteger(snapshotTrials) && snapshotTrials >= 1)) throw new Error(`snapshotTrials must be an integer ≥ 1 or false, got ${snapshotTrials}`);
    if (snapshotTrials !== false) {
      try {
        // The analyzer's settings as a replay reads them: parsed from the header as written.
        const scenario = parseScenario((JSON.parse(headerText) as RecordingHeader).scenario, { what: 'header.scenario', maxMemoryBytes: Infinity });
        this.fold = new SnapshotFold({ analyzer: scenario.analyzer, snapshotTrials, packageVersion: packageVersion() });
      } catch (error) {
        // A header a replay could not read either: the events are still recorded.
        warn(`${path}: no snapshot lines are written (${(error as Error).message})`);
      }
    }
    // With gzip the header is member 0; the stream's members follow it.
    this.gzip = path.endsWith('.gz') ? new GzipMemberStream({ memberBytes: gzipMemberBytes, firstSequence: 1, start: headerLine.length }) : undefined;
    const fd = openRecording(path, force, this.gzip ? gzipMemberSync(headerLine, 0, 0) : headerLine);
    const { dev, ino } = fstatSync(fd);
    this.identity = { dev, ino };
    this.onError = onError;
    this.file = createWriteStream(path, { fd });
    this.file.on('error', (error) => this.fail(error));
    if (this.gzip) {
      this.gzip.on('error', (error) => this.fail(error));
      this.gzip.pipe(this.file);
    }
    this.sink = this.gzip ?? this.file;
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Queue one event (written at the next `drain()` or flush). */
  write(event: RunEvent): void {
    if (this.closing || this.error) return;
    const line = JSON.stringify(toWire(event));
    this.pending.push(line);
    if (!this.fold) return;
    let due;
    try {
      due = this.fold.add(event, line);
    } catch (error) {
      // The events are written all the same; a replay folds where a snapshot would have been.
      this.fold = undefined;
      this.warn(`${this.path}: no more snapshot lines are written (${(error as Error).message}); replays of it fold instead`);
      return;
    }
    if (!due) return;
    if (this.gzip) {
      // Its own write, so that it starts a gzip member whose header says where it stands.
      this.writePending();
      this.gzip.writeSnapshot(Buffer.from(`${due.line}\n`), due.completed);
    } else this.pending.push(due.line);
  }

  /** Hand the queued lines to the stream and, for gzip, sync-flush so they are decodable on disk. */
  flush(): void {
    if (this.error || this.closing || !this.stillThere()) return;
    this.writePending();
    this.gzip?.syncFlush();
  }

  /** Writing on to a removed (or replaced) file would lose the whole run without a word. */
  private stillThere(): boolean {
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino) return true;
    this.fail(new Error(now ? 'the file was replaced during the run' : 'the file was removed during the run'));
    return false;
  }

  private writePending(): boolean {
    if (this.pending.length === 0) return !this.sink.writableNeedDrain;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    return this.sink.write(text);
  }

  /** Write the queued lines and wait until the stream can take more (call once per tick); rejects after a write error. */
  async drain(): Promise<void> {
    if (this.error) throw this.error;
    if (this.writePending()) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.sink.off('drain', done);
        this.waiting.delete(failed);
        resolve();
      };
      const failed = (error: RecordingError) => {
        this.sink.off('drain', done);
        reject(error);
      };
      this.sink.on('drain', done);
      this.waiting.add(failed);
    });
  }

  /** Write everything and close the file; resolves (never rejects) once the file is closed; check `error` after. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      if (!this.error && this.stillThere()) {
        this.writePending();
        this.sink.end();
      }
      if (!this.file.closed) await new Promise<void>((resolve) => this.file.once('close', () => resolve()));
    })();
    return this.closing;
  }

  private fail(cause: unknown): void {
    if (this.error) return;
    this.error = new RecordingError(this.path, describeFileError(cause), { cause });
    clearInterval(this.timer);
    this.pending = [];
    for (const reject of this.waiting) reject(this.error);
    this.waiting.clear();
    // Both streams stop here; destroying without an error emits none.
    this.gzip?.destroy();
    this.file.destroy();
    this.onError?.(this.error);
  }
}
