/**
 * Append-only NDJSON recording of a run: a header line, then one line per event. Lines are
 * batched in memory for at most one tick and written to a file stream (gzip when the path ends in
 * `.gz`); the stream is flushed at least once a second (a gzip sync flush), so a run killed at
 * any moment leaves a log that replays up to its last complete line. An existing file is never
 * overwritten unless `force` is set.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, constants, type Gzip } from 'node:zlib';
import { toWire } from '../../src/protocol/eventCodec.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';

export interface RecorderOptions {
  /** Overwrite an existing file (default false: refuse). */
  force?: boolean;
  /** Milliseconds between flushes (default 1000). */
  flushIntervalMs?: number;
}

export class Recorder {
  private readonly file: WriteStream;
  private readonly gzip: Gzip | undefined;
  private readonly sink: WriteStream | Gzip;
  private pending: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(readonly path: string, header: RecordingHeader, { force = false, flushIntervalMs = 1000 }: RecorderOptions = {}) {
    if (!force && existsSync(path)) throw new Error(`${path} already exists; pass --force to overwrite it`);
    // 'wx' makes the no-overwrite check atomic with the open.
    this.file = createWriteStream(path, { flags: force ? 'w' : 'wx' });
    this.gzip = path.endsWith('.gz') ? createGzip() : undefined;
    if (this.gzip) this.gzip.pipe(this.file);
    this.sink = this.gzip ?? this.file;
    this.pending.push(JSON.stringify(header));
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Queue one event (written at the next `drain()` or flush). */
  write(event: RunEvent): void {
    if (!this.closed) this.pending.push(JSON.stringify(toWire(event)));
  }

  /** Hand the queued lines to the stream and, for gzip, sync-flush so they are decodable on disk. */
  flush(): void {
    this.writePending();
    this.gzip?.flush(constants.Z_SYNC_FLUSH);
  }

  private writePending(): boolean {
    if (this.pending.length === 0) return !this.sink.writableNeedDrain;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    return this.sink.write(text);
  }

  /** Write the queued lines and wait until the stream can take more (call once per tick). */
  async drain(): Promise<void> {
    if (!this.writePending()) await once(this.sink, 'drain');
  }

  /** Write everything and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writePending();
    this.closed = true;
    clearInterval(this.timer);
    this.sink.end();
    await once(this.file, 'close');
  }
}
