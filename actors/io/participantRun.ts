/**
 * A person's session as a run: one agent of kind `human`, one phase without learning, one
 * episode of the session's trials, the same events a live run publishes (so the viewer shows the
 * person as they play, and `brain-rnn replay` replays the recording through the same checker and
 * analyzer). The person's policy is not observed: each trial event carries the choice made as a
 * one-hot policy and a value of 0.
 *
 * Between episode ends the analyzer reports only trial bins, but a person plays one long episode;
 * so after every trial the run also hands the viewer the metrics so far (stay table, reversal
 * curve, reward rate of the trials played). Those are derived, as all analyzer outputs are, and
 * are not recorded.
 */
import { AnalyzerState, type AnalyzerOutput } from '../../src/analysis/online/analyzerState.js';
import { EVENT_VERSION, type RunEvent } from '../../src/protocol/events.js';
import type { ParticipantTrial } from '../../src/tasks/participantTask.js';
import { trialEvent } from '../machines/environment.js';
import { parseScenario, type Scenario } from '../system/scenario.js';
import { Recorder } from './recorder.js';
import { createRecordingHeader } from './recordingHeader.js';

export interface ParticipantScenarioOptions {
  task: string;
  taskOptions?: Record<string, unknown>;
  seed: number;
  nTrials: number;
  /** The participant id, as the experimenter gave it. */
  participant: string;
}

/** The agent id a participant id becomes (ids are 1-40 letters, digits, `_` or `-`). */
export function participantAgentId(participant: string): string {
  const id = participant.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return id === '' ? 'participant' : id;
}

/**
 * The scenario a session is: what a recording's header holds.
 * @example
 * participantScenario({ task: 'reversal', seed: 3, nTrials: 100, participant: 'P01' }).agents[0].model; // { kind: 'human', participant: 'P01' }
 */
export function participantScenario({ task, taskOptions = {}, seed, nTrials, participant }: ParticipantScenarioOptions): Scenario {
  return parseScenario({
    name: `play ${task} (${participant})`,
    seed,
    task: { type: task, options: taskOptions },
    trialsPerEpisode: nTrials,
    agents: [{ id: participantAgentId(participant), nSessions: 1, model: { kind: 'human', participant } }],
    phases: [{ name: 'play', episodes: 1, learning: false }],
    analyzer: { windowEpisodes: 1, weightsEvery: 0 },
  });
}

export interface ParticipantRunOptions {
  scenario: Scenario;
  /** Recording path (NDJSON, gzip when it ends in .gz); none: events only go to `onEvent`. */
  record?: string;
  force?: boolean;
  /** Every event, after the recorder (the viewer hub). */
  onEvent?: (event: RunEvent) => void;
  /** The analyzer's outputs and the per-trial metrics (the viewer hub). */
  onAnalysis?: (output: AnalyzerOutput) => void;
  /** Milliseconds since the session started (default: performance.now() from construction). */
  now?: () => number;
  /** Header timestamp (tests fix it). */
  startedAt?: string;
}

/**
 * @example
 * const run = new ParticipantRun({ scenario, record: 'p01.ndjson' });
 * run.trial(participantTrial);
 * await run.end('completed');
 */
export class ParticipantRun {
  private readonly recorder: Recorder | undefined;
  private readonly analyzer: AnalyzerState;
  private readonly agent: string;
  private readonly now: () => number;
  private trials = 0;
  private rewardSum = 0;
  private ended = false;

  constructor(private readonly options: ParticipantRunOptions) {
    const { scenario, record, force, startedAt } = options;
    const started = performance.now();
    this.now = options.now ?? (() => performance.now() - started);
    this.agent = scenario.agents[0].id;
    this.recorder = record ? new Recorder(record, createRecordingHeader(scenario, startedAt), { force }) : undefined;
    this.analyzer = new AnalyzerState(scenario.analyzer);
    const info = { id: this.agent, kind: 'human', label: `participant ${(scenario.agents[0].model as { participant: string }).participant}`, nSessions: 1, nActions: 2 };
    this.publish({ type: 'run.started', v: EVENT_VERSION, scenario: scenario.name, task: scenario.task.type, trialsPerEpisode: scenario.trialsPerEpisode, agents: [info], phases: scenario.phases });
    this.publish({ type: 'phase.started', v: EVENT_VERSION, phase: 0, name: scenario.phases[0].name, learning: false });
    this.publish({ type: 'episode.started', v: EVENT_VERSION, agent: this.agent, phase: 0, episode: 0, taskSeed: scenario.seed });
  }

  /** Publish one finished trial. */
  trial(trial: ParticipantTrial): void {
    const policy = new Float32Array(2);
    policy[trial.choice] = 1;
    this.publish(trialEvent({ agent: this.agent, phase: 0, episode: 0, nSessions: 1 }, { nActions: 2 }, trial.outcome, { policy, values: new Float32Array(1) }));
    this.trials += 1;
    this.rewardSum += trial.reward;
    const metrics = this.analyzer.agentMetrics(this.agent)!;
    const rolling = { episodes: 0, rewardRate: this.rewardSum / this.trials, pBetter: metrics.phases[0]?.pBetter ?? 0 };
    this.options.onAnalysis?.({ type: 'metrics.updated', agent: this.agent, metrics: { ...metrics, rolling } });
  }

  /** End the session: `completed` after its last trial, `stopped` when the person left. Rejects with a recording's write error. */
  async end(status: 'completed' | 'stopped', reason?: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const time = this.now();
    const meanReward = this.trials > 0 ? this.rewardSum / this.trials : 0;
    this.publish({ type: 'episode.completed', v: EVENT_VERSION, agent: this.agent, phase: 0, episode: 0, trials: this.trials, meanReward, time });
    this.publish(status === 'completed' ? { type: 'run.completed', v: EVENT_VERSION, time } : { type: 'run.stopped', v: EVENT_VERSION, time, ...(reason && { reason }) });
    await this.recorder?.close();
    if (this.recorder?.error) throw this.recorder.error;
  }

  /** Write what is queued (call after each trial, so a killed session replays up to it). */
  flush(): void {
    this.recorder?.flush();
    if (this.recorder?.error) throw this.recorder.error;
  }

  private publish(event: RunEvent): void {
    this.recorder?.write(event);
    this.analyzer.apply(event, (output) => this.options.onAnalysis?.(output));
    this.options.onEvent?.(event);
  }
}
