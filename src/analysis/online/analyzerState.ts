/**
 * The analyzer's fold: rolling and per-phase metrics of every agent, a pure function of the event
 * stream (the same events, live or replayed, give the same numbers). Per trial it costs a few
 * loops over the cohort's columns; weight metrics are computed when a `weights.updated` arrives.
 *
 * - reward rate and P(better option): per phase, and over the last `windowEpisodes` episodes;
 * - reversal-aligned choice curve: P(better) at lag k = 0.. after each reversal (lag 0 is the
 *   first trial after the swap), and its mean over the first `recoveryTrials` lags;
 * - two-stage stay table (Daw et al. 2011): P(repeat the first-stage choice) after common/rare ×
 *   rewarded/unrewarded trials; model-based index = reward × transition interaction
 *   (CR − CU) − (RR − RU), positive for the model-based signature (Wang et al. 2018);
 *   model-free index = reward main effect (CR + RR)/2 − (CU + RU)/2;
 * - the last training losses, and effective rank, γ, nuclear norm and response heterogeneity of
 *   the last published weights.
 */
import { computeResponseHeterogeneity } from '../../metrics/responseHeterogeneity.js';
import { effectiveRankFromSingularValues } from '../../metrics/effectiveRank.js';
import { nuclearNormFromSingularValues } from '../../metrics/nuclearNorm.js';
import { singularValues } from '../../metrics/spectrum.js';
import { svDecayGammaFromSingularValues } from '../../metrics/svDecayGamma.js';
import { BrainInspiredRNN } from '../../model/brainInspiredRnn.js';
import type { SerializedModel } from '../../model/recurrentModel.js';
import type { AgentInfo, PhaseInfo, RunEvent, TrainingUpdatedEvent, TrialCompletedEvent, WeightsUpdatedEvent } from '../../protocol/events.js';

export interface AnalyzerSettings {
  windowEpisodes: number;
  reversalCurveLength: number;
  recoveryTrials: number;
}

export interface StayTable {
  commonRewarded: number;
  commonUnrewarded: number;
  rareRewarded: number;
  rareUnrewarded: number;
}

export interface PhaseMetrics {
  phase: number;
  name: string;
  /** Session-trials counted. */
  trials: number;
  rewardRate: number;
  pBetter: number;
  /** P(better) at lags 0.. after a reversal (NaN where no trial was seen). */
  reversalCurve: number[];
  /** P(better) pooled over the first `recoveryTrials` lags after reversals. */
  recoveryPBetter: number;
  /** Two-stage only. */
  stayTable?: StayTable;
  modelBasedIndex?: number;
  modelFreeIndex?: number;
}

export interface WeightMetrics {
  update: number;
  effectiveRank: number;
  svDecayGamma: number;
  nuclearNorm: number;
  responseHeterogeneity: number;
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

interface PhaseAccumulator {
  trials: number;
  reward: number;
  better: number;
  curveBetter: Float64Array;
  curveCount: Float64Array;
  /** Per cell (CR, CU, RR, RU): trials and stays. */
  stayCount: Float64Array;
  stayTrials: Float64Array;
  twoStage: boolean;
}

interface AgentAccumulator {
  info: AgentInfo;
  lag: Int32Array;
  prevAction: Int8Array;
  prevReward: Uint8Array;
  prevCommon: Uint8Array;
  phases: Map<number, PhaseAccumulator>;
  /** Current episode's sums, then pushed into the ring. */
  episodeReward: number;
  episodeBetter: number;
  episodeTrials: number;
  ring: { reward: number; better: number; trials: number }[];
  episodes: number;
  training?: TrainingUpdatedEvent;
  weights?: WeightMetrics;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

/** Effective rank, γ, nuclear norm and response heterogeneity of the weights in an event (low-rank agents). */
export function weightMetrics(event: WeightsUpdatedEvent): WeightMetrics | undefined {
  if (event.model.kind !== 'brain_inspired_rnn') return undefined;
  const model = BrainInspiredRNN.fromJSON(event.model as unknown as SerializedModel);
  const sv = singularValues(model.recurrentWeights());
  const { probe } = event;
  return {
    update: event.update,
    effectiveRank: effectiveRankFromSingularValues(sv),
    svDecayGamma: svDecayGammaFromSingularValues(sv, { maxValues: model.config.rank + 1 }).gamma,
    nuclearNorm: nuclearNormFromSingularValues(sv),
    responseHeterogeneity: probe.rows > 0 ? computeResponseHeterogeneity(model, Float64Array.from(probe.states), Float64Array.from(probe.inputs)).heterogeneity : Number.NaN,
  };
}

export class AnalyzerState {
  private readonly agents = new Map<string, AgentAccumulator>();
  private phaseInfo: PhaseInfo[] = [];

  constructor(readonly settings: AnalyzerSettings) {}

  /** Fold one event in. */
  apply(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        this.phaseInfo = event.phases;
        for (const info of event.agents) {
          const S = info.nSessions;
          this.agents.set(info.id, {
            info, lag: new Int32Array(S).fill(-1), prevAction: new Int8Array(S).fill(-1), prevReward: new Uint8Array(S),
            prevCommon: new Uint8Array(S), phases: new Map(), episodeReward: 0, episodeBetter: 0, episodeTrials: 0, ring: [], episodes: 0,
          });
        }
        return;
      case 'episode.started': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        agent.lag.fill(-1);
        agent.prevAction.fill(-1);
        agent.episodeReward = agent.episodeBetter = agent.episodeTrials = 0;
        return;
      }
      case 'trial.completed':
        this.trial(event);
        return;
      case 'episode.completed': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        agent.ring.push({ reward: agent.episodeReward, better: agent.episodeBetter, trials: agent.episodeTrials });
        if (agent.ring.length > this.settings.windowEpisodes) agent.ring.shift();
        agent.episodes += 1;
        return;
      }
      case 'training.updated': {
        const agent = this.agents.get(event.agent);
        if (agent) agent.training = event;
        return;
      }
      case 'weights.updated': {
        const agent = this.agents.get(event.agent);
        if (agent) agent.weights = weightMetrics(event);
        return;
      }
      default:
    }
  }

  private phaseAccumulator(agent: AgentAccumulator, phase: number, twoStage: boolean): PhaseAccumulator {
    let acc = agent.phases.get(phase);
    if (!acc) {
      const K = this.settings.reversalCurveLength;
      acc = {
        trials: 0, reward: 0, better: 0, curveBetter: new Float64Array(K), curveCount: new Float64Array(K),
        stayCount: new Float64Array(4), stayTrials: new Float64Array(4), twoStage,
      };
      agent.phases.set(phase, acc);
    }
    return acc;
  }

  private trial(event: TrialCompletedEvent): void {
    const agent = this.agents.get(event.agent);
    if (!agent) return;
    const { actions, rewards, betterAction, reversal, common } = event;
    const acc = this.phaseAccumulator(agent, event.phase, common !== undefined);
    const K = this.settings.reversalCurveLength;
    const { lag, prevAction, prevReward, prevCommon } = agent;
    let reward = 0;
    let better = 0;
    for (let s = 0; s < event.nSessions; s++) {
      const isBetter = actions[s] === betterAction[s] ? 1 : 0;
      reward += rewards[s];
      better += isBetter;
      if (reversal[s] === 1) lag[s] = 0;
      else if (lag[s] >= 0) lag[s] += 1;
      if (lag[s] >= 0 && lag[s] < K) {
        acc.curveBetter[lag[s]] += isBetter;
        acc.curveCount[lag[s]] += 1;
      }
      if (common !== undefined) {
        if (prevAction[s] >= 0) {
          const cell = (prevCommon[s] === 1 ? 0 : 2) + (prevReward[s] === 1 ? 0 : 1);
          acc.stayTrials[cell] += 1;
          acc.stayCount[cell] += actions[s] === prevAction[s] ? 1 : 0;
        }
        prevAction[s] = actions[s];
        prevReward[s] = rewards[s] > 0 ? 1 : 0;
        prevCommon[s] = common[s];
      }
    }
    acc.trials += event.nSessions;
    acc.reward += reward;
    acc.better += better;
    agent.episodeReward += reward;
    agent.episodeBetter += better;
    agent.episodeTrials += event.nSessions;
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
    const phases = [...agent.phases.entries()].sort((a, b) => a[0] - b[0]).map(([phase, acc]) => this.phaseMetrics(phase, acc));
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

  private phaseMetrics(phase: number, acc: PhaseAccumulator): PhaseMetrics {
    const curve = Array.from(acc.curveBetter, (b, k) => ratio(b, acc.curveCount[k]));
    const R = Math.min(this.settings.recoveryTrials, curve.length);
    let rb = 0, rn = 0;
    for (let k = 0; k < R; k++) {
      rb += acc.curveBetter[k];
      rn += acc.curveCount[k];
    }
    const out: PhaseMetrics = {
      phase, name: this.phaseInfo[phase]?.name ?? String(phase), trials: acc.trials,
      rewardRate: ratio(acc.reward, acc.trials), pBetter: ratio(acc.better, acc.trials),
      reversalCurve: curve, recoveryPBetter: ratio(rb, rn),
    };
    if (acc.twoStage) {
      const p = (cell: number) => ratio(acc.stayCount[cell], acc.stayTrials[cell]);
      const table = { commonRewarded: p(0), commonUnrewarded: p(1), rareRewarded: p(2), rareUnrewarded: p(3) };
      out.stayTable = table;
      out.modelBasedIndex = table.commonRewarded - table.commonUnrewarded - (table.rareRewarded - table.rareUnrewarded);
      out.modelFreeIndex = (table.commonRewarded + table.rareRewarded) / 2 - (table.commonUnrewarded + table.rareUnrewarded) / 2;
    }
    return out;
  }
}

/**
 * Fold a whole event sequence (tests, offline analyses).
 * @example
 * const metrics = analyzeEvents(events, { windowEpisodes: 10, reversalCurveLength: 20, recoveryTrials: 10 });
 */
export function analyzeEvents(events: Iterable<RunEvent>, settings: AnalyzerSettings): AgentMetrics[] {
  const state = new AnalyzerState(settings);
  for (const event of events) state.apply(event);
  return state.metrics();
}
