/**
 * An agent as a participant: a cognitive model with given parameters (src/registry) or a trained
 * network checkpoint makes the choices of a ParticipantTask, one trial at a time, so an
 * experiment can be piloted with a model participant in the very page people use (the jsPsych
 * plugin's simulation mode). Choices are drawn from the agent's policy with a seeded generator.
 */
import { parseCheckpoint } from '../model/checkpoint.js';
import type { Random } from '../random.js';
import { createLiveCognitiveModel } from '../registry/cognitiveModels.js';
import { sampleChoices } from '../tasks/behaviourPolicy.js';
import type { ParticipantTask, ParticipantTrial } from '../tasks/participantTask.js';
import { ConfigError, showValue } from '../validation.js';
import type { CohortAgent } from './cohortAgent.js';
import { RecurrentAgent } from './recurrentAgent.js';

/** Who the simulated participant is. */
export type SimulatedParticipantSpec =
  | {
      kind: 'cognitive';
      /** A cognitive model of the registry (name or alias, e.g. `q_learning`, `hybrid`). */
      model: string;
      /** Its parameters by name, e.g. `{ alpha: 0.4, beta: 5 }`. */
      parameters: Record<string, number>;
    }
  | {
      kind: 'checkpoint';
      /** A checkpoint as written by `brain-rnn train` (its text, or the parsed JSON). */
      checkpoint: string | Record<string, unknown>;
    };

export interface SimulatedParticipantOptions {
  /** Task type and options the agent plays (two-step learners plan with its transition probability). */
  task: string;
  taskOptions?: Record<string, unknown>;
  /** Draws the choices from the agent's policy. */
  rng: Random;
}

/** The agent a spec stands for. */
function buildAgent(spec: SimulatedParticipantSpec, task: string, taskOptions: Record<string, unknown>): CohortAgent {
  if (spec?.kind === 'cognitive') return createLiveCognitiveModel(spec.model, task, taskOptions).createAgent(spec.parameters ?? {});
  if (spec?.kind === 'checkpoint') {
    const text = typeof spec.checkpoint === 'string' ? spec.checkpoint : JSON.stringify(spec.checkpoint);
    return new RecurrentAgent(parseCheckpoint(text).model);
  }
  throw new ConfigError([`simulated participant kind must be "cognitive" or "checkpoint", got ${showValue((spec as { kind?: unknown })?.kind)}`]);
}

/**
 * @example
 * const session = new ParticipantTask({ task: 'reversal', seed: 1, nTrials: 100 });
 * const agent = new SimulatedParticipant({ kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.3, beta: 4 } }, { task: 'reversal', rng: createRandom(2) });
 * while (!session.done) agent.play(session);
 */
export class SimulatedParticipant {
  private readonly agent: CohortAgent;
  /** One stream, split from the generator as simulateSessions splits one per session, so both draw alike. */
  private readonly streams: Random[];
  private readonly policy = new Float64Array(2);
  private started = false;

  constructor(spec: SimulatedParticipantSpec, { task, taskOptions = {}, rng }: SimulatedParticipantOptions) {
    this.agent = buildAgent(spec, task, taskOptions);
    if (this.agent.nActions !== 2) throw new ConfigError([`the simulated participant must have 2 actions, got ${this.agent.nActions}`]);
    this.streams = rng.split(1);
  }

  /** The first-stage choice for the session's coming trial (call once per trial, before `observe`). */
  firstChoice(session: ParticipantTask): number {
    if (!this.started) {
      this.agent.reset(1, session.initialInputs());
      this.started = true;
    }
    this.agent.policy(this.policy);
    return this.draw(this.policy);
  }

  /** The second-stage choice in `state`; uniform when the agent does not model the second stage. */
  secondChoice(state: number): number {
    const out = new Float64Array([0.5, 0.5]);
    this.agent.stage2Policy?.(Int8Array.of(state), out);
    return this.draw(out);
  }

  /** Learn from the trial just played. */
  observe(trial: ParticipantTrial): void {
    this.agent.observe(trial.outcome);
  }

  /** Play the session's next trial whole. */
  play(session: ParticipantTask, rt?: number, rt2?: number): ParticipantTrial {
    const first = session.choose(this.firstChoice(session), rt);
    const result = first.stage === 'second' ? session.chooseSecond(this.secondChoice(first.state), rt2) : first;
    const { trial } = result as { trial: ParticipantTrial };
    this.observe(trial);
    return trial;
  }

  private draw(p: Float64Array): number {
    return sampleChoices(p, 2, this.streams)[0];
  }
}
