/**
 * The fold a replay runs, run beside a recording as it is written, so that the recorder can write
 * snapshot lines (src/protocol/recordingSnapshot.ts) holding exactly the state a replay reaches
 * at that line: the event decoder and recording checker, the analyzer, and a headless viewer hub
 * in replay mode fed as a replay's hub is (the analyzer's outputs for an event, then the event).
 *
 * The fold sees each event as a replay decodes it: other events are decoded from their written
 * line; trial events, the bulk, are used as they are (their columns already hold the decoder's
 * typed arrays, float32 columns bit for bit), which spares a JSON parse and a validation per trial,
 * and the checker follows their place in the run without checking their columns again.
 */
import { AnalyzerState, type AnalyzerSettings } from '../../src/analysis/online/analyzerState.js';
import { FOLD_STATE_CLASSES } from '../../src/foldStateClasses.js';
import { EventDecoder } from '../../src/protocol/eventCodec.js';
import type { RunEvent, TrialCompletedEvent } from '../../src/protocol/events.js';
import { RecordingChecker } from '../../src/protocol/recordingChecker.js';
import { DEFAULT_SNAPSHOT_TRIALS, formatSnapshotLine, RECORDING_SNAPSHOT_FORMAT } from '../../src/protocol/recordingSnapshot.js';
import { TRIAL_COLUMNS, TRIAL_COLUMN_NAMES } from '../../src/protocol/trialColumns.js';
import { ViewerHub } from '../server/viewerHub.js';

export { DEFAULT_SNAPSHOT_TRIALS };

export interface SnapshotFoldOptions {
  /** The analyzer's settings, as a replay parses them from the header's scenario. */
  analyzer: AnalyzerSettings;
  /** Trials per agent between snapshots (default 5000). */
  snapshotTrials?: number;
  /** Written to each snapshot; a replay of another version ignores them. */
  packageVersion: string;
}

/** A snapshot line due after an event, and where it stands. */
export interface DueSnapshot {
  line: string;
  /** `episode.completed` events before it (all agents). */
  completed: number;
}

/** Each column and the decoder's array type for it (looked up once: this runs for every trial). */
const COLUMN_TYPES = TRIAL_COLUMN_NAMES.map((name) => [name, TRIAL_COLUMNS[name].array] as const);

/** The trial event as the decoder would give it: typed columns of the decoder's types. */
function asDecoded(event: TrialCompletedEvent): TrialCompletedEvent {
  let copy: TrialCompletedEvent | undefined;
  for (const [name, type] of COLUMN_TYPES) {
    const column = event[name];
    if (column === undefined || column.constructor === type) continue;
    copy ??= { ...event };
    (copy as unknown as Record<string, unknown>)[name] = type.from(column as ArrayLike<number>);
  }
  return copy ?? event;
}

/**
 * @example
 * const fold = new SnapshotFold({ analyzer: scenario.analyzer, packageVersion: '0.1.0' });
 * const due = fold.add(event, line); // write `line`, then `due.line` when due is set
 */
export class SnapshotFold {
  private readonly decoder = new EventDecoder();
  private readonly checker = new RecordingChecker();
  private readonly analyzer: AnalyzerState;
  private readonly hub = new ViewerHub({ mode: 'replay', now: () => 0 });
  private readonly snapshotTrials: number;
  private readonly settings: unknown;
  private readonly packageVersion: string;
  /** Lines so far, the header included; events, episode ends and trial events so far. */
  private lineNumber = 1;
  private events = 0;
  private completed = 0;
  private trialEvents = 0;
  private agents = 1;
  private trialEventsAtSnapshot = 0;

  constructor({ analyzer, snapshotTrials = DEFAULT_SNAPSHOT_TRIALS, packageVersion }: SnapshotFoldOptions) {
    if (!(Number.isInteger(snapshotTrials) && snapshotTrials >= 1)) throw new Error(`snapshotTrials must be an integer ≥ 1, got ${snapshotTrials}`);
    this.analyzer = new AnalyzerState(analyzer);
    this.snapshotTrials = snapshotTrials;
    this.packageVersion = packageVersion;
    this.settings = { analyzer, hub: this.hub.foldSettings() };
  }

  /** Fold one event, whose written line is `line`; returns the snapshot line to write after it when one is due. */
  add(event: RunEvent, line: string): DueSnapshot | undefined {
    this.lineNumber += 1;
    const what = `recording line ${this.lineNumber}`;
    const decoded = event.type === 'trial.completed' ? asDecoded(event) : this.decoder.decode(JSON.parse(line), what);
    // The run made these events: the checker follows their order without re-checking each column.
    this.checker.check(decoded, what, { trustColumns: true });
    this.events += 1;
    this.analyzer.apply(decoded, (output) => this.hub.analysis(output));
    this.hub.event(decoded);
    if (decoded.type === 'run.started') this.agents = decoded.agents.length;
    if (decoded.type === 'trial.completed') this.trialEvents += 1;
    if (decoded.type !== 'episode.completed') return undefined;
    this.completed += 1;
    // The pending entries would grow without bound in a hub no viewer reads.
    if (this.completed % 64 === 0) this.hub.dropPending();
    if (this.trialEvents - this.trialEventsAtSnapshot < this.snapshotTrials * this.agents) return undefined;
    this.trialEventsAtSnapshot = this.trialEvents;
    this.lineNumber += 1;
    // The hub's unsent entries belong to viewers (there are none); a restore drops them anyway.
    this.hub.dropPending();
    const state = { decoder: this.decoder, checker: this.checker, analyzer: this.analyzer, hub: this.hub.captureState() };
    const snapshot = {
      completed: this.completed, format: RECORDING_SNAPSHOT_FORMAT, packageVersion: this.packageVersion, settings: this.settings,
      agents: this.agents, lineNumber: this.lineNumber, events: this.events, trialEvents: this.trialEvents, state,
    };
    return { line: formatSnapshotLine(snapshot, FOLD_STATE_CLASSES), completed: this.completed };
  }
}
