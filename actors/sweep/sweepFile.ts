/**
 * Sweep files (scenarios/sweeps/*.json): a base command and the axes it is repeated over. A sweep
 * expands into cells (sweepPlan.ts), each a deterministic unit of the computation the command does
 * in one process. `parseSweep` refuses a malformed sweep before anything runs, naming the JSON
 * path of each bad field, unknown fields and empty axes included. docs/sweeps.md explains the format.
 *
 * Kinds:
 * - `fit`: `brain-rnn fit` over model entry × fold × initialisation seed; a relative `data` path is
 *   relative to the sweep file.
 * - `run`: `brain-rnn run` on one task over seed × stage.
 * - `live`: `brain-rnn live` of one scenario over seeds × overrides.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { decodeText } from '../../src/data/decodeText.js';
import { checkJsonDepth, ConfigError } from '../../src/validation.js';
import { parseWith, zInteger } from '../../src/schemaValidation.js';
import { zBoolean, zEnum, zRecord, zString } from '../system/scenario.js';
import { MIN_SPLIT_SESSIONS } from '../../src/tasks/datasetSplit.js';

const nonEmpty = (what: string) => ({ error: `must list at least 1 ${what}` });

const fitSweepSchema = z
  .object({
    name: zString(),
    description: zString().optional(),
    kind: z.literal('fit'),
    /** Trials CSV; relative to the sweep file. */
    data: zString(),
    /** Model entries as `brain-rnn fit --models` takes them; default the task's. */
    models: z.array(zString()).min(1, nonEmpty('model entry')).optional(),
    folds: zInteger(2, 1000).default(5),
    /** `brain-rnn fit --cv`, `--reset-on`: unset, the data decide (defaultCvUnit, defaultResetOn), as for fit. */
    cv: zEnum(['subject', 'session', 'block'] as const).optional(),
    resetOn: zEnum(['session', 'block'] as const).optional(),
    /** `brain-rnn fit --level`. */
    level: zEnum(['population', 'individual', 'hierarchical'] as const).default('population'),
    seeds: zInteger(1, 1000).default(5),
    seed: zInteger(0, 2 ** 31 - 1).default(1),
    nEpochs: zInteger(1, 1_000_000).optional(),
    restarts: zInteger(1, 1000).default(5),
    objective: zEnum(['stage1', 'total'] as const).default('stage1'),
    encoding: zEnum(['task', 'conjunctive'] as const).default('task'),
  })
  .strict();

/** `brain-rnn run` on one task; its flags' defaults and ranges. */
const runSweepSchema = z
  .object({
    name: zString(),
    description: zString().optional(),
    kind: z.literal('run'),
    task: zEnum(['reversal', 'two_stage', 'probabilistic_reward'] as const).default('reversal'),
    trainer: zEnum(['supervised', 'online'] as const).default('supervised'),
    episodes: zInteger(1).default(3000),
    seeds: zInteger(1, 10_000).default(10),
    seed: zInteger(0).default(42),
    nEpochs: zInteger(1).default(100),
    nSessions: zInteger(MIN_SPLIT_SESSIONS).default(80),
    trialsPerSession: zInteger(2).default(150),
    nHidden: zInteger(2, 4096).default(32),
    batchSize: zInteger(1).default(16),
    evalSessions: zInteger(1).default(64),
    /** `brain-rnn run --save-models`: keep each cell's trained network as a checkpoint in the output folder. No default, so sweeps without it keep their cell hashes. */
    saveModels: zBoolean().optional(),
    /** `brain-rnn run --precision`: float32 or float64 (the same as unset) networks on the supervised route. No default, as saveModels. */
    precision: zEnum(['float32', 'float64'] as const).optional(),
  })
  .strict();

/**
 * A scenario (a path relative to the sweep file, or the scenario itself) over seeds × overrides;
 * each override is merged into the scenario (objects field by field, arrays replaced).
 */
const liveSweepSchema = z
  .object({
    name: zString(),
    description: zString().optional(),
    kind: z.literal('live'),
    scenario: z.union([zString(), zRecord()]),
    seeds: z.array(zInteger(0, 2 ** 31 - 1)).min(1, nonEmpty('seed')),
    overrides: z.array(zRecord()).min(1, nonEmpty('override')).default([{}]),
    record: zBoolean().default(true),
  })
  .strict();

const SWEEP_KINDS = ['fit', 'run', 'live'] as const;
const sweepSchema = z.discriminatedUnion('kind', [fitSweepSchema, runSweepSchema, liveSweepSchema], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `must be one of ${SWEEP_KINDS.map((k) => JSON.stringify(k)).join(', ')}, got ${JSON.stringify((issue.input as { kind?: unknown })?.kind)}`
      : undefined,
});

export type FitSweep = z.output<typeof fitSweepSchema>;
export type RunSweep = z.output<typeof runSweepSchema>;
export type LiveSweep = Omit<z.output<typeof liveSweepSchema>, 'scenario'> & { scenario: Record<string, unknown> };
export type SweepDefinition = FitSweep | RunSweep | LiveSweep;

/**
 * Check a sweep (parsed JSON) and fill in its defaults; `baseDir` resolves a relative `data` path.
 * @example
 * parseSweep({ name: 'prl', kind: 'fit', data: 'prl.csv', models: ['q_learning'], folds: 5, seeds: 2, seed: 1 }, '/data');
 */
export function parseSweep(input: unknown, baseDir: string, what = 'sweep'): SweepDefinition {
  checkJsonDepth(input, what);
  const sweep = parseWith(sweepSchema, input, what);
  if (sweep.kind === 'live') {
    // The scenario travels inside the plan, so workers on other machines need no file.
    const scenario = typeof sweep.scenario === 'string' ? readScenarioJson(isAbsolute(sweep.scenario) ? sweep.scenario : resolve(baseDir, sweep.scenario)) : sweep.scenario;
    return { ...sweep, scenario };
  }
  // saveModels false, and the route's own precision (float64 supervised, float32 online: the rule of
  // routePrecision in src/experiments/developmentalComparison.ts, not imported into this light
  // module), are the same sweep as no key: the same cells (hashes) and files.
  if (sweep.kind === 'run') {
    const { saveModels, precision, ...rest } = sweep;
    if (precision === 'float64' && sweep.trainer === 'online') {
      throw new ConfigError([`${what}.precision "float64" applies to trainer "supervised" only: the online route trains float32 networks on the SIMD kernel`]);
    }
    return { ...rest, ...(saveModels === true && { saveModels }), ...(precision === 'float32' && sweep.trainer !== 'online' && { precision }) };
  }
  if (sweep.kind !== 'fit') return sweep;
  return { ...sweep, data: isAbsolute(sweep.data) ? sweep.data : resolve(baseDir, sweep.data) };
}

function readScenarioJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(decodeText(readFileSync(path), path)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`sweep.scenario: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}

/**
 * Read and check a sweep file; bad JSON is reported with the file's name.
 * @example
 * const sweep = loadSweepFile('scenarios/sweeps/prl.json');
 */
export function loadSweepFile(path: string): SweepDefinition {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read sweep ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const text = decodeText(bytes, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path} is not valid JSON: ${(error as Error).message}`]);
  }
  return parseSweep(json, dirname(resolve(path)));
}
