/**
 * The viewer protocol: JSON messages with a `type` and a version `v`, one source for their
 * TypeScript types and zod schemas (docs/viewer-protocol.md documents every field). The server
 * validates what browsers send; the browser validates what the server sends. Numbers that may be
 * undefined (NaN in the analyzer, e.g. no trial after a reversal yet) travel as `null`.
 */
import { z } from 'zod';

/** Version of the viewer protocol; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION);
/** A number, or null where the analyzer has none yet (JSON has no NaN). */
const num = z.number().nullable();
const count = z.number().int().min(0);

const runMode = z.enum(['live', 'replay']);
const runState = z.enum(['waiting', 'running', 'paused', 'completed', 'stopped', 'failed']);
/** Columns of one decimated series: `x` and `count` (raw points merged into each entry) plus named values. */
const series = z.object({ x: z.array(z.number()), count: z.array(count), values: z.record(z.string(), z.array(num)) });
/** Singular values of the recurrent weights after `update` training updates. */
const spectrum = z.object({ update: count, values: z.array(z.number()) });
/** First published and latest spectrum. */
const spectra = z.object({ first: spectrum.optional(), last: spectrum.optional() });
const stayTable = z.object({ commonRewarded: num, commonUnrewarded: num, rareRewarded: num, rareUnrewarded: num });
const phase = z.object({
  phase: count, name: z.string(), rewardRate: num, pBetter: num,
  /** P(better) at lags 0.. after a reversal. */
  reversalCurve: z.array(num),
  stayTable: stayTable.optional(),
  modelBasedIndex: num.optional(),
});
/** The logit dynamics of one trial type (Ji-An et al. 2025): ΔL = intercept + slope · L, and the mean ΔL in bins of L. */
const trialTypeDynamics = z.object({
  label: z.string(), action: count, reward: count, transition: z.enum(['common', 'rare']).nullable(),
  n: count, slope: num, intercept: num,
  bins: z.object({ logit: z.array(z.number()), change: z.array(z.number()), count: z.array(count) }),
});
/** Logit dynamics over the last `episodes` episodes, read from the acting agent's policy or (imitation) the learner's. */
const logitDynamics = z.object({ episodes: count, source: z.enum(['policy', 'learnerPolicy']), types: z.array(trialTypeDynamics) });
/**
 * Latent phase portrait of a low-rank agent's published weights (Mastrogiuseppe & Ostojic 2018):
 * in the plane of its two leading latent coordinates, the flow of the autonomous map under the
 * resting input, its fixed points, the fixed points under each outcome's input and a few
 * sessions' trajectories over the last trials.
 */
const latentDynamics = z.object({
  update: count,
  /** Singular values of W along the plane's two axes. */
  gains: z.array(num),
  flow: z.object({ z1: z.array(num), z2: z.array(num), dz1: z.array(num), dz2: z.array(num) }),
  fixedPoints: z.array(z.object({ z1: num, z2: num, stable: z.boolean(), maxModulus: num })),
  /** Fixed points of the map under each trial outcome's input (`a0r1`: after action 0 was rewarded). */
  conditionedFixedPoints: z.array(z.object({ label: z.string(), z1: num, z2: num, stable: z.boolean(), maxModulus: num })).default([]),
  /** Per session: projected states and the outcome each took in (`a1r0`, `start`). */
  trajectories: z.array(z.object({ z1: z.array(num), z2: z.array(num), labels: z.array(z.string()) })),
});
const status = z.object({
  mode: runMode, state: runState, scenario: z.string(), task: z.string(),
  /** Trials played so far (per agent, the furthest agent). */
  trials: count,
  /** Trials the whole run plays (per agent). */
  totalTrials: count,
  /** Episodes completed (the furthest agent). */
  episodes: count,
  /** Episodes the whole run plays (per agent); the replay timeline's end. */
  totalEpisodes: count.optional(),
  /** Recent pace, trials per second. */
  trialsPerSecond: z.number(),
  /** Replays: times the recorded pace, null = as fast as possible. Live runs: null. */
  speed: num,
});
// The viewer describes agents exactly as the run.started event does.
const info = z.object({ id: z.string(), kind: z.string(), label: z.string(), nSessions: count, nActions: count });
/** Everything the viewer shows about one agent. */
const agentView = z.object({
  info,
  /** x = trials played; values rewardRate, pBetter (means over the bin's trials and sessions). */
  trials: series,
  /** x = update; values loss, taskLoss, policyLoss, valueLoss. */
  training: series,
  /** x = update; values effectiveRank, svDecayGamma, responseHeterogeneity. */
  weights: series,
  spectra,
  phases: z.array(phase),
  /** Two-action agents, after their first episode. */
  logitDynamics: logitDynamics.optional(),
  /** Low-rank agents, after their first published weights. */
  latentDynamics: latentDynamics.optional(),
});
/** New data about one agent since the last update; series carry appended entries only. */
const agentDelta = z.object({
  id: z.string(), trials: series.optional(), training: series.optional(), weights: series.optional(),
  spectra: spectra.optional(), phases: z.array(phase).optional(), logitDynamics: logitDynamics.optional(),
  latentDynamics: latentDynamics.optional(),
});
const snapshotMessage = z.object({ type: z.literal('snapshot'), v, status, agents: z.array(agentView) });
const updateMessage = z.object({ type: z.literal('update'), v, status, agents: z.array(agentDelta) });
const noticeMessage = z.object({ type: z.literal('notice'), v, message: z.string() });

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), v }).strict(),
  z.object({ type: z.literal('resume'), v }).strict(),
  z.object({ type: z.literal('speed'), v, speed: z.union([z.number().positive().max(1e6), z.literal('max')]) }).strict(),
  /** Replays: go to the end of `episode` (0: the start), re-folded from the replay's snapshots. */
  z.object({ type: z.literal('seek'), v, episode: z.number().int().min(0).max(1e9) }).strict(),
]);
export const serverMessageSchema = z.discriminatedUnion('type', [snapshotMessage, updateMessage, noticeMessage]);

export type Num = number | null;
export type RunMode = z.output<typeof runMode>;
export type RunState = z.output<typeof runState>;
export type RunStatus = z.output<typeof status>;
export type AgentInfo = z.output<typeof info>;
export type SeriesColumns = z.output<typeof series>;
export type StaySummary = z.output<typeof stayTable>;
export type PhaseSummary = z.output<typeof phase>;
export type Spectrum = z.output<typeof spectrum>;
export type LogitDynamicsView = z.output<typeof logitDynamics>;
export type LatentDynamicsView = z.output<typeof latentDynamics>;
export type AgentView = z.output<typeof agentView>;
export type AgentDelta = z.output<typeof agentDelta>;
export type SnapshotMessage = z.output<typeof snapshotMessage>;
export type UpdateMessage = z.output<typeof updateMessage>;
export type NoticeMessage = z.output<typeof noticeMessage>;
export type ServerMessage = z.output<typeof serverMessageSchema>;
export type ClientMessage = z.output<typeof clientMessageSchema>;

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
  return { ok: true, message: result.data };
}

/**
 * Parse one frame from the server (the browser's boundary).
 * @example
 * const message = parseServerMessage(event.data); // throws on a malformed frame
 */
export function parseServerMessage(text: string): ServerMessage {
  return serverMessageSchema.parse(JSON.parse(text));
}
