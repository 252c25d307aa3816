/**
 * The header line of a recording: what was run, by which version, on which backend.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_VERSION, type RecordingHeader } from '../../src/protocol/events.js';
import type { Scenario } from '../system/scenario.js';
import { packageRoot } from './packageRoot.js';

/** Version from package.json (read once). */
export function packageVersion(): string {
  const text = readFileSync(join(packageRoot(), 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The numeric backend: our typed-array kernels run in float64 on this architecture. */
export function backendName(): string {
  return `typed-array-kernels/${process.arch}`;
}

/**
 * @example
 * new Recorder(path, createRecordingHeader(scenario));
 */
export function createRecordingHeader(scenario: Scenario, startedAt = new Date().toISOString()): RecordingHeader {
  return {
    type: 'recording.header', v: EVENT_VERSION, format: 'brain-rnn-events', packageVersion: packageVersion(),
    scenario, seed: scenario.seed, backend: backendName(), startedAt,
  };
}
