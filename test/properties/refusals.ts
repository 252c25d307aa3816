/**
 * Shared by the property-based tests of the input parsers: run one input, and count it as
 * accepted or refused. A refusal must be a ConfigError whose every issue names where the problem
 * is (a JSON path, a line, a field); anything else (a TypeError, a RangeError from a stack
 * overflow, an unnamed message) fails the property. The counts feed docs/reliability.md.
 */
import { ConfigError } from '../../src/validation.js';

export interface InputCounts {
  tried: number;
  accepted: number;
  refused: number;
}

/** Counts per input kind, printed when PROPERTY_STATS is set (for the docs table). */
export const counts = new Map<string, InputCounts>();

export function outcome(kind: string, names: RegExp, run: () => unknown): 'accepted' | 'refused' {
  const count = counts.get(kind) ?? { tried: 0, accepted: 0, refused: 0 };
  counts.set(kind, count);
  count.tried += 1;
  try {
    run();
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw new Error(`${kind}: crashed with ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
    }
    for (const issue of error.issues) {
      if (!names.test(issue)) throw new Error(`${kind}: refusal does not say where: ${JSON.stringify(issue)}`);
    }
    count.refused += 1;
    return 'refused';
  }
  count.accepted += 1;
  return 'accepted';
}

export function printCounts(title: string): void {
  if (!process.env.PROPERTY_STATS) return;
  for (const [kind, c] of counts) console.log(`${title} | ${kind} | ${c.tried} | ${c.accepted} | ${c.refused}`);
}
