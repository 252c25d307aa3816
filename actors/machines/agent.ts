/**
 * The agent actor: owns a CohortAgent (a recurrent network with its hidden state, or a cognitive
 * agent) and acts each trial for the whole cohort. In an imitation phase a teacher agent acts
 * instead while the learner still reads out its policy (the trainer then fits the learner to the
 * teacher's choices); trials reach the agent from the bus, so it learns what was really played.
 */
import { fromTransition } from 'xstate';
import type { CohortAgent } from '../../src/agents/cohortAgent.js';
import { RecurrentAgent } from '../../src/agents/recurrentAgent.js';
import type { Random } from '../../src/random.js';
import type { TaskType, TrialOutcome } from '../../src/tasks/cohortTask.js';
import { encodeCohortInputs, initialTaskInputs, taskInputSize } from '../../src/tasks/encoding.js';
import type { Choice } from './environment.js';
import type { EpisodeStartedEvent, PhaseStartedEvent, TrialCompletedEvent } from '../../src/protocol/events.js';

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
  /** The choice for the coming trial, fresh arrays each trial (they travel in the trial event). */
  choice: Choice | undefined;
  probs: Float64Array;
  teacherProbs: Float64Array;
  nextInputs: Float64Array;
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

function act(context: AgentContext): void {
  const { learner, teacher, imitating, rng, nSessions, probs, teacherProbs } = context;
  learner.policy(probs);
  const actor = imitating ? teacher! : learner;
  const acting = imitating ? teacherProbs : probs;
  if (imitating) teacher!.policy(teacherProbs);
  const actions = new Int8Array(nSessions);
  sample(acting, rng, actions);
  const values = learner instanceof RecurrentAgent ? Float32Array.from(learner.values) : new Float32Array(nSessions);
  context.choice = {
    actions,
    policy: Float32Array.from(acting),
    values,
    ...(imitating && { learnerPolicy: Float32Array.from(probs) }),
    stage2: chooseStage2(actor, rng, nSessions),
  };
}

function observe(context: AgentContext, event: TrialCompletedEvent): void {
  const outcome: TrialOutcome = {
    trial: event.trial,
    actions: event.actions,
    rewards: event.rewards,
    nextInputs: encodeCohortInputs(context.taskType, event.actions, event.stage2States, event.rewards, context.nextInputs),
    latent: {
      actionRewardProbs: event.actionRewardProbs,
      betterAction: event.betterAction,
      reversal: event.reversal,
      stage2States: event.stage2States,
      stage2Actions: event.stage2Actions,
      common: event.common,
    },
  };
  context.learner.observe(outcome);
  context.teacher?.observe(outcome);
}

/**
 * An XState transition actor (`fromTransition`): the agent has no states to move between, only a
 * reaction to each event, and a transition actor costs a fraction of a machine per event (it
 * handles two events per trial). Its snapshot's `context` is the AgentContext.
 */
export const agentMachine = fromTransition<AgentContext, AgentEvent, never, AgentInput>(
  (context, event) => {
    switch (event.type) {
      case 'phase.started':
        context.imitating = event.learning && context.teacher !== undefined;
        break;
      case 'episode.started': {
        const initial = initialTaskInputs(context.taskType, context.nSessions);
        context.learner.reset(context.nSessions, initial);
        context.teacher?.reset(context.nSessions, initial);
        break;
      }
      case 'trial.requested':
        act(context);
        break;
      case 'trial.completed':
        observe(context, event);
        break;
    }
    return context;
  },
  ({ input }) => ({
    ...input,
    imitating: false,
    choice: undefined,
    probs: new Float64Array(input.nSessions * input.learner.nActions),
    teacherProbs: new Float64Array(input.nSessions * input.learner.nActions),
    nextInputs: new Float64Array(input.nSessions * taskInputSize(input.taskType)),
  }),
);
