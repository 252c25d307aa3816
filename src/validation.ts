/**
 * Validation shared by every config and constructor. Errors name the field, the value and the
 * allowed range, e.g. `rank must be an integer in [1, 31], got 40`. The zod schemas with the same
 * messages are in ./schemaValidation.ts: zod takes a tenth of a second to load, which the command
 * line's first line should not wait for when it only needs these checks.
 */

/** Thrown for any invalid argument or config; `issues` lists every problem found, one per field. */
export class ConfigError extends RangeError {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
    this.name = 'ConfigError';
  }
}

/** Render a value for an error message: NaN, Infinity, strings and objects all readable. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    // Too deep for JSON.stringify, or a cycle: say what it is rather than "[object Object]".
    return Array.isArray(value) ? 'an array' : typeof value === 'object' && value !== null ? 'an object' : String(value);
  }
}

/** How deep a JSON value may nest (objects and arrays) before `checkJsonDepth` refuses it. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuse a JSON value nested deeper than `maxDepth` objects or arrays, naming the path to the
 * too-deep value. Validation (zod, JSON.stringify, structuredClone) recurses once per level,
 * so a 100,000-deep value from a hostile or broken file would otherwise end in "Maximum call stack
 * size exceeded" with no path; this walk is iterative and stops at the first too-deep value it meets.
 * @example
 * checkJsonDepth(JSON.parse(text), 'scenario'); // throws: scenario.task.options.a.a.a ... nests deeper than 64 levels
 */
export function checkJsonDepth(value: unknown, what: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length >= maxDepth) {
      const at = path.length > 12 ? `${[what, ...path.slice(0, 8)].join('.')}...${path.slice(-2).join('.')}` : [what, ...path].join('.');
      throw new ConfigError([`${at} nests deeper than ${maxDepth} levels of objects and arrays`]);
    }
    for (const key of Object.keys(node)) stack.push({ value: (node as Record<string, unknown>)[key], path: [...path, key] });
  }
}

function fail(name: string, allowed: string, value: unknown): never {
  throw new ConfigError([`${name} must be ${allowed}, got ${showValue(value)}`]);
}

/** An integer in [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(name, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** Exclude `min` itself (an open lower bound). */
  minExclusive?: boolean;
  /** Exclude `max` itself. */
  maxExclusive?: boolean;
}

export function describeRange({ min, max, minExclusive, maxExclusive }: NumberRange): string {
  if (min === undefined && max === undefined) return 'a finite number';
  if (max === undefined) return `a finite number ${minExclusive ? '>' : '>='} ${min}`;
  if (min === undefined) return `a finite number ${maxExclusive ? '<' : '<='} ${max}`;
  return `a number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
}

export function inRange(value: number, { min, max, minExclusive, maxExclusive }: NumberRange): boolean {
  if (!Number.isFinite(value)) return false;
  if (min !== undefined && (minExclusive ? value <= min : value < min)) return false;
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) return false;
  return true;
}

/** A finite number, optionally within a range. */
export function checkNumber(name: string, value: unknown, range: NumberRange = {}): number {
  if (typeof value !== 'number' || !inRange(value, range)) fail(name, describeRange(range), value);
  return value;
}

/** A probability in [0, 1]. */
export function checkProbability(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 0, max: 1 });
}

/** A seeded generator from src/random.ts (anything with its draw and split methods). */
export function checkRandom<R>(name: string, value: R): R {
  const candidate = value as { uniform?: unknown; normal?: unknown; split?: unknown } | undefined;
  if (typeof candidate?.uniform !== 'function' || typeof candidate.normal !== 'function' || typeof candidate.split !== 'function') {
    fail(name, 'a Random (createRandom(seed))', value);
  }
  return value;
}

/** Every entry of an array is finite. */
export function checkFiniteArray(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${name}[${i}]`, 'a finite number', values[i]);
  }
}
