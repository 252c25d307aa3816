/**
 * The live analysis of a run: one fold of the event stream, a pure function of the events (the
 * same events, live or replayed, give the same numbers). It is the only place where trials are
 * folded: the analyzer actor runs it, the viewer hub relays what it reports, and the end-of-run
 * summary prints its metrics. Per trial it costs one loop over the cohort's columns.
 *
 * It reports three kinds of output through the `emit` callback of `apply`:
 * - `trials.binned` every `binTrials` trials of an agent (sums of reward and better choices, the
 *   viewer's reward series), and for the partial bin when the run ends or `finish` is called;
 * - `weights.measured` for each `weights.updated` (spectrum, effective rank, γ, nuclear norm,
 *   heterogeneity through the exact k×k route of weightMetrics.ts);
 * - `metrics.updated` after each episode of an agent: rolling and per-phase metrics (phaseAccumulator.ts);
 * - `latent.measured` for each `weights.updated` of a low-rank agent: its latent phase portrait
 *   (latentDynamicsTracker.ts: flow, fixed points, the last episode's trajectories);
 * - `logits.measured` after each episode of a two-action agent: the logit dynamics of the last
 *   `windowEpisodes` episodes (logitDynamicsAccumulator.ts; the learner's policy under imitation).
 */
import type { AgentInfo, PhaseInfo, RunEvent, TrainingUpdatedEvent, TrialCompletedEvent } from '../../protocol/events.js';
import { cloneState } from '../../cloneState.js';
import { stayCell } from '../stayCounts.js';
import { measureSerializedWeights, type WeightMetrics } from '../weightMetrics.js';
import type { LatentPhasePortrait } from '../latentPhasePortrait.js';
import { parseTaskType } from '../../tasks/encoding.js';
import { LatentDynamicsTracker } from './latentDynamicsTracker.js';
import { LogitDynamicsAccumulator, type TrialTypeLogitDynamics } from './logitDynamicsAccumulator.js';
import { PhaseAccumulator, type PhaseMetrics } from './phaseAccumulator.js';

export interface AnalyzerSettings {
  /** Episodes in the rolling window of reward and P(better). */
  windowEpisodes: number;
  /** Lags of the reversal-aligned curve. */
  reversalCurveLength: number;
  /** Lags pooled into the recovery P(better). */
  recoveryTrials: number;
  /** Trials per `trials.binned` output (default 10). */
  binTrials?: number;
}

export interface AgentMetrics {
  agent: string;
  label: string;
  episodes: number;
  rolling: { episodes: number; rewardRate: number; pBetter: number };
  phases: PhaseMetrics[];
  training?: Omit<TrainingUpdatedEvent, 'type' | 'v' | 'agent'>;
  weights?: WeightMetrics;
}

export interface MetricsUpdatedOutput { type: 'metrics.updated'; agent: string; metrics: AgentMetrics }
export interface TrialsBinnedOutput {
  type: 'trials.binned';
  agent: string;
  /** Trials the agent has played, this bin included. */
  trialsPlayed: number;
  /** Trials in the bin. */
  trials: number;
  /** Session-trials in the bin (trials × sessions). */
  samples: number;
  reward: number;
  better: number;
}
export interface WeightsMeasuredOutput { type: 'weights.measured'; agent: string; weights: WeightMetrics }
export interface LogitsMeasuredOutput {
  type: 'logits.measured';
  agent: string;
  /** Episodes the dynamics cover (the last `windowEpisodes`). */
  episodes: number;
  /** Whose policy: the acting agent's, or under imitation the learner's (choices are the teacher's). */
  source: 'policy' | 'learnerPolicy';
  types: TrialTypeLogitDynamics[];
}
export interface LatentMeasuredOutput { type: 'latent.measured'; agent: string; update: number; portrait: LatentPhasePortrait }
export type AnalyzerOutput = MetricsUpdatedOutput | TrialsBinnedOutput | WeightsMeasuredOutput | LogitsMeasuredOutput | LatentMeasuredOutput;
export type AnalyzerEmit = (output: AnalyzerOutput) => void;

interface AgentAccumulator {
  info: AgentInfo;
  /** Per session: trials since the last reversal (−1: none this episode), previous trial's action, reward, transition. */
  lag: Int32Array;
  prevAction: Int8Array;
  prevRewarded: Uint8Array;
  prevCommon: Uint8Array;
  phases: Map<number, PhaseAccumulator>;
  episode: { reward: number; better: number; trials: number };
  ring: { reward: number; better: number; trials: number }[];
  episodes: number;
  trialsPlayed: number;
  bin: { trials: number; samples: number; reward: number; better: number };
  training?: TrainingUpdatedEvent;
  weights?: WeightMetrics;
  /** Two-action agents: the live logit dynamics, and whose policy fed it last. */
  logits?: LogitDynamicsAccumulator;
  logitSource: LogitsMeasuredOutput['source'];
  /** Low-rank agents: the inputs behind the latent trajectories. */
  latent?: LatentDynamicsTracker;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const noEmit: AnalyzerEmit = () => {};

export class AnalyzerState {
  private readonly agents = new Map<string, AgentAccumulator>();
  private phaseInfo: PhaseInfo[] = [];
  private readonly binTrials: number;

  constructor(readonly settings: AnalyzerSettings) {
    this.binTrials = settings.binTrials ?? 10;
  }

  /** Fold one event in; outputs go to `emit`. */
  apply(event: RunEvent, emit: AnalyzerEmit = noEmit): void {
    switch (event.type) {
      case 'run.started':
        this.phaseInfo = event.phases;
        this.agents.clear();
        for (const info of event.agents) {
          const agent = newAgent(info, event.task === 'two_stage', this.settings.windowEpisodes);
          if (info.kind === 'low_rank') agent.latent = new LatentDynamicsTracker({ task: parseTaskType(event.task), trialsPerEpisode: event.trialsPerEpisode, nSessions: info.nSessions });
          this.agents.set(info.id, agent);
        }
        return;
      case 'episode.started': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        agent.lag.fill(-1);
        agent.prevAction.fill(-1);
        agent.episode = { reward: 0, better: 0, trials: 0 };
        agent.logits?.startEpisode();
        agent.latent?.startEpisode();
        return;
      }
      case 'trial.completed':
        this.trial(event, emit);
        return;
      case 'episode.completed': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        agent.ring.push(agent.episode);
        if (agent.ring.length > this.settings.windowEpisodes) agent.ring.shift();
        agent.episodes += 1;
        agent.latent?.endEpisode();
        emit({ type: 'metrics.updated', agent: event.agent, metrics: this.agentMetrics(event.agent)! });
        if (agent.logits) {
          agent.logits.endEpisode();
          emit({ type: 'logits.measured', agent: event.agent, episodes: agent.logits.episodes, source: agent.logitSource, types: agent.logits.summary() });
        }
        return;
      }
      case 'training.updated': {
        const agent = this.agents.get(event.agent);
        if (agent) agent.training = event;
        return;
      }
      case 'weights.updated': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        agent.weights = measureSerializedWeights(event.model, event.probe, event.update);
        if (agent.weights) emit({ type: 'weights.measured', agent: event.agent, weights: agent.weights });
        const portrait = agent.latent?.measure(event.model, event.probe);
        if (portrait) emit({ type: 'latent.measured', agent: event.agent, update: event.update, portrait });
        return;
      }
      case 'run.completed':
      case 'run.stopped':
      case 'run.failed':
        this.finish(emit);
        return;
      default:
    }
  }

  /** A copy of the whole fold (a replay's snapshot to seek back to). */
  capture(): AnalyzerState {
    return cloneState(this);
  }

  /** Continue from a captured fold, as if the events since had not been applied. */
  restoreFrom(saved: AnalyzerState): void {
    Object.assign(this, cloneState(saved));
  }

  /** Report every partial trial bin (the run ended, or a replay stopped short of its end). */
  finish(emit: AnalyzerEmit = noEmit): void {
    for (const agent of this.agents.values()) if (agent.bin.trials > 0) closeBin(agent, emit);
  }

  private phaseAccumulator(agent: AgentAccumulator, phase: number, twoStage: boolean): PhaseAccumulator {
    let acc = agent.phases.get(phase);
    if (!acc) {
      acc = new PhaseAccumulator(phase, this.settings.reversalCurveLength, twoStage);
      agent.phases.set(phase, acc);
    }
    return acc;
  }

  private trial(event: TrialCompletedEvent, emit: AnalyzerEmit): void {
    const agent = this.agents.get(event.agent);
    if (!agent) return;
    const { actions, rewards, betterAction, reversal, common, nSessions } = event;
    const acc = this.phaseAccumulator(agent, event.phase, common !== undefined);
    const { lag, prevAction, prevRewarded, prevCommon } = agent;
    const stays = acc.stays;
    let reward = 0;
    let better = 0;
    for (let s = 0; s < nSessions; s++) {
      const isBetter = actions[s] === betterAction[s] ? 1 : 0;
      reward += rewards[s];
      better += isBetter;
      if (reversal[s] === 1) lag[s] = 0;
      else if (lag[s] >= 0) lag[s] += 1;
      acc.addToCurve(lag[s], isBetter);
      if (common !== undefined) {
        // Pairs (t, t + 1) within an episode: prevAction is reset at each episode start.
        if (prevAction[s] >= 0 && stays) stays.add(stayCell(prevCommon[s] === 1, prevRewarded[s] === 1), actions[s] === prevAction[s]);
        prevAction[s] = actions[s];
        prevRewarded[s] = rewards[s] > 0 ? 1 : 0;
        prevCommon[s] = common[s];
      }
    }
    if (agent.logits) {
      const { learnerPolicy } = event;
      agent.logitSource = learnerPolicy ? 'learnerPolicy' : 'policy';
      agent.logits.add(learnerPolicy ?? event.policy, actions, rewards, common);
    }
    agent.latent?.add(event.trial, actions, rewards, event.stage2States);
    acc.trials += nSessions;
    acc.reward += reward;
    acc.better += better;
    agent.episode.reward += reward;
    agent.episode.better += better;
    agent.episode.trials += nSessions;
    agent.trialsPlayed += 1;
    const { bin } = agent;
    bin.trials += 1;
    bin.samples += nSessions;
    bin.reward += reward;
    bin.better += better;
    if (bin.trials >= this.binTrials) closeBin(agent, emit);
  }

  /** Metrics of one agent (undefined before its `run.started`). */
  agentMetrics(id: string): AgentMetrics | undefined {
    const agent = this.agents.get(id);
    if (!agent) return undefined;
    let reward = 0, better = 0, trials = 0;
    for (const e of agent.ring) {
      reward += e.reward;
      better += e.better;
      trials += e.trials;
    }
    const phases = [...agent.phases.values()]
      .sort((a, b) => a.phase - b.phase)
      .map((acc) => acc.metrics(this.phaseInfo[acc.phase]?.name ?? String(acc.phase), this.settings.recoveryTrials));
    const metrics: AgentMetrics = {
      agent: id, label: agent.info.label, episodes: agent.episodes,
      rolling: { episodes: agent.ring.length, rewardRate: ratio(reward, trials), pBetter: ratio(better, trials) },
      phases,
    };
    if (agent.training) {
      const { type: _t, v: _v, agent: _a, ...training } = agent.training;
      metrics.training = training;
    }
    if (agent.weights) metrics.weights = agent.weights;
    return metrics;
  }

  /** Metrics of every agent, in `run.started` order. */
  metrics(): AgentMetrics[] {
    return [...this.agents.keys()].map((id) => this.agentMetrics(id)!);
  }
}

function newAgent(info: AgentInfo, twoStage: boolean, windowEpisodes: number): AgentAccumulator {
  const S = info.nSessions;
  const logits = info.nActions === 2 ? new LogitDynamicsAccumulator({ nSessions: S, byTransition: twoStage, windowEpisodes }) : undefined;
  return {
    logits, logitSource: 'policy',
    info, lag: new Int32Array(S).fill(-1), prevAction: new Int8Array(S).fill(-1), prevRewarded: new Uint8Array(S), prevCommon: new Uint8Array(S),
    phases: new Map(), episode: { reward: 0, better: 0, trials: 0 }, ring: [], episodes: 0, trialsPlayed: 0,
    bin: { trials: 0, samples: 0, reward: 0, better: 0 },
  };
}

function closeBin(agent: AgentAccumulator, emit: AnalyzerEmit): void {
  emit({ type: 'trials.binned', agent: agent.info.id, trialsPlayed: agent.trialsPlayed, ...agent.bin });
  agent.bin = { trials: 0, samples: 0, reward: 0, better: 0 };
}

/**
 * Fold a whole event sequence (tests, offline analyses of a recording).
 * @example
 * const metrics = analyzeEvents(events, { windowEpisodes: 10, reversalCurveLength: 20, recoveryTrials: 10 });
 */
export function analyzeEvents(events: Iterable<RunEvent>, settings: AnalyzerSettings): AgentMetrics[] {
  const state = new AnalyzerState(settings);
  for (const event of events) state.apply(event);
  return state.metrics();
}
