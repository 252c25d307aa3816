/**
 * Play a task with any CohortAgent and record the run as trials-CSV sessions, so that simulated
 * behaviour can be fitted, exported (formatTrialsCsv) and compared exactly like real data.
 */
import type { CohortAgent } from '../agents/cohortAgent.js';
import { emptyTrialsSession, type TrialsSession } from '../data/trialsCsv.js';
import type { Random } from '../random.js';
import { TaskType, type CohortTask } from '../tasks/cohortTask.js';
import { sampleChoices } from '../tasks/behaviourPolicy.js';
import type { Stage2Chooser } from '../tasks/twoStage.js';
import { checkInteger } from '../validation.js';

export interface SimulateSessionsOptions {
  /** Trials to play (integer >= 1). */
  nTrials: number;
  /** Choice sampling: split into one stream per session. */
  rng: Random;
  /** Subject and session ids are `${idPrefix}${s}`. Default `sim`. */
  idPrefix?: string;
}

/**
 * Runs `task.nSessions` sessions from a fresh `agent.reset`. Two-stage tasks get the agent's
 * second-stage policy through the task's state-dependent chooser (TwoStageTask.step).
 * @example
 * const task = new TwoStageTask({ nSessions: 40, rng: createRandom(1), commonTransitionProb: 0.7 });
 * const sessions = simulateSessions(createDawHybridModel().createAgent(params), task, { nTrials: 200, rng: createRandom(2) });
 */
export function simulateSessions(agent: CohortAgent, task: CohortTask, options: SimulateSessionsOptions): TrialsSession[] {
  const { nTrials, rng, idPrefix = 'sim' } = options;
  checkInteger('nTrials', nTrials, 1);
  const S = task.nSessions;
  const twoStage = task.type === TaskType.TWO_STAGE;
  const streams = rng.split(S);
  const sessions = Array.from({ length: S }, (_, s) =>
    emptyTrialsSession(twoStage ? 'two_stage' : 'reversal', `${idPrefix}${s}`, `${idPrefix}${s}`, nTrials),
  );
  agent.reset(S, task.initialInputs());
  const probabilities = new Float64Array(S * agent.nActions);
  const stage2Probabilities = new Float64Array(S * 2);
  const choices = new Int8Array(S);
  const stage2Choices = new Int8Array(S);
  const chooseStage2: Stage2Chooser | undefined =
    twoStage && agent.stage2Policy
      ? (states) => {
          agent.stage2Policy!(states, stage2Probabilities);
          return sampleChoices(stage2Probabilities, 2, streams, stage2Choices);
        }
      : undefined;
  for (let t = 0; t < nTrials; t++) {
    agent.policy(probabilities);
    sampleChoices(probabilities, agent.nActions, streams, choices);
    // The CohortTask contract takes an array; the two-stage task also accepts a chooser.
    const step = task.step as (a: ArrayLike<number>, b?: ArrayLike<number> | Stage2Chooser) => ReturnType<CohortTask['step']>;
    const outcome = chooseStage2 ? step.call(task, choices, chooseStage2) : task.step(choices);
    agent.observe(outcome);
    const { latent } = outcome;
    for (let s = 0; s < S; s++) {
      const session = sessions[s];
      session.choice[t] = outcome.actions[s];
      session.valid[t] = 1;
      session.reward[t] = outcome.rewards[s];
      session.reversal[t] = latent.reversal[s];
      if (twoStage) {
        session.stage2State[t] = latent.stage2States![s];
        session.stage2Choice[t] = latent.stage2Actions![s];
        session.common[t] = latent.common![s];
      }
    }
  }
  return sessions;
}
