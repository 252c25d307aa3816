/**
 * A recorded fold-state snapshot: one line of a recording, written by the recorder every so many
 * trials at an episode end, holding exactly what a replay would have folded to by then (the event
 * decoder's and recording checker's state, the analyzer's and the viewer hub's), so that a replay
 * seeking far into a file it has not read restores it instead of folding everything before it.
 *
 * The line is not an event: replays skip it, and `onEvent` never sees it. It starts with a fixed
 * prefix and the episode count (`{"type":"recording.snapshot","completed":N,`), so that a reader
 * finds snapshots in plain text by a byte search at line starts and knows where each one stands
 * before parsing it. `format`, `packageVersion` and `settings` (the analyzer's and the hub's
 * options) say which fold wrote it: a replay whose own differ ignores the snapshots and folds.
 */
import { decodeFoldState, encodeFoldState, type FoldStateRegistry } from '../foldStateCodec.js';

/** Version of the snapshot line's layout and of the fold state it holds. */
export const RECORDING_SNAPSHOT_FORMAT = 1;

/** Trials per agent between recorded snapshots, and the replayer's in-memory ones, by default. */
export const DEFAULT_SNAPSHOT_TRIALS = 5000;

/** Every snapshot line starts with these characters, then its `completed` count. */
export const SNAPSHOT_LINE_PREFIX = '{"type":"recording.snapshot","completed":';

/** Where a snapshot stands and which fold wrote it: everything but the state. */
export interface RecordingSnapshotInfo {
  /** `episode.completed` events before it (all agents together). */
  completed: number;
  format: number;
  packageVersion: string;
  /** The options the fold state depends on (the analyzer's settings, the hub's bins). */
  settings: unknown;
  /** Agents of the run. */
  agents: number;
  /** The line number of the snapshot line itself (the header is line 1). */
  lineNumber: number;
  /** Events before it. */
  events: number;
  /** `trial.completed` events before it (all agents together). */
  trialEvents: number;
}

/** The fold state a snapshot holds. */
export interface RecordedFoldState {
  decoder: unknown;
  checker: unknown;
  analyzer: unknown;
  hub: unknown;
}

export interface RecordingSnapshot extends RecordingSnapshotInfo {
  state: RecordedFoldState;
}

/**
 * The snapshot as one line of text (no newline).
 *
 * @example
 * recorder.writeLine(formatSnapshotLine(snapshot, FOLD_STATE_CLASSES));
 */
export function formatSnapshotLine(snapshot: RecordingSnapshot, registry: FoldStateRegistry): string {
  const { completed, format, packageVersion, settings, agents, lineNumber, events, trialEvents, state } = snapshot;
  // The key order is part of the format: the prefix and `completed` come first.
  return JSON.stringify({ type: 'recording.snapshot', completed, format, packageVersion, settings, agents, lineNumber, events, trialEvents, state: encodeFoldState(state, registry) });
}

/** Whether a line of a recording is a snapshot line (checked on its first characters only). */
export function isSnapshotLine(text: string): boolean {
  return text.startsWith(SNAPSHOT_LINE_PREFIX);
}

const COUNTS = ['completed', 'format', 'agents', 'lineNumber', 'events', 'trialEvents'] as const;

/**
 * The fields of a snapshot line, checked; its state stays encoded until `decodeSnapshotState`
 * (a replay checks the versions first). Throws, naming the field, on a malformed line.
 *
 * @example
 * const info = parseSnapshotLine(line, 'run.ndjson: line 812');
 * if (info.format === RECORDING_SNAPSHOT_FORMAT) restore(decodeSnapshotState(info, FOLD_STATE_CLASSES));
 */
export function parseSnapshotLine(text: string, what: string): RecordingSnapshotInfo & { encodedState: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not a complete snapshot line (${(error as Error).message})`);
  }
  const line = json as Record<string, unknown>;
  if (typeof json !== 'object' || json === null || line.type !== 'recording.snapshot') throw new Error(`${what} must be a recording.snapshot line, got ${text.slice(0, 60)}`);
  for (const key of COUNTS) {
    const value = line[key];
    if (!(Number.isInteger(value) && (value as number) >= 0)) throw new Error(`${what}.${key} must be an integer ≥ 0, got ${JSON.stringify(value)}`);
  }
  if (typeof line.packageVersion !== 'string') throw new Error(`${what}.packageVersion must be a string, got ${JSON.stringify(line.packageVersion)}`);
  if (typeof line.state !== 'object' || line.state === null) throw new Error(`${what}.state must be an object, got ${JSON.stringify(line.state)}`);
  const { completed, format, packageVersion, settings, agents, lineNumber, events, trialEvents, state } = line as unknown as RecordingSnapshotInfo & { state: unknown };
  return { completed, format, packageVersion, settings, agents, lineNumber, events, trialEvents, encodedState: state };
}

/**
 * The fold state of a parsed snapshot line, prototypes from `registry`.
 *
 * @example
 * const { analyzer, hub } = decodeSnapshotState(parseSnapshotLine(line, 'line 812'), FOLD_STATE_CLASSES);
 */
export function decodeSnapshotState(info: { encodedState: unknown }, registry: FoldStateRegistry): RecordedFoldState {
  const state = decodeFoldState(info.encodedState, registry) as Partial<RecordedFoldState>;
  for (const key of ['decoder', 'checker', 'analyzer', 'hub'] as const) {
    if (state[key] === undefined) throw new Error(`a snapshot's state must hold ${key}`);
  }
  return state as RecordedFoldState;
}
