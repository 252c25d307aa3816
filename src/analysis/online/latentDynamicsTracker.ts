/**
 * The live latent dynamics of one low-rank agent: keeps the inputs of the first few sessions over
 * the current and the last completed episode (the task's encoding of each trial, as the network
 * read them), and for each published set of weights draws the latent phase portrait
 * (latentPhasePortrait.ts): the flow and fixed points under the resting input (no previous trial:
 * zeros and the constant 1), and the trajectories those sessions' inputs drive the published network
 * through from h = 0, over the episode's last trials, each state labelled by the outcome it just
 * took in (`a1r0`: action 1, unrewarded; `start` before any trial). For each outcome input among
 * those trials it also finds the fixed points of the map under that input, searched from up to 8
 * of the states that took it in, each first carried 200 steps by that map: where trials of that
 * outcome pull the state.
 */
import { BrainInspiredRNN } from '../../model/brainInspiredRnn.js';
import type { SerializedModel } from '../../model/recurrentModel.js';
import type { TaskType } from '../../tasks/cohortTask.js';
import { encodeTrialRow, taskInputSize } from '../../tasks/encoding.js';
import { checkInteger } from '../../validation.js';
import { evenlySpacedRows, latentPhasePortrait, type LatentPhasePortrait } from '../latentPhasePortrait.js';
import { advanceState, checkStateInput, inputDrive, toLowRankSystem } from '../lowRankSystem.js';
import type { StateProbe } from '../weightMetrics.js';

/** Initial states of each outcome input's fixed-point search: that many of the states that took it in. */
const CONDITION_STARTS = 8;

export interface LatentDynamicsTrackerOptions {
  task: TaskType;
  trialsPerEpisode: number;
  /** Sessions of the cohort. */
  nSessions: number;
  /** Sessions whose trajectories are drawn (default 4, at most nSessions). */
  trajectorySessions?: number;
  /** Trials at the end of the episode drawn per trajectory (default 30). */
  trajectoryTrials?: number;
}

/** The labels of two-action outcomes, by 2 · action + reward (no string built per session and trial). */
const OUTCOME_LABELS = ['a0r0', 'a0r1', 'a1r0', 'a1r1'];

interface EpisodeInputs {
  /** sessions × T × nInputs, session-major. */
  inputs: Float64Array;
  /** sessions × T labels of the outcome each input encodes. */
  labels: string[];
  trials: number;
}

/**
 * @example
 * const tracker = new LatentDynamicsTracker({ task: TaskType.REVERSAL, trialsPerEpisode: 100, nSessions: 64 });
 * tracker.add(trialEvent); // for each trial
 * tracker.endEpisode();
 * tracker.measure(weightsEvent.model, weightsEvent.probe)?.fixedPoints;
 */
export class LatentDynamicsTracker {
  private readonly task: TaskType;
  private readonly T: number;
  private readonly nInputs: number;
  private readonly sessions: number;
  private readonly trajectoryTrials: number;
  private readonly rest: Float64Array;
  private current: EpisodeInputs;
  private last: EpisodeInputs | undefined;

  constructor(options: LatentDynamicsTrackerOptions) {
    const { task, trialsPerEpisode, nSessions, trajectorySessions = 4, trajectoryTrials = 30 } = options;
    this.task = task;
    this.T = checkInteger('trialsPerEpisode', trialsPerEpisode, 1);
    this.sessions = Math.min(checkInteger('trajectorySessions', trajectorySessions, 1), checkInteger('nSessions', nSessions, 1));
    this.trajectoryTrials = checkInteger('trajectoryTrials', trajectoryTrials, 1);
    this.nInputs = taskInputSize(task);
    this.rest = encodeTrialRow(task, { action: -1, reward: 0 });
    this.current = this.newEpisode();
  }

  private newEpisode(): EpisodeInputs {
    const inputs = new Float64Array(this.sessions * this.T * this.nInputs);
    for (let s = 0; s < this.sessions; s++) inputs.set(this.rest, s * this.T * this.nInputs);
    return { inputs, labels: new Array<string>(this.sessions * this.T).fill('start'), trials: 0 };
  }

  startEpisode(): void {
    // An episode no trial has been added to is still fresh (endEpisode and the constructor made it).
    if (this.current.trials > 0) this.current = this.newEpisode();
  }

  /** Trial `trial` of the episode: its outcome is the input of the next trial. */
  add(trial: number, actions: ArrayLike<number>, rewards: ArrayLike<number>, stage2States?: ArrayLike<number>): void {
    const { T, nInputs, current } = this;
    current.trials = Math.max(current.trials, trial + 1);
    if (trial + 1 >= T) return;
    for (let s = 0; s < this.sessions; s++) {
      const row = s * T + trial + 1;
      const reward = rewards[s] > 0 ? 1 : 0;
      encodeTrialRow(this.task, { action: actions[s], state: stage2States?.[s] ?? -1, reward }, current.inputs, row * nInputs);
      current.labels[row] = actions[s] < 0 ? 'missed' : (OUTCOME_LABELS[actions[s] * 2 + reward] ?? `a${actions[s]}r${reward}`);
    }
  }

  endEpisode(): void {
    this.last = this.current;
    this.current = this.newEpisode();
  }

  /** The portrait of published low-rank weights (undefined for other kinds). */
  measure(serialized: SerializedModel, probe: StateProbe): LatentPhasePortrait | undefined {
    if (serialized.kind !== 'brain_inspired_rnn') return undefined;
    const sys = toLowRankSystem(BrainInspiredRNN.fromJSON(serialized));
    const episode = this.last ?? this.current;
    const N = sys.nHidden;
    const { T, nInputs } = this;
    const trials = Math.max(1, episode.trials);
    const from = Math.max(0, trials - this.trajectoryTrials);
    const h = new Float64Array(N);
    const x = new Float64Array(N);
    const kappa = new Float64Array(sys.k);
    const trajectories = [];
    /** The drawn states by the input they took in (an outcome's encoding), for that input's fixed points. */
    const byInput = new Map<string, { label: string; input: Float64Array; states: number[] }>();
    for (let s = 0; s < this.sessions; s++) {
      h.fill(0);
      const states: number[] = [];
      const labels: string[] = [];
      for (let t = 0; t < trials; t++) {
        const u = episode.inputs.subarray((s * T + t) * nInputs, (s * T + t + 1) * nInputs);
        if (t === 0) checkStateInput(sys, h, u);
        // h_{t+1} = (1 − leak) h_t + leak tanh(W h_t + W_in u_t): the state after reading trial t − 1.
        advanceState(sys, h, inputDrive(sys, u), x, kappa);
        if (t >= from) {
          const label = episode.labels[s * T + t];
          states.push(...h);
          labels.push(label);
          if (label !== 'start' && label !== 'missed') {
            const key = u.join(',');
            let group = byInput.get(key);
            if (!group) byInput.set(key, (group = { label, input: Float64Array.from(u), states: [] }));
            group.states.push(...h);
          }
        }
      }
      trajectories.push({ states, labels });
    }
    const conditions = [...byInput.values()]
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
      .map(({ label, input, states }) => ({ label, input, initialStates: evenlySpacedRows(states, N, CONDITION_STARTS) }));
    return latentPhasePortrait(sys, {
      input: this.rest,
      initialStates: probe.rows > 0 ? probe.states : trajectories.flatMap((t) => t.states),
      trajectories,
      conditions,
    });
  }
}
