/**
 * Reading a scenario file for `brain-rnn live` and scripts. A module of its own, light to import:
 * `live` prints its first line (the scenario it is about to play) from it before it loads the run
 * system, whose import takes most of the start.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseScenarioText, type Scenario } from '../system/scenario.js';

/**
 * Read and check a scenario file; nothing runs if it is malformed or needs more memory than
 * `maxMemoryBytes` (default: the scenario parser's). Read as bytes, so a byte that is not UTF-8
 * is named by its line and column.
 */
export function loadScenarioFile(path: string, seed?: number, options: { maxMemoryBytes?: number } = {}): Scenario {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read scenario ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseScenarioText(bytes, path, options);
  // A checkpoint path is relative to the scenario file, like an import.
  const agents = parsed.agents.map((agent) =>
    'checkpoint' in agent.model && agent.model.checkpoint !== undefined ? { ...agent, model: { ...agent.model, checkpoint: resolve(dirname(path), agent.model.checkpoint) } } : agent,
  );
  const scenario = { ...parsed, agents };
  return seed === undefined ? scenario : { ...scenario, seed };
}
