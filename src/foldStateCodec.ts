/**
 * A JSON form of a fold's state (what `cloneState` copies in memory), so that a recorder can write
 * the state a replay would have folded to and a replay can read it back: class instances keep
 * their prototype through an explicit registry of class names (no code is looked up by a name the
 * file chooses), Maps and Sets keep their entries, typed arrays keep their exact bits (base64 of
 * their bytes, little-endian as every platform the project runs on), and numbers JSON cannot hold
 * (NaN, ±Infinity, −0) as well as `undefined` fields are tagged. Cycles are refused (fold states
 * have none); an object shared twice comes back as two copies, as with `cloneState`.
 *
 * Tagged values are objects with a `$` key: `{ $: 'c', c: name, f: fields }` (class instance),
 * `{ $: 'm', e: [[k, v], …] }` (Map), `{ $: 's', e: […] }` (Set), `{ $: 't', c: 'Float64Array',
 * b: base64 }`, `{ $: 'n', v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }`, `{ $: 'u' }`, and
 * `{ $: 'o', f: fields }` for a plain object that itself has a `$` key.
 */

/** A class whose instances may appear in a fold state. */
export type FoldStateClass = abstract new (...args: never[]) => object;

/** Class names (stable, written to files) and their classes. */
export type FoldStateRegistry = ReadonlyMap<string, FoldStateClass>;

const TYPED_ARRAYS = {
  Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint32Array, Uint16Array, Uint8Array, Uint8ClampedArray,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_INDEX[BASE64.charCodeAt(i)] = i;

/** RFC 4648 base64 of `bytes` (written here: src/ runs in the browser too, without Buffer). */
function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63] + (i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? BASE64[n & 63] : '=');
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

function fromBase64(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`${what} must be base64 (a multiple of 4 characters), got ${text.length} characters`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const v = c === 61 && i + j >= text.length - padding ? 0 : c < 128 ? BASE64_INDEX[c] : -1;
      if (v < 0) throw new Error(`${what} must be base64, got the character ${JSON.stringify(text[i + j])} at ${i + j}`);
      n = (n << 6) | v;
    }
    bytes[at++] = n >> 16;
    if (at < bytes.length) bytes[at++] = (n >> 8) & 255;
    if (at < bytes.length) bytes[at++] = n & 255;
  }
  return bytes;
}

function encodeNumber(value: number): unknown {
  if (Number.isFinite(value) && !Object.is(value, -0)) return value;
  return { $: 'n', v: Object.is(value, -0) ? '-0' : String(value) };
}

/**
 * The JSON-ready form of `value` (pass it to JSON.stringify). Throws, naming the path, on a class
 * not in `registry`, a function, a symbol, a bigint or a cycle.
 *
 * @example
 * const text = JSON.stringify(encodeFoldState(analyzer.capture(), FOLD_STATE_CLASSES));
 * const copy = decodeFoldState(JSON.parse(text), FOLD_STATE_CLASSES); // an AnalyzerState again
 */
export function encodeFoldState(value: unknown, registry: FoldStateRegistry): unknown {
  const names = new Map<unknown, string>();
  for (const [name, type] of registry) names.set(type.prototype, name);
  const open = new Set<object>();
  const encode = (item: unknown, path: string): unknown => {
    switch (typeof item) {
      case 'number':
        return encodeNumber(item);
      case 'string':
      case 'boolean':
        return item;
      case 'undefined':
        return { $: 'u' };
      case 'object':
        break;
      default:
        throw new Error(`${path} is a ${typeof item}; a fold state holds data only (numbers, strings, arrays, objects, Maps, Sets, typed arrays, registered classes)`);
    }
    if (item === null) return null;
    if (open.has(item)) throw new Error(`${path} refers back to an object that contains it; a fold state has no cycles`);
    open.add(item);
    try {
      if (ArrayBuffer.isView(item)) {
        const view: ArrayBufferView = item;
        const name = view.constructor.name as TypedArrayName;
        if (!Object.hasOwn(TYPED_ARRAYS, name) || (TYPED_ARRAYS[name] as unknown) !== view.constructor) throw new Error(`${path} is a ${view.constructor.name}; allowed views: ${Object.keys(TYPED_ARRAYS).join(', ')}`);
        return { $: 't', c: name, b: toBase64(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)) };
      }
      if (Array.isArray(item)) return item.map((entry, i) => encode(entry, `${path}[${i}]`));
      if (item instanceof Map) return { $: 'm', e: [...item].map(([k, v], i) => [encode(k, `${path}.key${i}`), encode(v, `${path}.get(${String(k)})`)]) };
      if (item instanceof Set) return { $: 's', e: [...item].map((v, i) => encode(v, `${path}.entry${i}`)) };
      const prototype = Object.getPrototypeOf(item) as unknown;
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(item)) fields[key] = encode((item as Record<string, unknown>)[key], `${path}.${key}`);
      if (prototype === Object.prototype || prototype === null) {
        if (prototype === null) throw new Error(`${path} is an object without a prototype; use a plain object`);
        return '$' in fields ? { $: 'o', f: fields } : fields;
      }
      const name = names.get(prototype);
      if (name === undefined) {
        const known = [...registry.keys()].join(', ');
        throw new Error(`${path} is an instance of ${(item as object).constructor?.name ?? 'an unnamed class'}, which is not a registered fold-state class (${known})`);
      }
      return { $: 'c', c: name, f: fields };
    } finally {
      open.delete(item);
    }
  };
  return encode(value, 'state');
}

/**
 * The value `encodeFoldState` encoded: prototypes from `registry`, typed arrays with their bits.
 * Throws, naming the path, on a tag or class it does not know.
 *
 * @example
 * decodeFoldState({ $: 't', c: 'Float64Array', b: 'AAAAAAAA8D8=' }, new Map()); // Float64Array [1]
 */
export function decodeFoldState(json: unknown, registry: FoldStateRegistry): unknown {
  const decode = (item: unknown, path: string): unknown => {
    if (item === null || typeof item !== 'object') return item;
    if (Array.isArray(item)) return item.map((entry, i) => decode(entry, `${path}[${i}]`));
    const tagged = item as Record<string, unknown>;
    const fieldsOf = (fields: unknown) => {
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new Error(`${path}.f must be an object, got ${JSON.stringify(fields)}`);
      return fields as Record<string, unknown>;
    };
    const entriesOf = (entries: unknown) => {
      if (!Array.isArray(entries)) throw new Error(`${path}.e must be an array, got ${JSON.stringify(entries)}`);
      return entries as unknown[];
    };
    const decodeFields = (target: Record<string, unknown>, fields: Record<string, unknown>) => {
      for (const key of Object.keys(fields)) target[key] = decode(fields[key], `${path}.${key}`);
      return target;
    };
    if (!('$' in tagged)) return decodeFields({}, tagged);
    switch (tagged.$) {
      case 'u':
        return undefined;
      case 'n': {
        const special: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 };
        if (typeof tagged.v !== 'string' || !(tagged.v in special)) throw new Error(`${path}.v must be one of NaN, Infinity, -Infinity, -0, got ${JSON.stringify(tagged.v)}`);
        return special[tagged.v];
      }
      case 't': {
        const type = typeof tagged.c === 'string' && Object.hasOwn(TYPED_ARRAYS, tagged.c) ? TYPED_ARRAYS[tagged.c as TypedArrayName] : undefined;
        if (type === undefined) throw new Error(`${path}.c must be one of ${Object.keys(TYPED_ARRAYS).join(', ')}, got ${JSON.stringify(tagged.c)}`);
        if (typeof tagged.b !== 'string') throw new Error(`${path}.b must be a base64 string, got ${JSON.stringify(tagged.b)}`);
        const bytes = fromBase64(tagged.b, `${path}.b`);
        if (bytes.length % type.BYTES_PER_ELEMENT !== 0) throw new Error(`${path}.b must hold whole ${tagged.c} elements, got ${bytes.length} bytes`);
        return new type(bytes.buffer as ArrayBuffer, 0, bytes.length / type.BYTES_PER_ELEMENT);
      }
      case 'm':
        return new Map(entriesOf(tagged.e).map((pair, i) => {
          if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${path}.e[${i}] must be a [key, value] pair, got ${JSON.stringify(pair)}`);
          return [decode(pair[0], `${path}.key${i}`), decode(pair[1], `${path}.value${i}`)];
        }));
      case 's':
        return new Set(entriesOf(tagged.e).map((v, i) => decode(v, `${path}.entry${i}`)));
      case 'o':
        return decodeFields({}, fieldsOf(tagged.f));
      case 'c': {
        const type = typeof tagged.c === 'string' && registry.has(tagged.c) ? registry.get(tagged.c)! : undefined;
        if (!type) throw new Error(`${path}.c must be a registered fold-state class (${[...registry.keys()].join(', ')}), got ${JSON.stringify(tagged.c)}`);
        return decodeFields(Object.create(type.prototype) as Record<string, unknown>, fieldsOf(tagged.f));
      }
      default:
        throw new Error(`${path}.$ must be one of c, m, s, t, n, u, o, got ${JSON.stringify(tagged.$)}`);
    }
  };
  return decode(json, 'state');
}
