import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, parseScenarioText } from '../../actors/system/scenario.js';
import { counts, outcome, printCounts } from './refusals.js';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.json')).map((f) => join('scenarios', f));
const shipped = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>);
const shippedBytes = files.map((f) => new Uint8Array(readFileSync(f)));
const SOURCE = 'input.json';
/** A refusal of parseScenario names a JSON path, which always starts at `scenario`. */
const NAMES_PATH = /^scenario(\.|:| )/;
/** A refusal of text names the path, or the file with a line (encoding, JSON syntax). */
const NAMES_PATH_OR_LINE = /^(scenario(\.|:| )|input\.json (line \d+, (byte|character) \d+: |is not valid JSON \(line \d+, column \d+\): ))/;
const settings = { seed: 20260610, numRuns: 1000 };

afterAll(() => printCounts('scenario'));

type Path = (string | number)[];

/** Every path to a value inside `value` (the root excluded) down to `maxDepth`, objects and arrays alike. */
function pathsOf(value: unknown, at: Path = [], out: Path[] = [], maxDepth = 8): Path[] {
  if (typeof value !== 'object' || value === null || at.length >= maxDepth) return out;
  for (const key of Object.keys(value)) {
    const path = [...at, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    pathsOf((value as Record<string, unknown>)[key], path, out, maxDepth);
  }
  return out;
}

/** A deep copy without recursion (structuredClone overflows the stack on a few thousand levels). */
function clone(value: unknown): unknown {
  const copyOf = (v: unknown) => (typeof v !== 'object' || v === null ? v : Array.isArray(v) ? new Array(v.length) : {});
  const root = copyOf(value);
  const stack: [unknown, unknown][] = [[value, root]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()! as [Record<string, unknown>, Record<string, unknown>];
    if (typeof from !== 'object' || from === null) continue;
    for (const key of Object.keys(from)) {
      const copy = copyOf(from[key]);
      Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
      stack.push([from[key], copy]);
    }
  }
  return root;
}

function nest(depth: number): unknown {
  let out: unknown = 0;
  for (let i = 0; i < depth; i++) out = i % 2 ? [out] : { x: out };
  return out;
}

/** Values chosen to sit on or past the schema's edges, plus anything JSON can hold. */
const edgeValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, -0, 2, 4096, 4097, 100_000, 100_001, 512, 513, 1e308, -1e308, 2 ** 31, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity),
  fc.constantFrom('', 'a2c', 'imitation', 'none', 'low_rank', 'lowrank', 'tiny_gru', 'cognitive', 'q_learning', 'hybrid', 'reversal', 'two_stage', 'float32', 'float64', '__proto__', 'x'.repeat(10_000)),
  fc.constantFrom(null, undefined, true, false, [], {}, [[]], { kind: 'cognitive' }),
  fc.integer({ min: 10, max: 3000 }).map(nest),
  fc.jsonValue({ maxDepth: 4 }),
);

const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'addKey', 'duplicate', 'scale'),
  key: fc.constantFrom('__proto__', 'constructor', 'toString', 'extra', '', 'kind', 'mode', 'rank', 'stage', 'nHidden'),
  factor: fc.constantFrom(10, 1000, 1e6, -1, 0.5),
  value: edgeValue,
});

type Mutation = { pick: number; kind: string; key: string; factor: number; value: unknown };

function mutate(source: unknown, mutations: Mutation[]): unknown {
  const copy = clone(source) as Record<string, unknown>;
  for (const { value: shared, ...m } of mutations) {
    // constantFrom hands out the same objects every run: insert copies, never the shared ones.
    const value = clone(shared);
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    const path = paths[m.pick % paths.length];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
    const last = path[path.length - 1];
    if (m.kind === 'replace') parent[last] = value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.kind === 'addKey' && typeof parent[last] === 'object' && parent[last] !== null) {
      Object.defineProperty(parent[last], m.key, { value, enumerable: true, writable: true, configurable: true });
    } else if (m.kind === 'duplicate' && Array.isArray(parent)) parent.push(clone(parent[Number(last)]));
    else if (m.kind === 'scale' && typeof parent[last] === 'number') parent[last] *= m.factor;
  }
  return copy;
}

const mutatedScenario = fc.tuple(fc.nat({ max: shipped.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([i, ms]) => mutate(shipped[i], ms));

describe('parseScenario on generated input (fast-check)', () => {
  it('parseScenario(any JSON value) accepts or refuses with a ConfigError naming the path, never crashes', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => void outcome('random JSON values', NAMES_PATH, () => parseScenario(value))), settings);
  });

  it('parseScenario(a shipped scenario with 1-3 mutations) accepts or refuses naming the path', () => {
    fc.assert(fc.property(mutatedScenario, (value) => void outcome('mutated valid scenarios', NAMES_PATH, () => parseScenario(value))), settings);
    const { accepted, refused } = counts.get('mutated valid scenarios')!;
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('parseScenarioText(the same mutated scenarios as JSON text) refuses naming the path or the line', () => {
    fc.assert(
      fc.property(mutatedScenario, (value) => {
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          return; // too deep for JSON.stringify itself: the next property writes such text directly
        }
        if (text !== undefined) outcome('mutated valid scenarios, as text', NAMES_PATH_OR_LINE, () => parseScenarioText(text, SOURCE));
      }),
      settings,
    );
  });

  it('parseScenarioText(a shipped file with a field nested 10 to 200,000 levels deep) refuses naming the path', () => {
    const text = readFileSync(files[0], 'utf8');
    const fields = ['"seed": ', '"trialsPerEpisode": ', '"name": ', '"options": '];
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200_000 }), fc.nat({ max: fields.length - 1 }), fc.boolean(), (depth, field, arrays) => {
        const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
        const nested = `${open.repeat(depth)}0${close.repeat(depth)}`;
        const edited = text.replace(new RegExp(`${fields[field]}("[^"]*"|\\d+|\\{[^}]*\\})`), `${fields[field]}${nested}`);
        const result = outcome('deeply nested text', NAMES_PATH_OR_LINE, () => parseScenarioText(edited, SOURCE));
        if (depth > 64) expect(result).toBe('refused');
      }),
      { ...settings, numRuns: 200 },
    );
  });
});

describe('parseScenarioText on generated text and bytes (fast-check)', () => {
  it('parseScenarioText(any string) refuses naming the line, never crashes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => void outcome('random strings', NAMES_PATH_OR_LINE, () => parseScenarioText(text, SOURCE))), settings);
  });

  it('parseScenarioText(any bytes) refuses naming the line, never crashes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void outcome('random bytes', NAMES_PATH_OR_LINE, () => parseScenarioText(bytes, SOURCE))), settings);
  });

  it('parseScenarioText(a shipped file with bytes flipped, inserted or cut, or a BOM) accepts or refuses naming the path or line', () => {
    const edit = fc.record({
      file: fc.nat({ max: shippedBytes.length - 1 }),
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'insert', 'truncate', 'bom', 'crlf'),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(edit, ({ file, at, kind, bytes }) => {
        const source = shippedBytes[file];
        const i = at % source.length;
        let out: Uint8Array;
        if (kind === 'flip') out = Uint8Array.from(source, (b, j) => (j === i ? b ^ bytes[0] : b));
        else if (kind === 'insert') out = Uint8Array.from([...source.subarray(0, i), ...bytes, ...source.subarray(i)]);
        else if (kind === 'truncate') out = source.subarray(0, i);
        else if (kind === 'bom') out = Uint8Array.from([0xef, 0xbb, 0xbf, ...source]);
        else out = new TextEncoder().encode(new TextDecoder().decode(source).replace(/\n/g, '\r\n'));
        const result = outcome('mutated valid files (bytes)', NAMES_PATH_OR_LINE, () => parseScenarioText(out, SOURCE));
        if (kind === 'bom' || kind === 'crlf') expect(result).toBe('accepted');
      }),
      settings,
    );
  });
});
