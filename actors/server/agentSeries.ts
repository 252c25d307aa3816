/**
 * What the viewer hub keeps per agent: the decimated series (whole history and the entries since
 * the last update), the latest spectra and phase summaries, and the reward bin being widened. The
 * analyzer's bins arrive at its own width; the hub merges them into bins that double in width
 * whenever the history decimates, so old and new entries keep the same resolution.
 */
import type { AgentMetrics, TrialsBinnedOutput } from '../../src/analysis/online/analyzerState.js';
import { DecimatedSeries } from '../../src/protocol/decimatedSeries.js';
import type { AgentInfo, LatentDynamicsView, LogitDynamicsView, PhaseSummary, Spectrum } from '../../src/protocol/viewerMessages.js';
import type { LatentMeasuredOutput, LogitsMeasuredOutput } from '../../src/analysis/online/analyzerState.js';

const TRIAL_NAMES = ['rewardRate', 'pBetter'] as const;
const TRAINING_NAMES = ['loss', 'taskLoss', 'policyLoss', 'valueLoss'] as const;
const WEIGHT_NAMES = ['effectiveRank', 'svDecayGamma', 'responseHeterogeneity'] as const;
const UNBOUNDED = 1e9;

export interface AgentState {
  info: AgentInfo;
  binTrials: number;
  bin: { reward: number; better: number; samples: number; trials: number };
  trialsPlayed: number;
  episodes: number;
  trials: DecimatedSeries;
  training: DecimatedSeries;
  weights: DecimatedSeries;
  pending: { trials: DecimatedSeries; training: DecimatedSeries; weights: DecimatedSeries };
  spectra: { first?: Spectrum; last?: Spectrum };
  spectraChanged: boolean;
  phases: PhaseSummary[];
  phasesChanged: boolean;
  logitDynamics?: LogitDynamicsView;
  logitsChanged: boolean;
  latentDynamics?: LatentDynamicsView;
  latentChanged: boolean;
}

const finite = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? null : value);

export function phaseSummaries(metrics: AgentMetrics): PhaseSummary[] {
  return metrics.phases.map((p) => ({
    phase: p.phase, name: p.name, rewardRate: finite(p.rewardRate), pBetter: finite(p.pBetter),
    reversalCurve: p.reversalCurve.map((value) => finite(value)),
    ...(p.stayTable && {
      stayTable: {
        commonRewarded: finite(p.stayTable.commonRewarded), commonUnrewarded: finite(p.stayTable.commonUnrewarded),
        rareRewarded: finite(p.stayTable.rareRewarded), rareUnrewarded: finite(p.stayTable.rareUnrewarded),
      },
      modelBasedIndex: finite(p.modelBasedIndex),
    }),
  }));
}

export function newPending(): AgentState['pending'] {
  return {
    trials: new DecimatedSeries({ names: TRIAL_NAMES, capacity: UNBOUNDED }),
    training: new DecimatedSeries({ names: TRAINING_NAMES, capacity: UNBOUNDED }),
    weights: new DecimatedSeries({ names: WEIGHT_NAMES, capacity: UNBOUNDED }),
  };
}

export function newAgentState(info: AgentInfo, binTrials: number, capacity: number): AgentState {
  return {
    info, binTrials, bin: { reward: 0, better: 0, samples: 0, trials: 0 }, trialsPlayed: 0, episodes: 0,
    trials: new DecimatedSeries({ names: TRIAL_NAMES, capacity }),
    training: new DecimatedSeries({ names: TRAINING_NAMES, capacity }),
    weights: new DecimatedSeries({ names: WEIGHT_NAMES, capacity }),
    pending: newPending(), spectra: {}, spectraChanged: false, phases: [], phasesChanged: false, logitsChanged: false, latentChanged: false,
  };
}

/** Close the widened bin into the series. */
export function closeBin(agent: AgentState): void {
  const { bin } = agent;
  const row = { rewardRate: bin.reward / bin.samples, pBetter: bin.better / bin.samples };
  // Decimation halves the resolution of the history, so later bins are made twice as wide.
  if (agent.trials.push(agent.trialsPlayed, row, bin.trials)) agent.binTrials *= 2;
  agent.pending.trials.push(agent.trialsPlayed, row, bin.trials);
  agent.bin = { reward: 0, better: 0, samples: 0, trials: 0 };
}

/** Merge one analyzer bin into the current (possibly wider) bin; after the run's end each bin closes at once. */
export function addBin(agent: AgentState, bin: TrialsBinnedOutput, ended: boolean): void {
  const wide = agent.bin;
  wide.reward += bin.reward;
  wide.better += bin.better;
  wide.samples += bin.samples;
  wide.trials += bin.trials;
  agent.trialsPlayed = bin.trialsPlayed;
  if (wide.trials >= agent.binTrials || ended) closeBin(agent);
}

/** The analyzer's logit dynamics as the protocol carries them (NaN fits as null). */
export function logitDynamicsView(output: LogitsMeasuredOutput): LogitDynamicsView {
  return {
    episodes: output.episodes, source: output.source,
    types: output.types.map((t) => ({
      label: t.label, action: t.action, reward: t.reward, transition: t.transition, n: t.n,
      slope: finite(t.slope), intercept: finite(t.intercept), bins: t.bins,
    })),
  };
}

const finiteAll = (values: ArrayLike<number>) => Array.from(values, (v) => finite(v));

/** The analyzer's latent phase portrait as the protocol carries it (the plane's basis stays in the analyzer). */
export function latentDynamicsView({ update, portrait }: LatentMeasuredOutput): LatentDynamicsView {
  const { flow } = portrait;
  return {
    update, gains: finiteAll(portrait.gains),
    flow: { z1: finiteAll(flow.z1), z2: finiteAll(flow.z2), dz1: finiteAll(flow.dz1), dz2: finiteAll(flow.dz2) },
    fixedPoints: portrait.fixedPoints.map((p) => ({ z1: finite(p.z1), z2: finite(p.z2), stable: p.stable, maxModulus: finite(p.maxModulus) })),
    conditionedFixedPoints: portrait.conditionedFixedPoints.map((p) => ({ label: p.label, z1: finite(p.z1), z2: finite(p.z2), stable: p.stable, maxModulus: finite(p.maxModulus) })),
    trajectories: portrait.trajectories.map((t) => ({ z1: finiteAll(t.z1), z2: finiteAll(t.z2), labels: t.labels })),
  };
}
