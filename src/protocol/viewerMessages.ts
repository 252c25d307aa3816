/**
 * The viewer protocol: JSON messages with a `type` and a version `v`, one source for their
 * TypeScript types and zod schemas (docs/viewer-protocol.md documents every field). The server
 * validates what browsers send; the browser validates what the server sends. Numbers that may be
 * undefined (NaN in the analyzer, e.g. no trial after a reversal yet) travel as `null`.
 */
import { z } from 'zod';
import type { AgentInfo } from './events.js';

/** Version of the viewer protocol; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** A number, or null where the analyzer has none yet (JSON has no NaN). */
export type Num = number | null;

export type RunMode = 'live' | 'replay';
export type RunState = 'waiting' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export interface RunStatus {
  mode: RunMode;
  state: RunState;
  scenario: string;
  task: string;
  /** Trials played so far (per agent, the furthest agent). */
  trials: number;
  /** Trials the whole run plays (per agent). */
  totalTrials: number;
  /** Episodes completed (the furthest agent). */
  episodes: number;
  /** Recent pace, trials per second. */
  trialsPerSecond: number;
  /** Replays: times the recorded pace, null = as fast as possible. Live runs: null. */
  speed: Num;
}

// The viewer describes agents exactly as the run.started event does.
export type { AgentInfo };

/** Columns of one decimated series: `x` and `count` (raw points merged into each entry) plus named values. */
export interface SeriesColumns {
  x: number[];
  count: number[];
  values: Record<string, Num[]>;
}

export interface StayTable {
  commonRewarded: Num;
  commonUnrewarded: Num;
  rareRewarded: Num;
  rareUnrewarded: Num;
}

export interface PhaseSummary {
  phase: number;
  name: string;
  rewardRate: Num;
  pBetter: Num;
  /** P(better) at lags 0.. after a reversal. */
  reversalCurve: Num[];
  stayTable?: StayTable;
  modelBasedIndex?: Num;
}

export interface Spectrum {
  update: number;
  values: number[];
}

/** Everything the viewer shows about one agent. */
export interface AgentView {
  info: AgentInfo;
  /** x = trials played; values rewardRate, pBetter (means over the bin's trials and sessions). */
  trials: SeriesColumns;
  /** x = update; values loss, taskLoss, policyLoss, valueLoss. */
  training: SeriesColumns;
  /** x = update; values effectiveRank, svDecayGamma, responseHeterogeneity. */
  weights: SeriesColumns;
  /** Singular values of the recurrent weights: first published and latest. */
  spectra: { first?: Spectrum; last?: Spectrum };
  phases: PhaseSummary[];
}

/** New data about one agent since the last update; series carry appended entries only. */
export interface AgentDelta {
  id: string;
  trials?: SeriesColumns;
  training?: SeriesColumns;
  weights?: SeriesColumns;
  spectra?: { first?: Spectrum; last?: Spectrum };
  phases?: PhaseSummary[];
}

export interface SnapshotMessage { type: 'snapshot'; v: number; status: RunStatus; agents: AgentView[] }
export interface UpdateMessage { type: 'update'; v: number; status: RunStatus; agents: AgentDelta[] }
export interface NoticeMessage { type: 'notice'; v: number; message: string }
export type ServerMessage = SnapshotMessage | UpdateMessage | NoticeMessage;

export type ClientMessage =
  | { type: 'pause'; v: number }
  | { type: 'resume'; v: number }
  | { type: 'speed'; v: number; speed: number | 'max' };

// ---- schemas ------------------------------------------------------------------------------------

const v = z.literal(PROTOCOL_VERSION);
const num = z.number().nullable();
const count = z.number().int().min(0);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), v }).strict(),
  z.object({ type: z.literal('resume'), v }).strict(),
  z.object({ type: z.literal('speed'), v, speed: z.union([z.number().positive().max(1e6), z.literal('max')]) }).strict(),
]);

const series = z.object({ x: z.array(z.number()), count: z.array(count), values: z.record(z.string(), z.array(num)) });
const spectrum = z.object({ update: count, values: z.array(z.number()) });
const spectra = z.object({ first: spectrum.optional(), last: spectrum.optional() });
const phase = z.object({
  phase: count, name: z.string(), rewardRate: num, pBetter: num, reversalCurve: z.array(num),
  stayTable: z.object({ commonRewarded: num, commonUnrewarded: num, rareRewarded: num, rareUnrewarded: num }).optional(),
  modelBasedIndex: num.optional(),
});
const status = z.object({
  mode: z.enum(['live', 'replay']), state: z.enum(['waiting', 'running', 'paused', 'completed', 'stopped', 'failed']),
  scenario: z.string(), task: z.string(), trials: count, totalTrials: count, episodes: count, trialsPerSecond: z.number(), speed: num,
});
const info = z.object({ id: z.string(), kind: z.string(), label: z.string(), nSessions: count, nActions: count });

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'), v, status,
    agents: z.array(z.object({ info, trials: series, training: series, weights: series, spectra, phases: z.array(phase) })),
  }),
  z.object({
    type: z.literal('update'), v, status,
    agents: z.array(z.object({
      id: z.string(), trials: series.optional(), training: series.optional(), weights: series.optional(),
      spectra: spectra.optional(), phases: z.array(phase).optional(),
    })),
  }),
  z.object({ type: z.literal('notice'), v, message: z.string() }),
]);

/**
 * Parse one text frame from a browser; returns the message or the reason it was refused.
 * @example
 * const parsed = parseClientMessage('{"type":"pause","v":1}'); // { ok: true, message: { type: 'pause', v: 1 } }
 */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = clientMessageSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
  }
  return { ok: true, message: result.data as ClientMessage };
}

/**
 * Parse one frame from the server (the browser's boundary).
 * @example
 * const message = parseServerMessage(event.data); // throws on a malformed frame
 */
export function parseServerMessage(text: string): ServerMessage {
  return serverMessageSchema.parse(JSON.parse(text)) as ServerMessage;
}
