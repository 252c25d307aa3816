/**
 * A live run from a scenario file, with an optional recording: what `brain-rnn live` does,
 * without the terminal (tests and scripts call it directly).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serializeCheckpoint } from '../../src/model/checkpoint.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { writeAtomically } from './outputFolder.js';
import { Recorder, type RecordingError } from './recorder.js';
import { createRecordingHeader } from './recordingHeader.js';
import type { Scenario } from '../system/scenario.js';
import type { RunEvent } from '../../src/protocol/events.js';
import { startRun, type RunResult, type RunSystem, type RunSystemOptions } from '../system/startRun.js';

// Kept importable from here, where it was first: scripts call loadScenarioFile and runLive together.
export { loadScenarioFile } from './scenarioFile.js';

export interface LiveRunOptions extends Pick<RunSystemOptions, 'onAnalysis' | 'onProgress' | 'clock' | 'now' | 'machines'> {
  /** Recording path (NDJSON, gzip when it ends in .gz). */
  record?: string;
  /** Overwrite an existing recording. */
  force?: boolean;
  /** Override the scenario's seed. */
  seed?: number;
  /** Called once the system is running (to wire signals, pause, stop). */
  onStart?: (system: RunSystem) => void;
  /** Header timestamp (tests fix it). */
  startedAt?: string;
  /** Receives every event after the recorder (the viewer), from `run.started` on. */
  onEvent?: (event: RunEvent) => void;
  /** Folder to write each network agent's final weights to, as `<agent id>.json` checkpoints. */
  saveModels?: string;
  /** Trials per agent between the recording's snapshot lines (default 5000); false: none. */
  snapshotTrials?: number | false;
}

/**
 * Play a scenario, recording it when `record` is given. The recording path is checked before the
 * run starts; a write error during the run stops the run (it ends `failed`, at once even when
 * paused), closes what was written and rejects with the error naming the file.
 * @example
 * const result = await runLive(loadScenarioFile('scenarios/volatile-reward.json'), { record: 'run.ndjson.gz' });
 */
export async function runLive(scenario: Scenario, options: LiveRunOptions = {}): Promise<RunResult> {
  const { record, force, seed, onStart, startedAt, onEvent, saveModels, snapshotTrials, ...rest } = options;
  const chosen = seed === undefined ? scenario : { ...scenario, seed };
  // Refused before the run, as a recording is: the checkpoints are written only at its end.
  if (saveModels !== undefined && !force) refuseExistingCheckpoints(saveModels, chosen);
  let system: RunSystem | undefined;
  // The tick in progress also sees the error (its drain rejects); this stops a paused run too.
  const stopOnWriteError = (error: RecordingError) => system?.fail('run', error);
  const recorder = record ? new Recorder(record, createRecordingHeader(chosen, startedAt), { force, onError: stopOnWriteError, snapshotTrials, warn: (message) => process.stderr.write(`warning: ${message}\n`) }) : undefined;
  let result: RunResult;
  try {
    system = startRun(chosen, {
      ...rest,
      onEvent: recorder ? (event) => { recorder.write(event); onEvent?.(event); } : onEvent,
      backpressure: recorder && (() => recorder.drain()),
    });
    onStart?.(system);
    result = await system.done;
    if (saveModels !== undefined) saveAgentModels(saveModels, system.models, { scenario: chosen.name, seed: chosen.seed, status: result.status, trialsPlayed: result.cursor.trialsPlayed });
  } finally {
    await recorder?.close();
  }
  if (recorder?.error) {
    const kept = existsSync(recorder.path) ? '; what was written before the error replays' : '';
    throw new Error(`${recorder.error.message} (the run was stopped after ${result.cursor.trialsPlayed} trials${kept})`, { cause: recorder.error });
  }
  return result;
}

/**
 * Each network agent's weights as a checkpoint `<dir>/<agent id>.json` (cognitive agents have
 * none); `metadata` says which run they end.
 */
export function saveAgentModels(dir: string, models: ReadonlyMap<string, RecurrentModel>, metadata: Record<string, unknown>): string[] {
  mkdirSync(dir, { recursive: true });
  return [...models].map(([id, model]) => {
    const name = checkpointFileName(id);
    writeAtomically(dir, name, serializeCheckpoint(model, { ...metadata, agent: id }));
    return name;
  });
}

/** The checkpoint file of an agent: its id, with characters a file name cannot hold as `_`. */
const checkpointFileName = (id: string) => `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;

/** Throws, naming the file and what to pass, when `dir` already holds a network agent's checkpoint. */
function refuseExistingCheckpoints(dir: string, scenario: Scenario): void {
  const taken = scenario.agents
    .filter((agent) => agent.model.kind === 'low_rank' || agent.model.kind === 'tiny_gru')
    .map((agent) => checkpointFileName(agent.id))
    .filter((name) => existsSync(join(dir, name)));
  if (taken.length > 0) {
    throw new Error(`${dir} already holds ${taken.join(', ')} (checkpoints of an earlier run); pass --force to overwrite them, or another --save-models DIR`);
  }
}
