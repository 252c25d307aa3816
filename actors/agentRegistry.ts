/**
 * The cognitive agents a scenario can name, with the tasks each can play. Two-step learners are
 * told the task's common-transition probability so that they plan with the true one.
 */
import type { CognitiveModel } from '../src/cognitive/cognitiveModel.js';
import { createBayesianReversalModel } from '../src/cognitive/models/bayesianReversal.js';
import { createDawHybridModel } from '../src/cognitive/models/dawHybrid.js';
import { createModelBasedTwoStepModel } from '../src/cognitive/models/modelBasedTwoStep.js';
import { createModelFreeTwoStepModel } from '../src/cognitive/models/modelFreeTwoStep.js';
import { createPearceHallModel } from '../src/cognitive/models/pearceHall.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../src/cognitive/models/winStayLoseShift.js';

export interface CognitiveEntry {
  /** Tasks the model can play: bandit models play reversal and the volatile bandit. */
  tasks: readonly string[];
  create(commonTransitionProb: number): CognitiveModel;
}

const BANDIT = ['reversal', 'probabilistic_reward'] as const;
const TWO_STAGE = ['two_stage'] as const;

export const COGNITIVE_AGENTS: Readonly<Record<string, CognitiveEntry>> = {
  q_learning: { tasks: BANDIT, create: () => createQLearningModel() },
  q_learning_forgetting: { tasks: BANDIT, create: () => createQLearningModel({ forgetting: true }) },
  win_stay_lose_shift: { tasks: BANDIT, create: () => createWinStayLoseShiftModel() },
  bayesian_reversal: { tasks: BANDIT, create: () => createBayesianReversalModel() },
  pearce_hall: { tasks: BANDIT, create: () => createPearceHallModel() },
  daw_hybrid: { tasks: TWO_STAGE, create: (p) => createDawHybridModel({ commonTransitionProb: p }) },
  model_free_two_step: { tasks: TWO_STAGE, create: (p) => createModelFreeTwoStepModel({ commonTransitionProb: p }) },
  model_based_two_step: { tasks: TWO_STAGE, create: (p) => createModelBasedTwoStepModel({ commonTransitionProb: p }) },
};

export const COGNITIVE_AGENT_NAMES = Object.keys(COGNITIVE_AGENTS);
