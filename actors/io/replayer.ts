/**
 * Replay a recording: read it line by line (streamed, bounded memory), validate each event and
 * publish it on a bus, at `speed` times the recorded pace or as fast as possible. A partial last
 * line (a killed run) replays with a warning; a corrupt line anywhere else is an error naming
 * its line number.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, constants } from 'node:zlib';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import type { RecordingHeader, RunEvent } from '../../src/protocol/events.js';
import { RecordingChecker } from '../../src/protocol/recordingChecker.js';
import { checkRecordingHeader } from '../../src/protocol/recordingHeader.js';
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
   * without one); a returned promise delays the event (a viewer's pause and speed controls).
   */
  pace?: (time: number | undefined) => Promise<void> | undefined;
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
  const { onEvent, onHeader, speed = Infinity, warn = () => {} } = options;
  const pacer = new ReplayPacer({ speed });
  const pace = options.pace ?? ((time: number | undefined) => pacer.pace(time));
  const decoder = new EventDecoder();
  const checker = new RecordingChecker();
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (error) {
    throw new Error(`cannot read recording ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (path.endsWith('.gz') && !gzip) throw new Error(`${path} is named .gz but is not gzip-compressed; rename it without .gz if it is a plain NDJSON recording`);
  if (!path.endsWith('.gz') && gzip) warn(`${path} is gzip-compressed though its name does not end in .gz; reading it as gzip`);
  const file = createReadStream(path);
  // A killed run's gzip stream has no trailer: decode what is there instead of failing.
  const source = gzip ? file.pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH })) : file;
  file.on('error', (error) => source.destroy(error));
  let lineNumber = 0;
  let events = 0;
  let header: RecordingHeader | undefined;
  const handle = async (text: string): Promise<void> => {
    lineNumber += 1;
    if (text.trim() === '') return;
    const json = parseLine(text, lineNumber, path);
    if (header === undefined) {
      const checked = checkRecordingHeader(json, `${path}: line ${lineNumber} (header)`, packageVersion());
      if (checked.warning) warn(checked.warning);
      header = checked.header;
      onHeader?.(header);
      return;
    }
    const event = decoder.decode(json, `${path}: line ${lineNumber}`);
    checker.check(event, `${path}: line ${lineNumber}`);
    const wait = pace('time' in event ? event.time : undefined);
    if (wait) await wait;
    events += 1;
    onEvent(event);
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
  for await (const chunk of source) {
    const bytes = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let from = 0;
    let newline = bytes.indexOf(0x0a);
    while (newline !== -1) {
      await handle(decodeLine(bytes.subarray(from, newline)));
      from = newline + 1;
      newline = bytes.indexOf(0x0a, from);
    }
    pending = bytes.subarray(from);
  }
  const rest = decodeLine(pending);
  let truncated = false;
  if (rest.trim() !== '') {
    let json: unknown;
    try {
      json = JSON.parse(rest);
    } catch {
      truncated = true;
    }
    if (truncated) {
      warn(`${path}: line ${lineNumber + 1} is incomplete (the run was cut off); replayed up to line ${lineNumber}`);
    } else if (json !== undefined) {
      await handle(rest);
    }
  }
  if (header === undefined) throw new Error(`${path}: no header line; not a brain-rnn recording`);
  return { header, events, lines: lineNumber, truncated };
}
