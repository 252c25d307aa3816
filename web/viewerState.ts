/**
 * The browser's copy of the run: per agent the decimated series (snapshot, then each update's
 * entries appended), spectra and phase summaries, with a version per chart so the viewer redraws
 * only the charts whose data changed.
 */
import { DecimatedSeries } from '../src/protocol/decimatedSeries.js';
import type { AgentDelta, AgentInfo, AgentView, LatentDynamicsView, LogitDynamicsView, PhaseSummary, RunStatus, ServerMessage, Spectrum } from '../src/protocol/viewerMessages.js';

export type ChartData = 'trials' | 'training' | 'weights' | 'spectra' | 'phases' | 'logits' | 'latent';

export interface AgentData {
  info: AgentInfo;
  trials: DecimatedSeries;
  training: DecimatedSeries;
  weights: DecimatedSeries;
  spectra: { first?: Spectrum; last?: Spectrum };
  phases: PhaseSummary[];
  logitDynamics?: LogitDynamicsView;
  latentDynamics?: LatentDynamicsView;
  /** Bumped whenever that part of the data changes. */
  versions: Record<ChartData, number>;
}

const series = (names: readonly string[]) => new DecimatedSeries({ names, capacity: 600 });

function agentFromView(view: AgentView): AgentData {
  const agent: AgentData = {
    info: view.info, trials: series(['rewardRate', 'pBetter']), training: series(['loss', 'taskLoss', 'policyLoss', 'valueLoss']),
    weights: series(['effectiveRank', 'svDecayGamma', 'responseHeterogeneity']), spectra: view.spectra, phases: view.phases,
    logitDynamics: view.logitDynamics, latentDynamics: view.latentDynamics,
    versions: { trials: 1, training: 1, weights: 1, spectra: 1, phases: 1, logits: 1, latent: 1 },
  };
  agent.trials.append(view.trials);
  agent.training.append(view.training);
  agent.weights.append(view.weights);
  return agent;
}

const REPLACED = [['spectra', 'spectra'], ['phases', 'phases'], ['logitDynamics', 'logits'], ['latentDynamics', 'latent']] as const;

export class ViewerState {
  status: RunStatus | undefined;
  readonly agents = new Map<string, AgentData>();
  /** Bumped when the set of agents changes (a new run). */
  roster = 0;

  /** Fold one server message in; returns whether anything shown changed. */
  apply(message: ServerMessage): boolean {
    if (message.type === 'notice') return false;
    this.status = message.status;
    if (message.type === 'snapshot') {
      this.agents.clear();
      for (const view of message.agents) this.agents.set(view.info.id, agentFromView(view));
      this.roster += 1;
      return true;
    }
    for (const delta of message.agents) this.applyDelta(delta);
    return true;
  }

  private applyDelta(delta: AgentDelta): void {
    const agent = this.agents.get(delta.id);
    if (!agent) return;
    for (const key of ['trials', 'training', 'weights'] as const) {
      const columns = delta[key];
      if (!columns) continue;
      agent[key].append(columns);
      agent.versions[key] += 1;
    }
    // Replaced wholesale: each pairs a delta field with the chart data it bumps.
    if (delta.spectra) agent.spectra = delta.spectra;
    if (delta.phases) agent.phases = delta.phases;
    if (delta.logitDynamics) agent.logitDynamics = delta.logitDynamics;
    if (delta.latentDynamics) agent.latentDynamics = delta.latentDynamics;
    for (const [field, data] of REPLACED) if (delta[field]) agent.versions[data] += 1;
  }
}
