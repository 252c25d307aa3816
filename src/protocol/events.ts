/**
 * The events of a live run, one source for their TypeScript types and their zod schemas.
 *
 * In process, trial columns are typed arrays (one event carries a whole cohort of S sessions). On
 * the wire (recordings, later the websocket) every typed array becomes a plain JSON array of
 * numbers: Float32 values print as the shortest float64 text of the float32 value, which parses
 * back to the same float32 exactly, so a replayed event equals the live one bit for bit.
 * docs/events.md documents every type and field.
 */
import { z } from 'zod';
import { ConfigError, parseWith } from '../validation.js';

/** Version of the event schema; bumped on any incompatible change. */
export const EVENT_VERSION = 1;

/** Regularizer terms of a low-rank agent's loss (Ji-An et al. 2025 style developmental terms). */
export interface RegularizerTerms {
  value: number;
  nuclearNorm: number;
  effectiveRank: number;
  spectral: number;
  heterogeneity: number;
}

export interface AgentInfo {
  id: string;
  /** 'low_rank', 'tiny_gru' or 'cognitive'. */
  kind: string;
  /** Label for tables, e.g. `premature low-rank N=32` or `q_learning`. */
  label: string;
  nSessions: number;
  nActions: number;
}

export interface PhaseInfo {
  name: string;
  episodes: number;
  learning: boolean;
}

export interface RunStartedEvent {
  type: 'run.started';
  v: number;
  scenario: string;
  task: string;
  trialsPerEpisode: number;
  agents: AgentInfo[];
  phases: PhaseInfo[];
}
export interface PhaseStartedEvent { type: 'phase.started'; v: number; phase: number; name: string; learning: boolean }
export interface EpisodeStartedEvent { type: 'episode.started'; v: number; agent: string; phase: number; episode: number; taskSeed: number }
export interface TrialCompletedEvent {
  type: 'trial.completed';
  v: number;
  agent: string;
  phase: number;
  /** Episode index, counted over the whole run. */
  episode: number;
  /** Trial index within the episode. */
  trial: number;
  nSessions: number;
  nActions: number;
  /** S first-stage actions played. */
  actions: Int8Array;
  /** S rewards (0/1). */
  rewards: Float32Array;
  /** S×nActions probabilities of the acting agent's policy. */
  policy: Float32Array;
  /** S value estimates (0 for agents without a value head). */
  values: Float32Array;
  /** S: the action with the higher reward probability. */
  betterAction: Int8Array;
  /** S: 1 on the first trial after a reversal / jump / rich-state swap. */
  reversal: Uint8Array;
  /** S×nActions latent reward probability of each action. */
  actionRewardProbs: Float32Array;
  /** Imitation: S×nActions policy of the learner, whose choices are not the ones played. */
  learnerPolicy?: Float32Array;
  /** Two-stage: S second-stage states, second-stage actions, common (1) / rare (0). */
  stage2States?: Int8Array;
  stage2Actions?: Int8Array;
  common?: Uint8Array;
  /** Volatile task: S, 1 inside a volatile block. */
  volatile?: Uint8Array;
}
export interface EpisodeCompletedEvent { type: 'episode.completed'; v: number; agent: string; phase: number; episode: number; trials: number; meanReward: number; time: number }
export interface TrainingUpdatedEvent {
  type: 'training.updated';
  v: number;
  agent: string;
  phase: number;
  episode: number;
  /** Updates so far, this one included. */
  update: number;
  mode: 'a2c' | 'imitation';
  /** Minimised loss (task + regularizers). */
  loss: number;
  /** A2C policy + value + entropy terms, or imitation cross-entropy per choice. */
  taskLoss: number;
  policyLoss?: number;
  valueLoss?: number;
  entropy?: number;
  gradientNorm: number;
  regularizers?: RegularizerTerms;
}
export interface SerializedWeights {
  kind: 'brain_inspired_rnn' | 'tiny_gru';
  config: Record<string, unknown>;
  nInputs: number;
  nOutputs: number;
  parameters: { dtype: 'float32' | 'float64'; entries: { name: string; shape: number[]; values: number[] }[] };
}
export interface WeightsUpdatedEvent {
  type: 'weights.updated';
  v: number;
  agent: string;
  update: number;
  model: SerializedWeights;
  /** Visited hidden states (rows×nHidden) and the inputs applied there (rows×nInputs), for response heterogeneity. */
  probe: { rows: number; states: number[]; inputs: number[] };
}
export interface RunControlEvent { type: 'run.paused' | 'run.resumed'; v: number; time: number }
export interface RunEndedEvent { type: 'run.completed' | 'run.stopped'; v: number; time: number; reason?: string }

/** Every event that travels on the bus and into recordings. */
export type RunEvent =
  | RunStartedEvent
  | PhaseStartedEvent
  | EpisodeStartedEvent
  | TrialCompletedEvent
  | EpisodeCompletedEvent
  | TrainingUpdatedEvent
  | WeightsUpdatedEvent
  | RunControlEvent
  | RunEndedEvent;

export type RunEventType = RunEvent['type'];

/** First line of a recording. */
export interface RecordingHeader {
  type: 'recording.header';
  v: number;
  format: 'brain-rnn-events';
  packageVersion: string;
  scenario: unknown;
  seed: number;
  backend: string;
  startedAt: string;
}

// ---- wire schemas -------------------------------------------------------------------------------

const nonNegInt = z.number().int().min(0);
const num = z.number();
const column = z.array(z.number());
const head = { v: z.literal(EVENT_VERSION) };
const regularizers = z.object({ value: num, nuclearNorm: num, effectiveRank: num, spectral: num, heterogeneity: num }).strict();

const wireSchemas = [
  z.object({
    type: z.literal('run.started'), ...head, scenario: z.string(), task: z.string(), trialsPerEpisode: nonNegInt,
    agents: z.array(z.object({ id: z.string(), kind: z.string(), label: z.string(), nSessions: nonNegInt, nActions: nonNegInt }).strict()),
    phases: z.array(z.object({ name: z.string(), episodes: nonNegInt, learning: z.boolean() }).strict()),
  }).strict(),
  z.object({ type: z.literal('phase.started'), ...head, phase: nonNegInt, name: z.string(), learning: z.boolean() }).strict(),
  z.object({ type: z.literal('episode.started'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, taskSeed: z.number().int() }).strict(),
  z.object({
    type: z.literal('trial.completed'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, trial: nonNegInt,
    nSessions: nonNegInt, nActions: nonNegInt, actions: column, rewards: column, policy: column, values: column,
    betterAction: column, reversal: column, actionRewardProbs: column, learnerPolicy: column.optional(),
    stage2States: column.optional(), stage2Actions: column.optional(), common: column.optional(), volatile: column.optional(),
  }).strict(),
  z.object({ type: z.literal('episode.completed'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, trials: nonNegInt, meanReward: num, time: num }).strict(),
  z.object({
    type: z.literal('training.updated'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, update: nonNegInt,
    mode: z.enum(['a2c', 'imitation']), loss: num, taskLoss: num, policyLoss: num.optional(), valueLoss: num.optional(),
    entropy: num.optional(), gradientNorm: num, regularizers: regularizers.optional(),
  }).strict(),
  z.object({
    type: z.literal('weights.updated'), ...head, agent: z.string(), update: nonNegInt,
    model: z.object({
      kind: z.enum(['brain_inspired_rnn', 'tiny_gru']), config: z.record(z.string(), z.unknown()), nInputs: nonNegInt, nOutputs: nonNegInt,
      parameters: z.object({
        dtype: z.enum(['float32', 'float64']),
        entries: z.array(z.object({ name: z.string(), shape: z.array(nonNegInt), values: column }).strict()),
      }).strict(),
    }).strict(),
    probe: z.object({ rows: nonNegInt, states: column, inputs: column }).strict(),
  }).strict(),
  z.object({ type: z.enum(['run.paused', 'run.resumed']), ...head, time: num }).strict(),
  z.object({ type: z.enum(['run.completed', 'run.stopped']), ...head, time: num, reason: z.string().optional() }).strict(),
] as const;

const wireEventSchema = z.union(wireSchemas);

export const recordingHeaderSchema = z.object({
  type: z.literal('recording.header'), v: z.literal(EVENT_VERSION), format: z.literal('brain-rnn-events'),
  packageVersion: z.string(), scenario: z.unknown(), seed: z.number().int(), backend: z.string(), startedAt: z.string(),
}).strict();

const TRIAL_COLUMNS = {
  actions: Int8Array, rewards: Float32Array, policy: Float32Array, values: Float32Array, betterAction: Int8Array,
  reversal: Uint8Array, actionRewardProbs: Float32Array, learnerPolicy: Float32Array, stage2States: Int8Array,
  stage2Actions: Int8Array, common: Uint8Array, volatile: Uint8Array,
} as const;
type TrialColumn = keyof typeof TRIAL_COLUMNS;
const PER_ACTION: ReadonlySet<TrialColumn> = new Set(['policy', 'actionRewardProbs', 'learnerPolicy']);

/**
 * The JSON form of an event: typed arrays as plain arrays, nothing else changed.
 * @example
 * JSON.stringify(toWire(event)); // one NDJSON line
 */
export function toWire(event: RunEvent): Record<string, unknown> {
  if (event.type !== 'trial.completed') return event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    out[key] = ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value;
  }
  return out;
}

/**
 * Validate a parsed JSON value as an event and rebuild its typed columns; throws a ConfigError
 * naming the bad field (prefixed by `what`, e.g. `line 12`).
 * @example
 * const event = fromWire(JSON.parse(line), `line ${n}`);
 */
export function fromWire(json: unknown, what = 'event'): RunEvent {
  const parsed = parseWith(wireEventSchema, json, what) as Record<string, unknown>;
  if (parsed.type !== 'trial.completed') return parsed as unknown as RunEvent;
  const S = parsed.nSessions as number;
  const A = parsed.nActions as number;
  for (const key of Object.keys(TRIAL_COLUMNS) as TrialColumn[]) {
    const values = parsed[key] as number[] | undefined;
    if (values === undefined) continue;
    const expected = PER_ACTION.has(key) ? S * A : S;
    if (values.length !== expected) throw new ConfigError([`${what}.${key} must have ${expected} entries (nSessions × ${PER_ACTION.has(key) ? 'nActions' : '1'}), got ${values.length}`]);
    parsed[key] = TRIAL_COLUMNS[key].from(values);
  }
  return parsed as unknown as TrialCompletedEvent;
}

