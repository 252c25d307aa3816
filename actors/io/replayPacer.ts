/**
 * The pace of a replay, changeable while it plays: pause, resume and speed (times the recorded
 * pace). Recorded times only sit on some events (episode ends, run control), so the pacer keeps an
 * anchor (recorded time, wall time) and waits until the wall clock reaches the anchor plus the
 * recorded gap divided by the speed; a speed change or a resume moves the anchor to now, so the
 * replay neither jumps ahead nor rushes to catch up. Trials carry no time of their own: each trial
 * event is due one estimated trial gap after the previous one (the last recorded gap divided by the
 * trial events in it), so a paced replay moves trial by trial, not in jumps at episode ends; the
 * next recorded time corrects the estimate. A seek request (a viewer's timeline) cuts any wait short
 * and is taken by the replayer. Time comes from a clock (XState's Clock with `now`): the wall clock
 * by default, a `SimulatedClock` in tests.
 */

/** What the pacer needs of a clock: XState's `SimulatedClock` has both. */
export interface PacerClock {
  /** Milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
}

const wallClock: PacerClock = { now: () => performance.now(), setTimeout: (callback, ms) => setTimeout(callback, ms) };

export interface ReplayPacerOptions {
  /** Times the recorded pace (default Infinity: as fast as possible). */
  speed?: number;
  /** Default: the wall clock. */
  clock?: PacerClock;
}

/** Longest single wait, so a speed change or a pause takes effect within this many milliseconds. */
const SLICE_MS = 100;

/**
 * @example
 * const pacer = new ReplayPacer({ speed: 2 });
 * await replayRecording(path, { onEvent, pace: (time) => pacer.pace(time) });
 */
export class ReplayPacer {
  private currentSpeed: number;
  private readonly clock: PacerClock;
  private anchor: { recorded: number; wall: number } | undefined;
  /** The latest recorded (or, for trials, estimated) time reached. */
  private lastRecorded: number | undefined;
  /** The latest time actually recorded on an event, and the trial events since. */
  private lastTimed: number | undefined;
  private trialsSinceTimed = 0;
  /** Estimated recorded milliseconds per trial event. */
  private trialGap = 0;
  private resumed: { promise: Promise<void>; resolve: () => void } | undefined;
  private seekTarget: number | undefined;
  /** At the end of the recording: who waits for the next seek (or for the close). */
  private atEnd: ((episode: number | undefined) => void) | undefined;
  private closed = false;

  constructor({ speed = Infinity, clock = wallClock }: ReplayPacerOptions = {}) {
    if (!(speed > 0)) throw new Error(`speed must be a number > 0, got ${speed}`);
    this.currentSpeed = speed;
    this.clock = clock;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.resumed !== undefined;
  }

  pause(): void {
    if (this.resumed) return;
    this.resumed = this.newGate();
  }

  private newGate(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  /** Ask the replay to seek to the end of episode `episode` (0: the start); a pause stays in force. */
  requestSeek(episode: number): void {
    if (!(Number.isInteger(episode) && episode >= 0)) throw new Error(`episode must be an integer >= 0, got ${episode}`);
    if (this.atEnd) {
      const waiter = this.atEnd;
      this.atEnd = undefined;
      waiter(episode);
      return;
    }
    this.seekTarget = episode;
    const gate = this.resumed;
    if (gate) {
      // Wake the paused wait so the replayer sees the request; stay paused.
      this.resumed = this.newGate();
      gate.resolve();
    }
  }

  /**
   * At the end of the recording: the next seek request, or undefined once `close` is called (the
   * viewer is going away).
   */
  nextSeek(): Promise<number | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.atEnd = resolve));
  }

  /** No more seeks: a replay waiting at its end finishes, one paused or paced stops at its next event. */
  close(): void {
    this.closed = true;
    this.atEnd?.(undefined);
    this.atEnd = undefined;
    // Wake a paused or sleeping wait the way a seek does; the replayer sees `isClosed` and stops.
    this.seekTarget ??= -1;
    const gate = this.resumed;
    this.resumed = undefined;
    gate?.resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The pending seek, if any (taken once). */
  takeSeek(): number | undefined {
    if (this.closed) return undefined;
    const target = this.seekTarget;
    this.seekTarget = undefined;
    if (target !== undefined) {
      this.anchor = undefined;
      this.lastRecorded = this.lastTimed = undefined;
      this.trialsSinceTimed = 0;
    }
    return target;
  }

  resume(): void {
    const resumed = this.resumed;
    if (!resumed) return;
    this.resumed = undefined;
    this.reanchor();
    resumed.resolve();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error(`speed must be a number > 0, got ${speed}`);
    this.currentSpeed = speed;
    this.reanchor();
  }

  /**
   * Wait until the event recorded at `time` (undefined: an event without a time; `trial`: a trial
   * event, due one estimated trial gap after the previous) is due. Returns undefined, not a
   * promise, when nothing needs waiting (the common case at full speed).
   */
  pace(time: number | undefined, trial = false): Promise<void> | undefined {
    if (this.seekTarget !== undefined) return undefined;
    if (time !== undefined) {
      if (this.lastTimed !== undefined && this.trialsSinceTimed > 0 && time >= this.lastTimed) this.trialGap = (time - this.lastTimed) / this.trialsSinceTimed;
      this.lastTimed = time;
      this.trialsSinceTimed = 0;
    } else if (trial) {
      this.trialsSinceTimed += 1;
      if (this.trialGap > 0 && this.lastRecorded !== undefined && Number.isFinite(this.currentSpeed)) time = this.lastRecorded + this.trialGap;
    }
    if (!this.resumed && (time === undefined || !Number.isFinite(this.currentSpeed))) {
      if (time !== undefined) this.lastRecorded = time;
      return undefined;
    }
    return this.waitFor(time);
  }

  private async waitFor(time: number | undefined): Promise<void> {
    for (;;) {
      // A seek requested while this wait slept must not then wait on the pause.
      if (this.seekTarget !== undefined) return;
      if (this.resumed) await this.resumed.promise;
      if (this.seekTarget !== undefined) return;
      if (time === undefined || !Number.isFinite(this.currentSpeed)) break;
      this.anchor ??= { recorded: this.lastRecorded ?? time, wall: this.clock.now() };
      const wait = this.anchor.wall + (time - this.anchor.recorded) / this.currentSpeed - this.clock.now();
      if (wait <= 0 && !this.resumed) break;
      if (wait > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, Math.min(wait, SLICE_MS)));
    }
    if (time !== undefined) this.lastRecorded = time;
  }

  private reanchor(): void {
    this.anchor = this.lastRecorded === undefined ? undefined : { recorded: this.lastRecorded, wall: this.clock.now() };
  }
}
