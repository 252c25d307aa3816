/**
 * The consistency of a recorded run, checked event by event as a replay reads it: a log that
 * passes is one that a run could have written. The run starts once, phases come in order, each
 * agent's episodes and trials come in order and inside their episode, every event names an agent
 * of the run, trial columns have the run's sizes and values in their ranges, update counts grow,
 * recorded times never go back, and nothing follows the run's end. The first violation is a
 * ConfigError naming the line and the field (`line 812.trial must be 4 …, got 6`), so a shuffled,
 * reversed, duplicated, truncated-and-glued or hand-edited log is refused instead of replaying
 * into a different summary.
 */
import { ConfigError } from '../validation.js';
import type { AgentInfo, PhaseInfo, RunEvent, TrialCompletedEvent } from './events.js';
import { TRIAL_COLUMNS, TRIAL_COLUMN_NAMES, type TrialColumnName } from './trialColumns.js';

interface AgentProgress {
  info: AgentInfo;
  /** Index of the open episode, or −1 between episodes. */
  open: number;
  /** The last episode started. */
  lastEpisode: number;
  nextTrial: number;
  lastUpdate: number;
  lastWeights: number;
}

/** Columns whose values are 0 or 1, and those that index an action. */
const BINARY: ReadonlySet<TrialColumnName> = new Set(['rewards', 'reversal', 'common', 'volatile', 'stage2States', 'stage2Actions']);
const ACTION_INDEX: ReadonlySet<TrialColumnName> = new Set(['actions', 'betterAction']);
const PROBABILITY: ReadonlySet<TrialColumnName> = new Set(['policy', 'learnerPolicy', 'actionRewardProbs']);
/** Rows of a policy sum to 1 up to float32 rounding. */
const POLICY_SUM_TOLERANCE = 1e-4;

function refuse(what: string, message: string): never {
  throw new ConfigError([`${what}${message}`]);
}

/**
 * @example
 * const checker = new RecordingChecker();
 * for (const [n, event] of events.entries()) checker.check(event, `run.ndjson: line ${n + 2}`);
 */
export class RecordingChecker {
  private started = false;
  private ended: string | undefined;
  private phases: PhaseInfo[] = [];
  private phase = -1;
  private trialsPerEpisode = 0;
  private readonly agents = new Map<string, AgentProgress>();
  private lastTime = -Infinity;
  private paused = false;

  /**
   * Check one decoded event; throws on the first inconsistency. `what` prefixes the message.
   * With `trustColumns` a trial event's columns (sizes, value ranges, policy sums) are not
   * checked, only its place in the run: the state after it is the same, at a fraction of the cost
   * (the recorder's fold of events the run itself made).
   */
  check(event: RunEvent, what: string, { trustColumns = false }: { trustColumns?: boolean } = {}): void {
    if (this.ended !== undefined) refuse(what, `: a ${event.type} event after ${this.ended}, which ends a run`);
    if (event.type === 'run.started') return this.start(event, what);
    if (!this.started) refuse(what, `: a ${event.type} event before run.started`);
    if ('time' in event) {
      if (event.time < this.lastTime) refuse(`${what}.time`, ` must not go back (the previous event was at ${this.lastTime} ms), got ${event.time}`);
      this.lastTime = event.time;
    }
    const agent = 'agent' in event && event.agent !== undefined ? this.agent(event.agent, what) : undefined;
    switch (event.type) {
      case 'phase.started': {
        const expected = this.phase + 1;
        if (event.phase !== expected) refuse(`${what}.phase`, ` must be ${expected} (phases start in order), got ${event.phase}`);
        const declared = this.phases[event.phase];
        if (declared === undefined) refuse(`${what}.phase`, ` must be below ${this.phases.length} (the phases of run.started), got ${event.phase}`);
        if (event.name !== declared.name || event.learning !== declared.learning) {
          refuse(what, ` must repeat phase ${event.phase} of run.started (${JSON.stringify(declared.name)}, learning ${declared.learning})`);
        }
        this.phase = event.phase;
        return;
      }
      case 'episode.started': {
        this.inPhase(event.phase, what);
        if (agent!.open >= 0) refuse(what, `: agent ${JSON.stringify(event.agent)} starts episode ${event.episode} before episode ${agent!.open} completed`);
        const expected = agent!.lastEpisode + 1;
        if (event.episode !== expected) refuse(`${what}.episode`, ` must be ${expected} (the next episode of agent ${JSON.stringify(event.agent)}), got ${event.episode}`);
        agent!.open = agent!.lastEpisode = event.episode;
        agent!.nextTrial = 0;
        return;
      }
      case 'trial.completed':
        return this.trial(event, agent!, what, trustColumns);
      case 'episode.completed': {
        this.inPhase(event.phase, what);
        if (event.episode !== agent!.open) refuse(`${what}.episode`, ` must be ${agent!.open < 0 ? 'an open episode' : agent!.open} (the episode agent ${JSON.stringify(event.agent)} is playing), got ${event.episode}`);
        if (event.trials !== agent!.nextTrial) refuse(`${what}.trials`, ` must be ${agent!.nextTrial} (the trials recorded in episode ${event.episode}), got ${event.trials}`);
        if (!(event.meanReward >= 0 && event.meanReward <= 1)) refuse(`${what}.meanReward`, ` must be in [0, 1], got ${event.meanReward}`);
        agent!.open = -1;
        return;
      }
      case 'training.updated':
        if (event.update <= agent!.lastUpdate) refuse(`${what}.update`, ` must be above ${agent!.lastUpdate} (updates of agent ${JSON.stringify(event.agent)} only grow), got ${event.update}`);
        agent!.lastUpdate = event.update;
        return;
      case 'weights.updated':
        if (event.update <= agent!.lastWeights) refuse(`${what}.update`, ` must be above ${agent!.lastWeights} (the last weights of agent ${JSON.stringify(event.agent)}), got ${event.update}`);
        agent!.lastWeights = event.update;
        return;
      case 'run.paused':
      case 'run.resumed':
        if ((event.type === 'run.paused') === this.paused) refuse(what, `: ${event.type} while the run is already ${this.paused ? 'paused' : 'running'}`);
        this.paused = event.type === 'run.paused';
        return;
      case 'run.completed':
      case 'run.stopped':
      case 'run.failed':
        this.ended = event.type;
        return;
    }
  }

  private start(event: Extract<RunEvent, { type: 'run.started' }>, what: string): void {
    if (this.started) refuse(what, ': a second run.started (a log holds one run)');
    this.started = true;
    this.phases = event.phases;
    this.trialsPerEpisode = event.trialsPerEpisode;
    event.agents.forEach((info, i) => {
      if (this.agents.has(info.id)) refuse(`${what}.agents.${i}.id`, ` must be unique, got ${JSON.stringify(info.id)} twice`);
      this.agents.set(info.id, { info, open: -1, lastEpisode: -1, nextTrial: 0, lastUpdate: 0, lastWeights: 0 });
    });
  }

  private agent(id: string, what: string): AgentProgress {
    const agent = this.agents.get(id);
    if (!agent) refuse(`${what}.agent`, ` must be an agent of run.started (${[...this.agents.keys()].map((a) => JSON.stringify(a)).join(', ')}), got ${JSON.stringify(id)}`);
    return agent;
  }

  private inPhase(phase: number, what: string): void {
    if (phase !== this.phase) refuse(`${what}.phase`, ` must be ${this.phase} (the phase in progress), got ${phase}`);
  }

  private trial(event: TrialCompletedEvent, agent: AgentProgress, what: string, trustColumns: boolean): void {
    this.inPhase(event.phase, what);
    if (event.episode !== agent.open) refuse(`${what}.episode`, ` must be ${agent.open < 0 ? 'an episode started before' : agent.open} (the episode agent ${JSON.stringify(event.agent)} is playing), got ${event.episode}`);
    if (event.trial !== agent.nextTrial) refuse(`${what}.trial`, ` must be ${agent.nextTrial} (the next trial of agent ${JSON.stringify(event.agent)} in episode ${event.episode}), got ${event.trial}`);
    if (event.trial >= this.trialsPerEpisode) refuse(`${what}.trial`, ` must be below ${this.trialsPerEpisode} (trialsPerEpisode), got ${event.trial}`);
    const { nSessions, nActions } = agent.info;
    if (event.nSessions !== nSessions) refuse(`${what}.nSessions`, ` must be ${nSessions} (agent ${JSON.stringify(event.agent)} in run.started), got ${event.nSessions}`);
    if (event.nActions !== nActions) refuse(`${what}.nActions`, ` must be ${nActions} (agent ${JSON.stringify(event.agent)} in run.started), got ${event.nActions}`);
    if (trustColumns) {
      agent.nextTrial += 1;
      return;
    }
    for (const name of TRIAL_COLUMN_NAMES) {
      const column = event[name];
      if (column !== undefined) checkColumn(column, name, nActions, `${what}.${name}`);
    }
    for (const name of ['policy', 'learnerPolicy'] as const) {
      const column = event[name];
      if (column === undefined) continue;
      for (let s = 0; s < nSessions; s++) {
        let sum = 0;
        for (let a = 0; a < nActions; a++) sum += column[s * nActions + a];
        if (Math.abs(sum - 1) > POLICY_SUM_TOLERANCE) refuse(`${what}.${name}`, ` of session ${s} must sum to 1, got ${sum}`);
      }
    }
    agent.nextTrial += 1;
  }
}

function checkColumn(column: ArrayLike<number>, name: TrialColumnName, nActions: number, what: string): void {
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    const ok = BINARY.has(name) ? value === 0 || value === 1
      : ACTION_INDEX.has(name) ? Number.isInteger(value) && value >= 0 && value < nActions
      : PROBABILITY.has(name) ? value >= 0 && value <= 1
      : Number.isFinite(value);
    if (!ok) {
      const allowed = BINARY.has(name) ? '0 or 1' : ACTION_INDEX.has(name) ? `an action in [0, ${nActions - 1}]` : PROBABILITY.has(name) ? 'a probability in [0, 1]' : 'finite';
      const per = TRIAL_COLUMNS[name].perAction ? `entry ${i}` : `session ${i}`;
      refuse(what, ` ${per} must be ${allowed}, got ${value}`);
    }
  }
}
