/**
 * The agent actor: owns a CohortAgent (a recurrent network with its hidden state, or a cognitive
 * agent) and acts each trial for the whole cohort. Asked for a trial (`trial.requested`), it emits
 * its choice as an `actions.chosen` event, which the system routes to its environment. In an
 * imitation phase a teacher agent acts instead while the learner still reads out its policy (the
 * trainer then fits the learner to the teacher's choices). Trials reach the agent from the bus, so
 * it learns what was really played; the trial event carries the next inputs the task computed.
 */
import { fromTransition } from 'xstate';
import type { CohortAgent } from '../../src/agents/cohortAgent.js';
import { RecurrentAgent } from '../../src/agents/recurrentAgent.js';
import type { Random } from '../../src/random.js';
import type { TaskType, TrialOutcome } from '../../src/tasks/cohortTask.js';
import { initialTaskInputs } from '../../src/tasks/encoding.js';
import type { EpisodeStartedEvent, PhaseStartedEvent, TrialCompletedEvent } from '../../src/protocol/events.js';
import type { ActionsChosenEvent } from './environment.js';

export interface AgentInput {
  agent: string;
  learner: CohortAgent;
  /** Acts in learning phases of an imitation trainer. */
  teacher?: CohortAgent;
  taskType: TaskType;
  nSessions: number;
  /** Draws the actions from the policy. */
  rng: Random;
}

export type AgentEvent = { type: 'trial.requested' } | TrialCompletedEvent | EpisodeStartedEvent | PhaseStartedEvent;

interface AgentContext extends AgentInput {
  imitating: boolean;
  /** Scratch for the policies (overwritten every trial; the emitted choice gets fresh arrays). */
  probs: Float64Array;
  teacherProbs: Float64Array;
}

function sample(probs: Float64Array, rng: Random, out: Int8Array): void {
  const A = probs.length / out.length;
  for (let s = 0; s < out.length; s++) {
    let u = rng.uniform();
    let a = 0;
    while (a < A - 1 && (u -= probs[s * A + a]) >= 0) a++;
    out[s] = a;
  }
}

function chooseStage2(agent: CohortAgent, rng: Random, nSessions: number): ((states: Int8Array) => Int8Array) | undefined {
  if (agent.stage2Policy === undefined) return undefined;
  return (states) => {
    const probs = new Float64Array(nSessions * 2);
    agent.stage2Policy!(states, probs);
    const out = new Int8Array(nSessions);
    sample(probs, rng, out);
    return out;
  };
}

function choose(context: AgentContext): ActionsChosenEvent {
  const { learner, teacher, imitating, rng, nSessions, probs, teacherProbs } = context;
  learner.policy(probs);
  const actor = imitating ? teacher! : learner;
  const acting = imitating ? teacherProbs : probs;
  if (imitating) teacher!.policy(teacherProbs);
  const actions = new Int8Array(nSessions);
  sample(acting, rng, actions);
  // new Float32Array(typed array) converts element by element in native code; Float32Array.from
  // walks the source through its iterator (a tenth of the agent's time per trial), same values.
  const values = learner instanceof RecurrentAgent ? new Float32Array(learner.values) : new Float32Array(nSessions);
  const choice: ActionsChosenEvent = { type: 'actions.chosen', actions, policy: new Float32Array(acting), values };
  if (imitating) choice.learnerPolicy = new Float32Array(probs);
  choice.stage2 = chooseStage2(actor, rng, nSessions);
  return choice;
}

/** The task's outcome as the trial event carries it (views, nothing copied or encoded). */
function outcomeOf(event: TrialCompletedEvent): TrialOutcome {
  return {
    trial: event.trial, actions: event.actions, rewards: event.rewards, nextInputs: event.nextInputs,
    latent: {
      actionRewardProbs: event.actionRewardProbs, betterAction: event.betterAction, reversal: event.reversal,
      stage2States: event.stage2States, stage2Actions: event.stage2Actions, common: event.common, volatile: event.volatile,
    },
  };
}

/**
 * An XState transition actor (`fromTransition`): the agent has no states to move between, only a
 * reaction to each event, and a transition actor costs a fraction of a machine per event (it
 * handles two events per trial). The learner and teacher are owned resources whose hidden state
 * the trials advance; the context itself is replaced only when `imitating` changes.
 */
export const agentMachine = fromTransition<AgentContext, AgentEvent, never, AgentInput, ActionsChosenEvent>(
  (context, event, { emit }) => {
    switch (event.type) {
      case 'phase.started': {
        const imitating = event.learning && context.teacher !== undefined;
        return imitating === context.imitating ? context : { ...context, imitating };
      }
      case 'episode.started': {
        const initial = initialTaskInputs(context.taskType, context.nSessions);
        context.learner.reset(context.nSessions, initial);
        context.teacher?.reset(context.nSessions, initial);
        return context;
      }
      case 'trial.requested':
        emit(choose(context));
        return context;
      case 'trial.completed': {
        const outcome = outcomeOf(event);
        context.learner.observe(outcome);
        context.teacher?.observe(outcome);
        return context;
      }
    }
    return context;
  },
  ({ input }) => ({
    ...input,
    imitating: false,
    probs: new Float64Array(input.nSessions * input.learner.nActions),
    teacherProbs: new Float64Array(input.nSessions * input.learner.nActions),
  }),
);
