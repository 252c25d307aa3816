/**
 * zod schemas and the parse that turns their issues into one ConfigError, with the messages of
 * ./validation.ts (`config.rank must be an integer in [1, 31], got 40`).
 */
import { z } from 'zod';
import { ConfigError, describeRange, inRange, showValue, type NumberRange } from './validation.js';

/** zod schema: an integer in [min, max], with the house error message. */
export function zInteger(min: number, max = Number.MAX_SAFE_INTEGER) {
  const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
  return z.custom<number>((v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, {
    error: (issue) => `must be ${allowed}, got ${showValue(issue.input)}`,
  });
}

/** zod schema: a finite number within a range, with the house error message. */
export function zNumber(range: NumberRange = {}) {
  const allowed = describeRange(range);
  return z.custom<number>((v) => typeof v === 'number' && inRange(v, range), {
    error: (issue) => `must be ${allowed}, got ${showValue(issue.input)}`,
  });
}

/**
 * Parse `input` with `schema`, or throw a ConfigError whose messages start with the dotted path
 * of each bad field (`config.rank must be ...`).
 */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = [what, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return `${path} has unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${path} is required`;
    return `${path} ${issue.message.startsWith('must') ? issue.message : `is invalid: ${issue.message}`}`;
  });
  throw new ConfigError(issues);
}
