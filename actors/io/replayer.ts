/**
 * Replay a recording: read it line by line (streamed, bounded memory), validate each event and
 * publish it on a bus, at `speed` times the recorded pace or as fast as possible. A partial last
 * line (a killed run) replays with a warning; a corrupt line anywhere else is an error naming
 * its line number.
 */
import { createReadStream } from 'node:fs';
import { createGunzip, constants } from 'node:zlib';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import { recordingHeaderSchema, type RecordingHeader, type RunEvent } from '../../src/protocol/events.js';
import { parseWith } from '../../src/validation.js';
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
  const file = createReadStream(path);
  // A killed run's gzip stream has no trailer: decode what is there instead of failing.
  const source = path.endsWith('.gz') ? file.pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH })) : file;
  file.on('error', (error) => source.destroy(error));
  let rest = '';
  let lineNumber = 0;
  let events = 0;
  let header: RecordingHeader | undefined;
  const handle = async (text: string): Promise<void> => {
    lineNumber += 1;
    if (text.trim() === '') return;
    const json = parseLine(text, lineNumber, path);
    if (header === undefined) {
      header = parseWith(recordingHeaderSchema, json, `${path}: line ${lineNumber} (header)`) as RecordingHeader;
      onHeader?.(header);
      return;
    }
    const event = decoder.decode(json, `${path}: line ${lineNumber}`);
    const wait = pace('time' in event ? event.time : undefined);
    if (wait) await wait;
    events += 1;
    onEvent(event);
  };
  const utf8 = new TextDecoder();
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : utf8.decode(chunk as Buffer, { stream: true });
    let newline = rest.indexOf('\n');
    let from = 0;
    while (newline !== -1) {
      await handle(rest.slice(from, newline));
      from = newline + 1;
      newline = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
  }
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
