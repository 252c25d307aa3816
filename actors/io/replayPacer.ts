/**
 * The pace of a replay, changeable while it plays: pause, resume and speed (times the recorded
 * pace). Recorded times only sit on some events (episode ends, run control), so the pacer keeps an
 * anchor (recorded time, wall time) and waits until the wall clock reaches the anchor plus the
 * recorded gap divided by the speed; a speed change or a resume moves the anchor to now, so the
 * replay neither jumps ahead nor rushes to catch up. Time comes from a clock (XState's Clock with
 * `now`): the wall clock by default, a `SimulatedClock` in tests.
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
  private lastRecorded: number | undefined;
  private resumed: { promise: Promise<void>; resolve: () => void } | undefined;

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
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.resumed = { promise, resolve };
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
   * Wait until the event recorded at `time` (undefined: an event without a time) is due. Returns
   * undefined, not a promise, when nothing needs waiting (the common case at full speed).
   */
  pace(time: number | undefined): Promise<void> | undefined {
    if (!this.resumed && (time === undefined || !Number.isFinite(this.currentSpeed))) {
      if (time !== undefined) this.lastRecorded = time;
      return undefined;
    }
    return this.waitFor(time);
  }

  private async waitFor(time: number | undefined): Promise<void> {
    for (;;) {
      if (this.resumed) await this.resumed.promise;
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
