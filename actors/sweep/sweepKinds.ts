/** The kinds of sweep by name (sweepKind.ts). */
import { fitSweepKind } from './fitSweep.js';
import { liveSweepKind } from './liveSweepKind.js';
import { runSweepKind } from './runSweepKind.js';
import type { SweepDefinition } from './sweepFile.js';
import type { SweepKind } from './sweepKind.js';

const KINDS = { fit: fitSweepKind, run: runSweepKind, live: liveSweepKind } as const;

/** The kind of a definition, typed loosely: the machinery only passes definitions and results through. */
export function kindOf(definition: SweepDefinition): SweepKind<SweepDefinition, unknown> {
  return KINDS[definition.kind] as unknown as SweepKind<SweepDefinition, unknown>;
}
