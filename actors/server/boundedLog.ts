/**
 * A log for things a hostile or broken client can repeat at will (malformed frames, refused
 * requests): the first `burst` occurrences are logged in full, later ones only counted and
 * summarised in one line at most every `summaryEveryMs` and once more at `close()`. 10,000
 * malformed frames thus print a handful of lines, and every one is still counted.
 */

export interface BoundedLogOptions {
  /** Where lines go. */
  log: (line: string) => void;
  /** Occurrences logged in full (default 5). */
  burst?: number;
  /** Least milliseconds between two summary lines (default 10 000). */
  summaryEveryMs?: number;
  /** The summary's noun phrase, e.g. `malformed messages ignored`. */
  what: string;
}

/**
 * @example
 * const malformed = new BoundedLog({ log: console.error, what: 'malformed messages ignored' });
 * malformed.report('viewer: ignored a malformed message from client 3 (not JSON)', 'client 3: not JSON', performance.now());
 * setInterval(() => malformed.tick(performance.now()), 100);
 */
export class BoundedLog {
  /** Occurrences so far, logged or not. */
  count = 0;
  private readonly log: (line: string) => void;
  private readonly burst: number;
  private readonly summaryEveryMs: number;
  private readonly what: string;
  private unsummarised = 0;
  private lastSummaryAt = 0;
  private lastDetail = '';

  constructor({ log, burst = 5, summaryEveryMs = 10_000, what }: BoundedLogOptions) {
    if (!Number.isInteger(burst) || burst < 1) throw new Error(`burst must be an integer ≥ 1, got ${burst}`);
    this.log = log;
    this.burst = burst;
    this.summaryEveryMs = summaryEveryMs;
    this.what = what;
  }

  /** One occurrence: `line` is logged while within the burst, `detail` names it in the next summary. */
  report(line: string, detail: string, now: number): void {
    this.count += 1;
    if (this.count <= this.burst) {
      this.log(this.count === this.burst ? `${line} (further ones are counted and summarised every ${this.summaryEveryMs / 1000} s)` : line);
      this.lastSummaryAt = now;
      return;
    }
    this.unsummarised += 1;
    this.lastDetail = detail;
  }

  /** Summarise what was counted, if the last summary is old enough. */
  tick(now: number): void {
    if (this.unsummarised > 0 && now - this.lastSummaryAt >= this.summaryEveryMs) this.summarise(now);
  }

  /** Summarise whatever is left. */
  close(now: number): void {
    if (this.unsummarised > 0) this.summarise(now);
  }

  private summarise(now: number): void {
    this.log(`viewer: ${this.unsummarised} more ${this.what} (${this.count} in all; the last: ${this.lastDetail})`);
    this.unsummarised = 0;
    this.lastSummaryAt = now;
  }
}
