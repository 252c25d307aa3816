/**
 * The events of a live run. Each event is declared once, as a zod schema of its wire (JSON) form;
 * the TypeScript types are derived from the schemas. The trial event is the one exception to
 * "wire form = in-process form": in process its columns are typed arrays (one event carries a
 * whole cohort of S sessions, see trialColumns.ts) and it carries the next trial's network inputs,
 * a column derived from the others that is never recorded (eventCodec.ts rebuilds it on replay).
 * docs/events.md documents every type and field.
 */
import { z } from 'zod';
import { TRIAL_COLUMNS, TRIAL_COLUMN_NAMES, type TrialColumns } from './trialColumns.js';

/** Version of the event schema; bumped on any incompatible change. */
export const EVENT_VERSION = 1;

const nonNegInt = z.number().int().min(0);
const num = z.number();
const column = z.array(z.number());
const head = { v: z.literal(EVENT_VERSION) };

const agentInfo = z.object({
  id: z.string(),
  /** Canonical model kind: 'low_rank', 'tiny_gru' or 'cognitive'. */
  kind: z.string(),
  /** Label for tables, e.g. `premature low-rank N=32` or `q_learning`. */
  label: z.string(),
  nSessions: nonNegInt,
  nActions: nonNegInt,
}).strict();
const phaseInfo = z.object({ name: z.string(), episodes: nonNegInt, learning: z.boolean() }).strict();
const regularizerTerms = z.object({ value: num, nuclearNorm: num, effectiveRank: num, spectral: num, heterogeneity: num }).strict();

export const runStartedSchema = z.object({
  type: z.literal('run.started'), ...head, scenario: z.string(), task: z.string(), trialsPerEpisode: nonNegInt,
  agents: z.array(agentInfo), phases: z.array(phaseInfo),
}).strict();
export const phaseStartedSchema = z.object({ type: z.literal('phase.started'), ...head, phase: nonNegInt, name: z.string(), learning: z.boolean() }).strict();
export const episodeStartedSchema = z.object({
  type: z.literal('episode.started'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, taskSeed: z.number().int(),
}).strict();
const trialHead = {
  type: z.literal('trial.completed'), ...head, agent: z.string(), phase: nonNegInt,
  /** Episode index, counted over the whole run. */
  episode: nonNegInt,
  /** Trial index within the episode. */
  trial: nonNegInt,
  nSessions: nonNegInt,
  nActions: nonNegInt,
};
export const trialCompletedWireSchema = z.object({
  ...trialHead,
  ...Object.fromEntries(TRIAL_COLUMN_NAMES.map((name) => [name, TRIAL_COLUMNS[name].optional ? column.optional() : column])),
}).strict();
export const episodeCompletedSchema = z.object({
  type: z.literal('episode.completed'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt, trials: nonNegInt, meanReward: num, time: num,
}).strict();
export const trainingUpdatedSchema = z.object({
  type: z.literal('training.updated'), ...head, agent: z.string(), phase: nonNegInt, episode: nonNegInt,
  /** Updates so far, this one included. */
  update: nonNegInt,
  mode: z.enum(['a2c', 'imitation']),
  /** Minimised loss (task + regularizers). */
  loss: num,
  /** A2C policy + value + entropy terms, or imitation cross-entropy per choice. */
  taskLoss: num,
  policyLoss: num.optional(), valueLoss: num.optional(), entropy: num.optional(),
  gradientNorm: num,
  regularizers: regularizerTerms.optional(),
}).strict();
const serializedWeights = z.object({
  /** The checkpoint format's kind key (not the scenario vocabulary): 'brain_inspired_rnn' or 'tiny_gru'. */
  kind: z.enum(['brain_inspired_rnn', 'tiny_gru']),
  config: z.record(z.string(), z.unknown()), nInputs: nonNegInt, nOutputs: nonNegInt,
  parameters: z.object({
    dtype: z.enum(['float32', 'float64']),
    entries: z.array(z.object({ name: z.string(), shape: z.array(nonNegInt), values: column }).strict()),
  }).strict(),
}).strict();
export const weightsUpdatedSchema = z.object({
  type: z.literal('weights.updated'), ...head, agent: z.string(), update: nonNegInt, model: serializedWeights,
  /** Visited hidden states (rows×nHidden) and the inputs applied there (rows×nInputs), for response heterogeneity. */
  probe: z.object({ rows: nonNegInt, states: column, inputs: column }).strict(),
}).strict();
export const runControlSchema = z.object({ type: z.enum(['run.paused', 'run.resumed']), ...head, time: num }).strict();
export const runEndedSchema = z.object({ type: z.enum(['run.completed', 'run.stopped']), ...head, time: num, reason: z.string().optional() }).strict();
/** The actor roles an error can come from. */
export const ACTOR_ROLES = ['environment', 'agent', 'trainer', 'analyzer', 'run'] as const;
export const runFailedSchema = z.object({
  type: z.literal('run.failed'), ...head, time: num,
  /** The agent whose actor failed (absent when the failure is not an agent's, e.g. the analyzer's fold of run.started). */
  agent: z.string().optional(),
  role: z.enum(ACTOR_ROLES),
  phase: nonNegInt,
  phaseName: z.string(),
  message: z.string(),
}).strict();

export type AgentInfo = z.output<typeof agentInfo>;
export type PhaseInfo = z.output<typeof phaseInfo>;
export type RegularizerTerms = z.output<typeof regularizerTerms>;
export type SerializedWeights = z.output<typeof serializedWeights>;
export type ActorRole = (typeof ACTOR_ROLES)[number];
export type RunStartedEvent = z.output<typeof runStartedSchema>;
export type PhaseStartedEvent = z.output<typeof phaseStartedSchema>;
export type EpisodeStartedEvent = z.output<typeof episodeStartedSchema>;
type TrialHead = z.output<z.ZodObject<typeof trialHead>>;
export type TrialCompletedEvent = TrialHead & TrialColumns & {
  /** S×nInputs network input of the next trial (encodes this trial); derived, not recorded. */
  nextInputs: Float64Array;
};
export type EpisodeCompletedEvent = z.output<typeof episodeCompletedSchema>;
export type TrainingUpdatedEvent = z.output<typeof trainingUpdatedSchema>;
export type WeightsUpdatedEvent = z.output<typeof weightsUpdatedSchema>;
export type RunControlEvent = z.output<typeof runControlSchema>;
export type RunEndedEvent = z.output<typeof runEndedSchema>;
export type RunFailedEvent = z.output<typeof runFailedSchema>;

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
  | RunEndedEvent
  | RunFailedEvent;

export type RunEventType = RunEvent['type'];

/** The wire schemas of every event but the trial event (whose typed columns the codec rebuilds). */
export const plainEventSchemas = [
  runStartedSchema, phaseStartedSchema, episodeStartedSchema, episodeCompletedSchema, trainingUpdatedSchema,
  weightsUpdatedSchema, runControlSchema, runEndedSchema, runFailedSchema,
] as const;

export const recordingHeaderSchema = z.object({
  type: z.literal('recording.header'), v: z.literal(EVENT_VERSION), format: z.literal('brain-rnn-events'),
  /** Version of brain-inspired-rnn that wrote the recording. */
  packageVersion: z.string(),
  /** The full scenario, defaults filled in. */
  scenario: z.unknown(),
  seed: z.number().int(),
  backend: z.string(),
  startedAt: z.string(),
}).strict();

/** First line of a recording. */
export type RecordingHeader = z.output<typeof recordingHeaderSchema>;
