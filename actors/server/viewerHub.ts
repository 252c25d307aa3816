/**
 * What the viewer shows: a relay of the analyzer's outputs (trial bins, weight metrics and
 * spectra, per-phase summaries) and of the run's training and control events, kept per agent as
 * decimated series. The hub folds no trial itself: the analyzer (src/analysis/online) is the one
 * fold, and the hub only widens its bins as the history decimates. It keeps the whole history
 * (a late joiner's snapshot) and the entries added since the last update (the next delta). It
 * never touches a socket: the server decides when and to whom to send.
 */
import type { AnalyzerOutput } from '../../src/analysis/online/analyzerState.js';
import type { RunEvent } from '../../src/protocol/events.js';
import {
  PROTOCOL_VERSION, type AgentDelta, type AgentView, type ClientMessage, type RunMode,
  type RunState, type RunStatus, type SnapshotMessage, type Spectrum, type UpdateMessage,
} from '../../src/protocol/viewerMessages.js';
import { cloneState } from '../../src/cloneState.js';
import { addBin, closeBin, latentDynamicsView, logitDynamicsView, newAgentState, newPending, phaseSummaries, type AgentState } from './agentSeries.js';

/** What viewers may do to the run; absent entries are refused with a notice. */
export interface RunControls {
  pause?: () => void;
  resume?: () => void;
  /** Replays: times the recorded pace (Infinity = as fast as possible). */
  setSpeed?: (speed: number) => void;
  /** Replays: go to the end of this episode (the timeline). */
  seek?: (episode: number) => void;
  /** Replays that wait at their end for a seek back (the CLI while it keeps serving): `seek` works after the end too, and pauses there. */
  seeksAfterEnd?: boolean;
}

/** What a replay's timeline snapshots of the hub: the agents' series and summaries, and the run's totals. */
export interface HubState {
  agents: Map<string, AgentState>;
  status: ViewerHub['status'];
}

export interface ViewerHubOptions {
  /** Live run or replay (shown in the status; replays ignore recorded pause events). */
  mode: RunMode;
  /** Trials per entry of the reward series at the start, a multiple of the analyzer's bins; doubles whenever the series decimates (default 10). */
  binTrials?: number;
  /** Entries kept per series (default 600). */
  capacity?: number;
  /** Replays: the initial speed (Infinity = as fast as possible). */
  speed?: number;
  /** Milliseconds, for the trials-per-second estimate (default performance.now). */
  now?: () => number;
}

/**
 * @example
 * const hub = new ViewerHub({ mode: 'live' });
 * const system = startRun(scenario, { onEvent: (e) => hub.event(e), onAnalysis: (output) => hub.analysis(output) });
 * hub.setControls({ pause: system.pause, resume: system.resume });
 */
export class ViewerHub {
  readonly mode: RunMode;
  private readonly binTrials: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly agents = new Map<string, AgentState>();
  private controls: RunControls = {};
  /** Runs started so far: viewers that saw an earlier one (or none) need a fresh snapshot. */
  generation = 0;
  private speed: number;
  private dirty = false;
  private lastRate = { time: 0, trials: 0, perSecond: 0 };
  private status: Omit<RunStatus, 'trials' | 'episodes' | 'trialsPerSecond' | 'speed'> = {
    mode: 'live', state: 'waiting', scenario: '', task: '', totalTrials: 0,
  };

  constructor(options: ViewerHubOptions) {
    const { mode, binTrials = 10, capacity = 600, speed = Infinity, now = () => performance.now() } = options;
    this.mode = mode;
    this.binTrials = binTrials;
    this.capacity = capacity;
    this.speed = speed;
    this.now = now;
    this.status.mode = mode;
    this.lastRate.time = now();
  }

  setControls(controls: RunControls): void {
    this.controls = { ...controls };
  }

  /** Fold one run event in. */
  event(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        this.generation += 1;
        this.agents.clear();
        this.status = {
          mode: this.mode, state: 'running', scenario: event.scenario, task: event.task,
          totalTrials: event.phases.reduce((sum, p) => sum + p.episodes, 0) * event.trialsPerEpisode,
          totalEpisodes: event.phases.reduce((sum, p) => sum + p.episodes, 0),
        };
        for (const info of event.agents) this.agents.set(info.id, newAgentState(info, this.binTrials, this.capacity));
        break;
      case 'episode.completed': {
        const agent = this.agents.get(event.agent);
        if (agent) agent.episodes += 1;
        break;
      }
      case 'training.updated': {
        const agent = this.agents.get(event.agent);
        if (!agent) return;
        const row = { loss: event.loss, taskLoss: event.taskLoss, policyLoss: event.policyLoss, valueLoss: event.valueLoss };
        agent.training.push(event.update, row);
        agent.pending.training.push(event.update, row);
        break;
      }
      case 'run.paused':
      case 'run.resumed':
        // A replay re-emits the recorded pauses; its own pause state is the viewer's.
        if (this.mode === 'live') this.status.state = event.type === 'run.paused' ? 'paused' : 'running';
        break;
      case 'run.completed':
      case 'run.stopped':
      case 'run.failed':
        this.end(event.type === 'run.completed' ? 'completed' : event.type === 'run.stopped' ? 'stopped' : 'failed');
        break;
      default:
        return;
    }
    this.dirty = true;
  }

  /** Relay one analyzer output (`trials.binned`, `weights.measured`, `metrics.updated`, `logits.measured`, `latent.measured`). */
  analysis(output: AnalyzerOutput): void {
    const agent = this.agents.get(output.agent);
    if (!agent) return;
    switch (output.type) {
      case 'trials.binned':
        addBin(agent, output, this.ended());
        break;
      case 'weights.measured': {
        const { weights } = output;
        const spectrum: Spectrum = { update: weights.update, values: weights.singularValues };
        agent.spectra.first ??= spectrum;
        agent.spectra.last = spectrum;
        agent.spectraChanged = true;
        const row = { effectiveRank: weights.effectiveRank, svDecayGamma: weights.svDecayGamma, responseHeterogeneity: weights.responseHeterogeneity };
        agent.weights.push(weights.update, row);
        agent.pending.weights.push(weights.update, row);
        break;
      }
      case 'metrics.updated':
        agent.phases = phaseSummaries(output.metrics);
        agent.phasesChanged = true;
        break;
      case 'logits.measured':
        agent.logitDynamics = logitDynamicsView(output);
        agent.logitsChanged = true;
        break;
      case 'latent.measured':
        agent.latentDynamics = latentDynamicsView(output);
        agent.latentChanged = true;
        break;
    }
    this.dirty = true;
  }

  private ended(): boolean {
    return this.status.state === 'completed' || this.status.state === 'stopped' || this.status.state === 'failed';
  }

  /** The run ended: flush the partially widened bins and stop the pace estimate. */
  end(state: Extract<RunState, 'completed' | 'stopped' | 'failed'>): void {
    if (this.ended()) return;
    this.status.state = state;
    for (const agent of this.agents.values()) if (agent.bin.trials > 0) closeBin(agent);
    this.dirty = true;
  }

  /** A copy of what the viewers are shown (a replay's snapshot to seek back to). */
  captureState(): HubState {
    return cloneState({ agents: this.agents, status: this.status });
  }

  /**
   * Go back to a captured state (in memory, or recorded in the file by a headless hub): every
   * viewer gets a fresh snapshot, so the entries not yet sent are dropped (deltas would not apply).
   */
  restoreState(saved: HubState): void {
    const { agents, status } = cloneState(saved);
    this.agents.clear();
    for (const [id, agent] of agents) this.agents.set(id, agent);
    this.dropPending();
    // The run's state (running, paused) and the mode are the viewer's, not the recording's.
    this.status = { ...status, mode: this.mode, state: this.status.state };
    this.generation += 1;
    this.dirty = true;
  }

  /** Forget the entries not yet sent to viewers (a hub no viewer reads: the recorder's snapshot fold). */
  dropPending(): void {
    for (const agent of this.agents.values()) {
      agent.pending = newPending();
      agent.spectraChanged = agent.phasesChanged = agent.logitsChanged = agent.latentChanged = false;
    }
  }

  /** The options its state depends on (a recorded snapshot of another hub's state applies only when they match). */
  foldSettings(): { binTrials: number; capacity: number } {
    return { binTrials: this.binTrials, capacity: this.capacity };
  }

  /** Apply a viewer's control message; returns a notice when it cannot be applied. */
  control(message: ClientMessage): string | undefined {
    const { pause, resume, setSpeed, seek } = this.controls;
    const running = this.status.state === 'running' || this.status.state === 'paused';
    if (message.type === 'seek' && this.status.totalEpisodes !== undefined && message.episode > this.status.totalEpisodes) {
      return `seek: episode must be in [0, ${this.status.totalEpisodes}], got ${message.episode}`;
    }
    if (!running && message.type === 'seek' && seek && this.controls.seeksAfterEnd && this.status.state === 'completed') {
      // Back into a finished replay: it waits at the target, paused.
      this.controls.pause?.();
      this.status.state = 'paused';
    } else if (!running) return `${message.type}: the run is ${this.status.state}`;
    switch (message.type) {
      case 'pause':
        if (!pause) return 'pause: this run cannot be paused';
        pause();
        if (this.mode === 'replay') this.status.state = 'paused';
        break;
      case 'resume':
        if (!resume) return 'resume: this run cannot be resumed';
        resume();
        if (this.mode === 'replay') this.status.state = 'running';
        break;
      case 'speed': {
        if (!setSpeed) return 'speed: only replays change speed; a live run plays as fast as it can';
        this.speed = message.speed === 'max' ? Infinity : message.speed;
        setSpeed(this.speed);
        break;
      }
      case 'seek':
        if (!seek) return 'seek: only replays have a timeline';
        seek(message.episode);
        break;
    }
    this.dirty = true;
    return undefined;
  }

  runStatus(): RunStatus {
    let trials = 0, episodes = 0;
    for (const agent of this.agents.values()) {
      trials = Math.max(trials, agent.trialsPlayed);
      episodes = Math.max(episodes, agent.episodes);
    }
    const running = this.status.state === 'running';
    return {
      ...this.status, trials, episodes, trialsPerSecond: running ? Math.round(this.lastRate.perSecond) : 0,
      speed: this.mode === 'replay' && Number.isFinite(this.speed) ? this.speed : null,
    };
  }

  /** The whole (decimated) history: what a viewer that joins now starts from. */
  snapshot(): SnapshotMessage {
    const agents: AgentView[] = [...this.agents.values()].map((agent) => ({
      info: agent.info, trials: agent.trials.columns(), training: agent.training.columns(), weights: agent.weights.columns(),
      spectra: { ...agent.spectra }, phases: agent.phases, ...(agent.logitDynamics && { logitDynamics: agent.logitDynamics }), ...(agent.latentDynamics && { latentDynamics: agent.latentDynamics }),
    }));
    return { type: 'snapshot', v: PROTOCOL_VERSION, status: this.runStatus(), agents };
  }

  /** What changed since the last call (undefined when nothing did); clears the pending entries. */
  takeUpdate(): UpdateMessage | undefined {
    this.updateRate();
    if (!this.dirty) return undefined;
    this.dirty = false;
    const agents: AgentDelta[] = [];
    for (const [id, agent] of this.agents) {
      const delta: AgentDelta = { id };
      const { pending } = agent;
      if (pending.trials.length > 0) delta.trials = pending.trials.columns();
      if (pending.training.length > 0) delta.training = pending.training.columns();
      if (pending.weights.length > 0) delta.weights = pending.weights.columns();
      if (agent.spectraChanged) delta.spectra = { ...agent.spectra };
      if (agent.phasesChanged) delta.phases = agent.phases;
      if (agent.logitsChanged && agent.logitDynamics) delta.logitDynamics = agent.logitDynamics;
      if (agent.latentChanged && agent.latentDynamics) delta.latentDynamics = agent.latentDynamics;
      agent.pending = newPending();
      agent.spectraChanged = agent.phasesChanged = agent.logitsChanged = agent.latentChanged = false;
      if (Object.keys(delta).length > 1) agents.push(delta);
    }
    return { type: 'update', v: PROTOCOL_VERSION, status: this.runStatus(), agents };
  }

  private updateRate(): void {
    const time = this.now();
    const elapsed = time - this.lastRate.time;
    if (elapsed < 250) return;
    const { trials } = this.runStatus();
    const instant = ((trials - this.lastRate.trials) * 1000) / elapsed;
    const perSecond = this.lastRate.perSecond === 0 ? instant : 0.5 * this.lastRate.perSecond + 0.5 * instant;
    this.lastRate = { time, trials, perSecond };
    if (this.status.state === 'running') this.dirty = true;
  }
}

