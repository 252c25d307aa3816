/**
 * Expanding a sweep definition into its plan: the coordinator's part, which needs every kind's
 * `expand` (sweepKinds.ts). Kept apart from sweepPlan.ts so that a cell process, which reads plans
 * but never expands one, loads only the kind of its own sweep (cellRunner.ts).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/validation.js';
import { PACKAGE_VERSION } from './packageVersion.js';
import type { SweepDefinition } from './sweepFile.js';
import { kindOf } from './sweepKinds.js';
import { SWEEP_FORMAT, sha256, type SweepPlan } from './sweepPlan.js';

/** Default refusal threshold of `expandSweep` (`--max-cells` overrides it). */
export const DEFAULT_MAX_CELLS = 10_000;

/**
 * Expand a sweep into its cells; refuses more than `maxCells`.
 * @example
 * const plan = expandSweep(loadSweepFile('scenarios/sweeps/prl.json'));
 * plan.cells.length; // models × folds (× seeds for networks)
 */
export function expandSweep(definition: SweepDefinition, options: { maxCells?: number } = {}): SweepPlan {
  const { maxCells = DEFAULT_MAX_CELLS } = options;
  const kind = kindOf(definition);
  const expansion = kind.expand(definition, 'data' in definition ? readFileSync(definition.data) : undefined);
  if (expansion.keys.length > maxCells) {
    throw new ConfigError([`sweep ${JSON.stringify(definition.name)} expands into ${expansion.keys.length} cells, more than the limit of ${maxCells}; pass --max-cells ${expansion.keys.length} to run it`]);
  }
  const { name: _name, description: _description, ...rest } = definition;
  // The data file counts by its content (dataSha256), not its path.
  const { data: _data, ...configuration } = rest as typeof rest & { data?: string };
  const cells = expansion.keys.map((key, index) => ({
    index,
    hash: sha256(JSON.stringify({ configuration, dataSha256: expansion.dataSha256, key })).slice(0, 20),
    key,
  }));
  return { format: SWEEP_FORMAT, version: 1, packageVersion: PACKAGE_VERSION, definition, dataSha256: expansion.dataSha256, cells };
}
