/**
 * Named parameter tensors packed into one flat typed array, so that an optimiser step, gradient
 * clipping and serialisation are single loops, while kernels read named views (`subarray`, no copy).
 */
import { ConfigError } from '../validation.js';

export type Real = Float64Array | Float32Array;
export type Dtype = 'float32' | 'float64';

/** One named tensor inside the flat array (row-major). */
export interface ParameterEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export interface SerializedParameters {
  dtype: Dtype;
  entries: { name: string; shape: number[]; values: number[] }[];
}

/**
 * @example
 * const p = new ParameterSet([{ name: 'W_in', shape: [32, 4] }, { name: 'b_out', shape: [2] }]);
 * p.view('W_in')[0] = 0.1; // writes into p.data
 */
export class ParameterSet {
  readonly data: Real;
  readonly entries: readonly ParameterEntry[];
  private readonly byName: Map<string, ParameterEntry>;

  constructor(spec: readonly { name: string; shape: readonly number[] }[], dtype: Dtype = 'float64', data?: Real) {
    let offset = 0;
    const entries: ParameterEntry[] = [];
    for (const { name, shape } of spec) {
      const size = shape.reduce((a, b) => a * b, 1);
      entries.push({ name, shape: [...shape], offset, size });
      offset += size;
    }
    this.entries = entries;
    this.byName = new Map(entries.map((e) => [e.name, e]));
    if (data !== undefined && data.length !== offset) {
      throw new ConfigError([`parameter data must have length ${offset}, got ${data.length}`]);
    }
    this.data = data ?? (dtype === 'float32' ? new Float32Array(offset) : new Float64Array(offset));
  }

  get dtype(): Dtype {
    return this.data instanceof Float32Array ? 'float32' : 'float64';
  }

  get size(): number {
    return this.data.length;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ParameterEntry {
    const entry = this.byName.get(name);
    if (!entry) throw new ConfigError([`unknown parameter ${JSON.stringify(name)}; known: ${[...this.byName.keys()].join(', ')}`]);
    return entry;
  }

  /** A live view (no copy) of one named tensor. */
  view(name: string): Real {
    const { offset, size } = this.entry(name);
    return this.data.subarray(offset, offset + size);
  }

  /** A zero-filled set with the same layout (e.g. for gradients or optimiser moments). */
  zerosLike(): ParameterSet {
    return new ParameterSet(this.entries, this.dtype);
  }

  clone(): ParameterSet {
    return new ParameterSet(this.entries, this.dtype, this.data.slice());
  }

  /** The same values in another precision. */
  withDtype(dtype: Dtype): ParameterSet {
    const data = dtype === 'float32' ? Float32Array.from(this.data) : Float64Array.from(this.data);
    return new ParameterSet(this.entries, dtype, data);
  }

  copyFrom(other: ParameterSet): void {
    if (other.size !== this.size) throw new ConfigError([`cannot copy ${other.size} parameters into ${this.size}`]);
    this.data.set(other.data);
  }

  /**
   * `copyFrom` a set that must have the same tensor names and shapes, in order (a restored
   * checkpoint); otherwise a ConfigError that lists both layouts.
   * @param what - the model's name, for the error message.
   * @example
   * model.parameters.copyFromSameLayout(ParameterSet.fromJSON(json.parameters), 'TinyGRU');
   */
  copyFromSameLayout(other: ParameterSet, what: string): void {
    const expected = this.entries;
    const layoutMatches =
      other.entries.length === expected.length &&
      other.entries.every((e, i) => e.name === expected[i].name && e.shape.join(',') === expected[i].shape.join(','));
    if (!layoutMatches) {
      const describe = (set: ParameterSet) => set.entries.map((e) => `${e.name}[${e.shape}]`).join(', ');
      throw new ConfigError([`${what} parameters must be ${describe(this)}, got ${describe(other)}`]);
    }
    this.copyFrom(other);
  }

  toJSON(): SerializedParameters {
    return {
      dtype: this.dtype,
      entries: this.entries.map((e) => ({
        name: e.name,
        shape: [...e.shape],
        values: Array.from(this.data.subarray(e.offset, e.offset + e.size)),
      })),
    };
  }

  /** Bit-exact inverse of `toJSON` (JSON numbers round-trip float64 exactly). */
  static fromJSON(json: SerializedParameters): ParameterSet {
    const set = new ParameterSet(json.entries, json.dtype);
    for (const e of json.entries) set.view(e.name).set(e.values);
    return set;
  }
}
