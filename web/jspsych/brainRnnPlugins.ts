/**
 * jsPsych 8 plugins for the brain-rnn tasks, one per task: `BrainRnnReversalPlugin`,
 * `BrainRnnTwoStagePlugin`, `BrainRnnProbabilisticRewardPlugin`. Each jsPsych trial is one task
 * trial; the trials of one (task, seed, session, participant) continue one seeded session of the
 * task code the agents play (src/tasks), so a seed gives a person in jsPsych the reward schedule
 * it gives `brain-rnn play` and the agents. Each trial's data row holds the trials-CSV fields
 * (task, subject, session, trial, choice, stage2_state, stage2_choice, reward, block, reversal,
 * common, rt, rt2); `trialsCsvFromJsPsych(jsPsych.data.get().json())` turns them into a trials CSV.
 *
 * Simulation (`jsPsych.simulate(timeline, mode)`): with `simulated_participant` a cognitive model
 * with parameters or a network checkpoint chooses, in the page; without it, choices are uniform.
 * In "visual" mode the trial is drawn and the choices are pressed as keys.
 *
 * Built by tools/buildJsPsych.ts into one ES module that imports only `jspsych` itself.
 */
import { ParameterType, type JsPsych, type JsPsychPlugin, type TrialType } from 'jspsych';
import { SimulatedParticipant, type SimulatedParticipantSpec } from '../../src/agents/simulatedParticipant.js';
import { convertJsPsychData } from '../../src/data/jsPsychTrials.js';
import { trialsTaskOf } from '../../src/data/participantTrials.js';
import { formatTrialsCsv } from '../../src/data/trialsCsv.js';
import { createRandom, type Random } from '../../src/random.js';
import { ParticipantTask, type ParticipantTrial } from '../../src/tasks/participantTask.js';
import { TrialView, delay } from '../play/trialView.js';

const VERSION = '0.1.0';

const parameters = {
  /** Seed of the task's reward schedule (required). */
  seed: { type: ParameterType.INT, default: undefined },
  /** Trials in the session (required): the session ends after this many. */
  n_trials: { type: ParameterType.INT, default: undefined },
  /** Task options as in scenario files, e.g. { rewardMode: 'state' }. */
  task_options: { type: ParameterType.OBJECT, default: {} },
  /** Written in the subject column (jsPsych.data.addProperties({ subject }) overrides it in the data). */
  participant: { type: ParameterType.STRING, default: 'participant' },
  /** Session id: trials with another session id play a separate session (a practice block). */
  session: { type: ParameterType.STRING, default: 'main' },
  /** How long the outcome shows (ms). */
  feedback_duration: { type: ParameterType.INT, default: 1000 },
  /** Two-stage: how long the transition shows (ms). */
  transition_duration: { type: ParameterType.INT, default: 1000 },
  /** Simulation: { kind: 'cognitive', model, parameters } or { kind: 'checkpoint', checkpoint }; none: uniform choices. */
  simulated_participant: { type: ParameterType.OBJECT, default: null },
  /** Simulation: seed of the simulated participant's choices and reaction times (default seed + 1). */
  simulation_seed: { type: ParameterType.INT, default: null },
} as const;

const data = {
  task: { type: ParameterType.STRING },
  task_type: { type: ParameterType.STRING },
  subject: { type: ParameterType.STRING },
  session: { type: ParameterType.STRING },
  seed: { type: ParameterType.INT },
  trial: { type: ParameterType.INT },
  choice: { type: ParameterType.INT },
  stage2_state: { type: ParameterType.INT },
  stage2_choice: { type: ParameterType.INT },
  reward: { type: ParameterType.INT },
  block: { type: ParameterType.INT },
  reversal: { type: ParameterType.INT },
  common: { type: ParameterType.INT },
  rt: { type: ParameterType.FLOAT },
  rt2: { type: ParameterType.FLOAT },
  simulated: { type: ParameterType.BOOL },
} as const;

type Info = { name: string; version: string; parameters: typeof parameters; data: typeof data };
type Trial = TrialType<Info>;

interface SessionEntry {
  session: ParticipantTask;
  simulated?: { agent: SimulatedParticipant | undefined; rng: Random };
}

/** Sessions of this page, by task, seed, session id and participant. */
const sessions = new Map<string, SessionEntry>();

function entryFor(task: string, trial: Trial): SessionEntry {
  const key = JSON.stringify([task, trial.seed, trial.session, trial.participant]);
  let entry = sessions.get(key);
  if (!entry) {
    entry = { session: new ParticipantTask({ task, seed: trial.seed, nTrials: trial.n_trials, options: trial.task_options ?? {} }) };
    sessions.set(key, entry);
  }
  if (entry.session.done) throw new Error(`brain-rnn ${task}: all ${entry.session.nTrials} trials of session ${JSON.stringify(trial.session)} (seed ${trial.seed}) are played; give n_trials the number of trials in the timeline, or another session id`);
  return entry;
}

function rowOf(task: string, trial: Trial, played: ParticipantTrial, simulated: boolean): Record<string, unknown> {
  const twoStage = task === 'two_stage';
  const orNull = (value: number) => (value < 0 || Number.isNaN(value) ? null : value);
  return {
    task: trialsTaskOf(task), task_type: task, subject: trial.participant, session: trial.session, seed: trial.seed,
    trial: played.trial, choice: played.choice,
    stage2_state: twoStage ? played.stage2State : null, stage2_choice: twoStage ? played.stage2Choice : null,
    reward: played.reward, block: played.block, reversal: played.reversal, common: twoStage ? played.common : null,
    rt: orNull(played.rt), rt2: twoStage ? orNull(played.rt2) : null, simulated,
  };
}

const timingOf = (trial: Trial) => ({ feedbackMs: trial.feedback_duration ?? 1000, transitionMs: trial.transition_duration ?? 1000 });

/** A simulated participant's response time (ms): 300 ms plus an exponential of mean 250 ms. */
const responseTime = (rng: Random) => Math.round(300 - 250 * Math.log(1 - rng.uniform()));

function makePlugin(task: 'reversal' | 'two_stage' | 'probabilistic_reward') {
  const info: Info = { name: `brain-rnn-${task.replaceAll('_', '-')}`, version: VERSION, parameters, data };
  return class BrainRnnTaskPlugin implements JsPsychPlugin<Info> {
    static info = info;

    constructor(private readonly jsPsych: JsPsych) {}

    async trial(display: HTMLElement, trial: Trial): Promise<void> {
      const { session } = entryFor(task, trial);
      const view = new TrialView(display, () => {}, this.jsPsych.getDisplayContainerElement());
      try {
        const played = await view.play(session, timingOf(trial));
        this.jsPsych.finishTrial(rowOf(task, trial, played, false));
      } finally {
        view.dispose();
      }
    }

    async simulate(trial: Trial, mode: 'data-only' | 'visual', options: { data?: Record<string, unknown> }, onLoad?: () => void): Promise<void> {
      const entry = entryFor(task, trial);
      entry.simulated ??= (() => {
        const rng = createRandom(trial.simulation_seed ?? trial.seed + 1);
        const spec = trial.simulated_participant as SimulatedParticipantSpec | null;
        return { rng, agent: spec ? new SimulatedParticipant(spec, { task, taskOptions: (trial.task_options ?? {}) as Record<string, unknown>, rng: rng.split(1)[0] }) : undefined };
      })();
      const { agent, rng } = entry.simulated;
      const first = () => agent?.firstChoice(entry.session) ?? (rng.uniform() < 0.5 ? 0 : 1);
      const second = (state: number) => agent?.secondChoice(state) ?? (rng.uniform() < 0.5 ? 0 : 1);
      const rt = Number(options?.data?.rt ?? responseTime(rng));
      const rt2 = Number(options?.data?.rt2 ?? responseTime(rng));
      if (mode === 'data-only') {
        onLoad?.();
        const result = entry.session.choose(first(), rt);
        const played = (result.stage === 'second' ? entry.session.chooseSecond(second(result.state), rt2) : result) as { trial: ParticipantTrial };
        agent?.observe(played.trial);
        return this.jsPsych.finishTrial(rowOf(task, trial, played.trial, true));
      }
      // Visual: the trial as a person sees it, the simulated participant pressing F or J.
      const container = this.jsPsych.getDisplayContainerElement();
      const press = async (choice: number, ms: number) => {
        await delay(ms);
        this.jsPsych.pluginAPI.keyDown(choice === 0 ? 'f' : 'j');
        this.jsPsych.pluginAPI.keyUp(choice === 0 ? 'f' : 'j');
      };
      const view = new TrialView(this.jsPsych.getDisplayElement(), (phase, state) => {
        if (phase === 'choice') void press(first(), rt);
        if (phase === 'stage2') void press(second(state!), rt2);
      }, container);
      onLoad?.();
      try {
        const played = await view.play(entry.session, timingOf(trial));
        agent?.observe(played);
        this.jsPsych.finishTrial(rowOf(task, trial, played, true));
      } finally {
        view.dispose();
      }
    }
  };
}

export const BrainRnnReversalPlugin = makePlugin('reversal');
export const BrainRnnTwoStagePlugin = makePlugin('two_stage');
export const BrainRnnProbabilisticRewardPlugin = makePlugin('probabilistic_reward');

/**
 * jsPsych's data (`jsPsych.data.get().json()` or `.csv()`) as a trials CSV with rt/rt2, for
 * `brain-rnn fit --data` (the converter of src/data/jsPsychTrials.ts, in the page).
 * @example
 * const csv = trialsCsvFromJsPsych(jsPsych.data.get().json());
 */
export function trialsCsvFromJsPsych(text: string): string {
  return formatTrialsCsv(convertJsPsychData(text).sessions, { includeReactionTimes: true });
}

export { convertJsPsychData };
