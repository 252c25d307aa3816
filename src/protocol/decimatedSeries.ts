/**
 * A series with bounded memory: when it grows past `capacity` entries, neighbouring entries merge
 * in pairs (count-weighted means), so a long run keeps its whole history at a coarser resolution.
 * The server keeps one per chart line; the browser appends the entries of each update to its own
 * copy and decimates the same way, so both stay bounded whatever the run length.
 */
import type { Num, SeriesColumns } from './viewerMessages.js';

export interface DecimatedSeriesOptions {
  /** Value columns, e.g. ['rewardRate', 'pBetter']. */
  names: readonly string[];
  /** Entries kept before merging pairs (default 600). */
  capacity?: number;
}

const isNumber = (value: Num): value is number => value !== null && Number.isFinite(value);

/**
 * @example
 * const series = new DecimatedSeries({ names: ['loss'], capacity: 4 });
 * series.push(1, { loss: 0.7 });
 */
export class DecimatedSeries {
  readonly names: readonly string[];
  readonly capacity: number;
  readonly x: number[] = [];
  readonly count: number[] = [];
  readonly values: Record<string, Num[]> = {};

  constructor({ names, capacity = 600 }: DecimatedSeriesOptions) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`capacity must be an integer ≥ 2, got ${capacity}`);
    this.names = names;
    this.capacity = capacity;
    for (const name of names) this.values[name] = [];
  }

  get length(): number {
    return this.x.length;
  }

  /** Append one entry standing for `count` raw points; merges pairs when full. Returns whether it merged. */
  push(x: number, values: Record<string, Num | undefined>, count = 1): boolean {
    this.x.push(x);
    this.count.push(count);
    for (const name of this.names) {
      const value = values[name];
      this.values[name].push(value === undefined || (value !== null && !Number.isFinite(value)) ? null : value);
    }
    if (this.x.length <= this.capacity) return false;
    this.mergePairs();
    return true;
  }

  /** Append every entry of `columns` (an update's delta, or a snapshot). */
  append(columns: SeriesColumns): void {
    for (let i = 0; i < columns.x.length; i++) {
      const row: Record<string, Num> = {};
      for (const name of this.names) row[name] = columns.values[name]?.[i] ?? null;
      this.push(columns.x[i], row, columns.count[i]);
    }
  }

  /** Entries from index `from` on, as wire columns. */
  columns(from = 0): SeriesColumns {
    const values: Record<string, Num[]> = {};
    for (const name of this.names) values[name] = this.values[name].slice(from);
    return { x: this.x.slice(from), count: this.count.slice(from), values };
  }

  /** Merge entries 2i and 2i+1 (an odd last entry stays as it is): x of the later, count-weighted means. */
  private mergePairs(): void {
    const n = this.x.length;
    let out = 0;
    for (let i = 0; i < n; i += 2, out++) {
      if (i + 1 === n) {
        this.x[out] = this.x[i];
        this.count[out] = this.count[i];
        for (const name of this.names) this.values[name][out] = this.values[name][i];
        continue;
      }
      const [ca, cb] = [this.count[i], this.count[i + 1]];
      for (const name of this.names) {
        const column = this.values[name];
        const [a, b] = [column[i], column[i + 1]];
        column[out] = isNumber(a) && isNumber(b) ? (a * ca + b * cb) / (ca + cb) : isNumber(a) ? a : isNumber(b) ? b : null;
      }
      this.x[out] = this.x[i + 1];
      this.count[out] = ca + cb;
    }
    this.x.length = out;
    this.count.length = out;
    for (const name of this.names) this.values[name].length = out;
  }
}
