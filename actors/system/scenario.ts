/**
 * Scenario files (scenarios/*.json): what a live run plays, who plays it, how they learn and for
 * how long. `parseScenario` refuses a malformed scenario before anything runs, with the JSON path
 * of each bad field and what is allowed. docs/scenarios.md explains the format.
 */
import { z } from 'zod';
import { parameterVector } from '../../src/cognitive/cognitiveModel.js';
import { createMatureConfig, createPrematureConfig, validateDevelopmentalConfig, type DevelopmentalConfig } from '../../src/model/config.js';
import { createRandom } from '../../src/random.js';
import { createTask } from '../../src/tasks/createTask.js';
import { decodeText, type TextInput } from '../../src/data/decodeText.js';
import { jsonErrorOffset } from '../../src/data/jsonErrorOffset.js';
import { checkJsonDepth, ConfigError, showValue } from '../../src/validation.js';
import { parseWith, zInteger, zNumber } from '../../src/schemaValidation.js';
import { COGNITIVE_MODEL_NAMES, createLiveCognitiveModel, findCognitiveModel } from '../../src/registry/cognitiveModels.js';
import { findModelKind, MODEL_KINDS } from '../../src/registry/modelKinds.js';
import { checkScenarioMemory, DEFAULT_MAX_MEMORY_BYTES } from './scenarioMemory.js';

const TASKS = ['reversal', 'two_stage', 'probabilistic_reward'] as const;
const oneOf = (values: readonly string[]) => `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
export const zEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `${oneOf(values)}, got ${showValue(issue.input)}` });
// z.custom keeps the offending value in the issue (plain zod type errors leave it out in v4).
export const zBoolean = () => z.custom<boolean>((v) => typeof v === 'boolean', { error: (issue) => `must be true or false, got ${showValue(issue.input)}` });
export const zString = () => z.custom<string>((v) => typeof v === 'string', { error: (issue) => `must be a string, got ${showValue(issue.input)}` });
export const zRecord = () =>
  z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    error: (issue) => `must be an object, got ${showValue(issue.input)}`,
  });

/**
 * The registry's spellings: a model kind or cognitive-model alias (`lowrank`, `tinygru`, `wsls`,
 * `hybrid`, …) becomes its canonical name before validation, so older scenario files still load
 * and every parsed scenario (and recording header) uses one vocabulary.
 */
function canonicalNames(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const spec = value as Record<string, unknown>;
  const kind = typeof spec.kind === 'string' ? (findModelKind(spec.kind) ?? spec.kind) : spec.kind;
  const model = kind === 'cognitive' && typeof spec.model === 'string' ? (findCognitiveModel(spec.model)?.name ?? spec.model) : spec.model;
  return { ...spec, kind, ...('model' in spec && { model }) };
}

const cognitiveObject = z
  .object({ kind: z.literal('cognitive'), model: zEnum(COGNITIVE_MODEL_NAMES as [string, ...string[]]), parameters: z.record(z.string(), zNumber()) })
  .strict();
const cognitiveSchema = z.preprocess(canonicalNames, cognitiveObject);
/** A person whose choices came from the task page (`brain-rnn play`): recordings name them; `live` cannot run them. */
const humanSchema = z.object({ kind: z.literal('human'), participant: zString() }).strict();
const lowRankSchema = z
  .object({
    kind: z.literal('low_rank'),
    stage: zEnum(['premature', 'mature']),
    nHidden: zInteger(2, 512),
    overrides: zRecord().optional(),
    // float32 runs on the WebAssembly SIMD kernel (several times faster); float64 on the exact JS kernel.
    precision: zEnum(['float32', 'float64']).optional(),
    // Start from these weights (a checkpoint file, e.g. from `brain-rnn import`) instead of a fresh initialisation.
    checkpoint: zString().optional(),
  })
  .strict();
const tinyGruSchema = z.object({ kind: z.literal('tiny_gru'), nHidden: zInteger(1, 32), checkpoint: zString().optional() }).strict();
const modelSchema = z.preprocess(
  canonicalNames,
  z.discriminatedUnion('kind', [lowRankSchema, tinyGruSchema, cognitiveObject, humanSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? `${oneOf(MODEL_KINDS)}, got ${showValue((issue.input as { kind?: unknown })?.kind)}` : undefined),
  }),
);

const a2cSchema = z
  .object({
    mode: z.literal('a2c'),
    learningRate: zNumber({ min: 0, minExclusive: true, max: 1 }).default(1e-3),
    discount: zNumber({ min: 0, max: 1 }).default(0.9),
    valueWeight: zNumber({ min: 0 }).default(0.05),
    entropyWeight: zNumber({ min: 0 }).default(0.05),
    clipNorm: zNumber({ min: 0, minExclusive: true }).default(1),
    regularize: zBoolean().default(true),
  })
  .strict();
const imitationSchema = z
  .object({
    mode: z.literal('imitation'),
    teacher: cognitiveSchema,
    learningRate: zNumber({ min: 0, minExclusive: true, max: 1 }).default(1e-2),
    clipNorm: zNumber({ min: 0, minExclusive: true }).default(1),
    regularize: zBoolean().default(true),
  })
  .strict();
const noneSchema = z.object({ mode: z.literal('none') }).strict();
const TRAINER_MODES = ['a2c', 'imitation', 'none'] as const;
const trainerSchema = z.discriminatedUnion('mode', [a2cSchema, imitationSchema, noneSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? `${oneOf(TRAINER_MODES)}, got ${showValue((issue.input as { mode?: unknown })?.mode)}` : undefined),
});

const agentSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { error: (issue) => `must be 1-40 letters, digits, "_" or "-", got ${showValue(issue.input)}` }),
    nSessions: zInteger(1, 4096),
    model: modelSchema,
    trainer: trainerSchema.default({ mode: 'none' }),
  })
  .strict();

const scenarioSchema = z
  .object({
    name: zString(),
    description: zString().optional(),
    seed: zInteger(0, 2 ** 31 - 1),
    task: z.object({ type: zEnum(TASKS), options: zRecord().default({}) }).strict(),
    trialsPerEpisode: zInteger(1, 100_000),
    agents: z.array(agentSchema).min(1, { error: 'must list at least 1 agent' }).max(16, { error: 'must list at most 16 agents' }),
    phases: z
      .array(z.object({ name: zString(), episodes: zInteger(1, 10_000_000), learning: zBoolean() }).strict())
      .min(1, { error: 'must list at least 1 phase' }),
    analyzer: z
      .object({
        windowEpisodes: zInteger(1, 100_000).default(10),
        reversalCurveLength: zInteger(1, 1000).default(20),
        recoveryTrials: zInteger(1, 1000).default(10),
        weightsEvery: zInteger(0, 1_000_000).default(10),
        probeRows: zInteger(1, 4096).default(32),
      })
      .strict()
      .default({ windowEpisodes: 10, reversalCurveLength: 20, recoveryTrials: 10, weightsEvery: 10, probeRows: 32 }),
    run: z.object({ trialsPerTick: zInteger(1, 100_000).default(100) }).strict().default({ trialsPerTick: 100 }),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type AgentSpec = Scenario['agents'][number];
export type AgentModelSpec = AgentSpec['model'];
export type CognitiveSpec = z.output<typeof cognitiveObject>;
export type TrainerSpec = AgentSpec['trainer'];

/** The developmental config a low-rank model spec stands for. */
export function lowRankConfig(spec: z.output<typeof lowRankSchema>, what = 'model'): DevelopmentalConfig {
  const preset = (spec.stage === 'premature' ? createPrematureConfig : createMatureConfig)({ nHidden: spec.nHidden });
  const overrides = spec.overrides ?? {};
  for (const key of ['stage', 'nHidden']) {
    if (key in overrides) throw new ConfigError([`${what}.overrides.${key} cannot be overridden (set ${what}.${key === 'stage' ? 'stage' : 'nHidden'})`]);
  }
  return validateDevelopmentalConfig({ ...preset, ...overrides }, `${what}.overrides`);
}

function checkCognitive(spec: CognitiveSpec, task: string, taskOptions: Record<string, unknown>, what: string): void {
  let model;
  try {
    model = createLiveCognitiveModel(spec.model, task, taskOptions);
  } catch (error) {
    // The registry says `cognitive model "x" cannot play …`; here the JSON path names it.
    throw new ConfigError([`${what}.model ${(error as Error).message.replace(/^cognitive model /, '')}`]);
  }
  try {
    parameterVector(model, spec.parameters);
  } catch (error) {
    throw new ConfigError([`${what}.parameters: ${(error as Error).message}`]);
  }
}

export interface ParseScenarioOptions {
  /** First segment of every JSON path in an error message. Default `scenario`. */
  what?: string;
  /**
   * Refuse a scenario whose estimated memory (scenarioMemory.ts) is above this many bytes.
   * Default DEFAULT_MAX_MEMORY_BYTES (2 GB); the command line passes a share of the machine's
   * memory. `Infinity` skips the memory checks (a replay allocates none of it).
   */
  maxMemoryBytes?: number;
}

/**
 * Check a scenario (already parsed from JSON) and fill in its defaults; a fresh object. Also
 * refuses values nested too deep to validate and runs too big for `maxMemoryBytes`.
 * @example
 * const scenario = parseScenario(JSON.parse(readFileSync('scenarios/reversal-developmental.json', 'utf8')));
 * parseScenario(json, { maxMemoryBytes: 0.6 * os.totalmem() });
 */
export function parseScenario(input: unknown, options: string | ParseScenarioOptions = {}): Scenario {
  const { what = 'scenario', maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES } = typeof options === 'string' ? { what: options } : options;
  checkJsonDepth(input, what);
  const scenario = parseWith(scenarioSchema, input, what);
  try {
    createTask(scenario.task.type, { nSessions: 1, rng: createRandom(0), options: structuredClone(scenario.task.options) });
  } catch (error) {
    throw new ConfigError([`${what}.task.options: ${(error as Error).message}`]);
  }
  const ids = new Set<string>();
  scenario.agents.forEach((agent, i) => {
    const at = `${what}.agents.${i}`;
    if (ids.has(agent.id)) throw new ConfigError([`${at}.id must be unique, got ${JSON.stringify(agent.id)} twice`]);
    ids.add(agent.id);
    if (agent.model.kind === 'low_rank') lowRankConfig(agent.model, `${at}.model`);
    if (agent.model.kind === 'cognitive') {
      checkCognitive(agent.model, scenario.task.type, scenario.task.options, `${at}.model`);
      if (agent.trainer.mode !== 'none') throw new ConfigError([`${at}.trainer.mode must be "none" for a cognitive agent, got ${JSON.stringify(agent.trainer.mode)}`]);
    }
    if (agent.model.kind === 'human' && agent.trainer.mode !== 'none') {
      throw new ConfigError([`${at}.trainer.mode must be "none" for a person, got ${JSON.stringify(agent.trainer.mode)}`]);
    }
    if (agent.trainer.mode === 'imitation') checkCognitive(agent.trainer.teacher, scenario.task.type, scenario.task.options, `${at}.trainer.teacher`);
  });
  if (maxMemoryBytes !== Infinity) checkScenarioMemory(scenario, maxMemoryBytes, what);
  return scenario;
}

/** Where bad JSON goes wrong, as ` (line 3, column 14)` ('' if it cannot tell). */
function jsonPosition(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset < 0) return '';
  const before = text.slice(0, offset);
  return ` (line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')})`;
}

/**
 * Parse scenario text (JSON), or a file's bytes: a UTF-8 byte-order mark (as Windows editors
 * write) is dropped, bytes that are not UTF-8 are refused with their line; bad JSON is reported
 * with its line and column, like any other field error.
 * @example
 * const scenario = parseScenarioText(readFileSync('scenarios/volatile-reward.json'), 'scenarios/volatile-reward.json');
 */
export function parseScenarioText(input: TextInput, source = 'scenario', options: Omit<ParseScenarioOptions, 'what'> = {}): Scenario {
  const text = decodeText(input, source);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new ConfigError([`${source} is not valid JSON${jsonPosition(text)}: ${message}`]);
  }
  return parseScenario(json, { ...options, what: 'scenario' });
}
