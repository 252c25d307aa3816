import { describe, expect, it } from 'vitest';
import { CognitiveAgent } from '../src/cognitive/cognitiveAgent.js';
import { parameterValues, parameterVector, type CognitiveModel } from '../src/cognitive/cognitiveModel.js';
import { createBayesianReversalModel } from '../src/cognitive/models/bayesianReversal.js';
import { createDawHybridModel } from '../src/cognitive/models/dawHybrid.js';
import { createModelBasedTwoStepModel } from '../src/cognitive/models/modelBasedTwoStep.js';
import { createModelFreeTwoStepModel } from '../src/cognitive/models/modelFreeTwoStep.js';
import { createPearceHallModel } from '../src/cognitive/models/pearceHall.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../src/cognitive/models/winStayLoseShift.js';
import { sessionsNegLogLikelihood } from '../src/cognitive/negLogLikelihood.js';
import { simulateSessions } from '../src/cognitive/simulateSessions.js';
import { emptyTrialsSession, type TrialsSession } from '../src/data/trialsCsv.js';
import { createRandom } from '../src/random.js';
import { ReversalLearningTask } from '../src/tasks/reversal.js';
import { TwoStageTask } from '../src/tasks/twoStage.js';

/** A session from [choice, reward] or [choice, stage2State, stage2Choice, reward] rows (-1 = missing). */
function session(task: 'reversal' | 'two_stage', rows: number[][]): TrialsSession {
  const s = emptyTrialsSession(task, 'x', 'x', rows.length);
  rows.forEach((row, t) => {
    s.choice[t] = row[0];
    s.valid[t] = row[0] >= 0 ? 1 : 0;
    if (task === 'reversal') s.reward[t] = row[1];
    else [s.stage2State[t], s.stage2Choice[t], s.reward[t]] = [row[1], row[2], row[3]];
  });
  return s;
}

/** −log softmax probability of option `c` among two preferences z0, z1. */
const softmaxNll = (z0: number, z1: number, c: number): number => -Math.log(Math.exp(c === 0 ? z0 : z1) / (Math.exp(z0) + Math.exp(z1)));

describe('negLogLikelihood: hand computations on three trials', () => {
  it('Q-learning negLogLikelihood equals the softmax NLL computed by hand', () => {
    const model = createQLearningModel();
    const result = model.negLogLikelihood({ alpha: 0.5, beta: 2, kappa: 0.3 }, session('reversal', [[1, 1], [1, 0], [0, 1]]));
    // Q = [.5, .5] → choose 1 (p = .5); Q1 ← .75; z = [0, 2·.75 + .3] vs [2·.5]; Q1 ← .375.
    const expected = Math.log(2) + softmaxNll(1, 1.5 + 0.3, 1) + softmaxNll(1, 0.75 + 0.3, 0);
    expect(result.nll).toBeCloseTo(expected, 12);
    expect(result.nChoices).toBe(3);
    expect(result.stage1Nll).toBe(result.nll);
  });

  it('Q-learning with forgetting decays the unchosen value toward its initial value', () => {
    const model = createQLearningModel({ forgetting: true, initialValue: 0.5 });
    const result = model.negLogLikelihood({ alpha: 0.5, beta: 2, kappa: 0, forgetRate: 0.5 }, session('reversal', [[1, 1], [0, 0], [0, 0]]));
    // After t0: Q = [.5, .75]. After t1: Q0 = .25, Q1 = .75 + .5(.5 − .75) = .625.
    const expected = Math.log(2) + softmaxNll(1, 1.5, 0) + softmaxNll(0.5, 1.25, 0);
    expect(result.nll).toBeCloseTo(expected, 12);
  });

  it('win-stay/lose-shift negLogLikelihood is −log of the stay and shift probabilities', () => {
    const model = createWinStayLoseShiftModel();
    const result = model.negLogLikelihood({ pWinStay: 0.9, pLoseShift: 0.7 }, session('reversal', [[1, 1], [1, 0], [0, 1]]));
    expect(result.nll).toBeCloseTo(Math.log(2) - Math.log(0.9) - Math.log(0.7), 12);
    const shared = createWinStayLoseShiftModel({ sharedNoise: true });
    const r2 = shared.negLogLikelihood({ epsilon: 0.2 }, session('reversal', [[1, 1], [0, 0]]));
    expect(r2.nll).toBeCloseTo(Math.log(2) - Math.log(0.1), 12);
  });

  it('Bayesian reversal negLogLikelihood follows the exact two-state filter', () => {
    const model = createBayesianReversalModel();
    const result = model.negLogLikelihood({ hazard: 0.1, pHigh: 0.8, pLow: 0.2, beta: 4 }, session('reversal', [[0, 1], [0, 0]]));
    // Posterior P(0 better) = .8 after a win on 0; with hazard: .9·.8 + .1·.2 = .74.
    const v0 = 0.2 + 0.6 * 0.74;
    const v1 = 0.2 + 0.6 * 0.26;
    expect(result.nll).toBeCloseTo(Math.log(2) + softmaxNll(4 * v0, 4 * v1, 0), 12);
  });

  it('Pearce-Hall negLogLikelihood scales the update by the associability it learns', () => {
    const model = createPearceHallModel();
    const result = model.negLogLikelihood({ kappa: 0.5, eta: 0.4, beta: 3 }, session('reversal', [[1, 1], [1, 0], [0, 1]]));
    // t0: δ = .5, Q1 = .75, A1 = .4·.5 + .6 = .8; t1: δ = −.75, Q1 = .75 − .5·.8·.75 = .45.
    const expected = Math.log(2) + softmaxNll(1.5, 2.25, 1) + softmaxNll(1.5, 1.35, 0);
    expect(result.nll).toBeCloseTo(expected, 12);
  });

  it('Daw hybrid negLogLikelihood equals the hand computation for both stages', () => {
    const model = createDawHybridModel({ commonTransitionProb: 0.7 });
    const params = { alpha1: 0.5, alpha2: 0.4, lambda: 0.6, beta1: 3, beta2: 2, w: 0.7, perseveration: 0.2 };
    const rows = [[0, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1]];
    const result = model.negLogLikelihood(params, session('two_stage', rows));
    // After t0: Q2(0,1) = .4, Q_MF(0) = 0 + .5·.6·1 = .3. Q_MB = [.7·.4, .3·.4] = [.28, .12].
    // t1: Q_net = [.7·.28 + .3·.3, .7·.12] = [.286, .084], last choice 0 → +p on option 0.
    // After t1: Q_MF(0) = .3 + .5(0 − .3) = .15; δ2 = 0. t2: Q_net = [.196 + .045, .084].
    const stage1 = Math.log(2) + softmaxNll(3 * (0.286 + 0.2), 3 * 0.084, 0) + softmaxNll(3 * (0.241 + 0.2), 3 * 0.084, 1);
    expect(result.stage1Nll).toBeCloseTo(stage1, 12);
    expect(result.stage2Nll).toBeCloseTo(3 * Math.log(2), 12);
    expect(result.nll).toBeCloseTo(stage1 + 3 * Math.log(2), 12);
    expect([result.stage1Choices, result.stage2Choices, result.nChoices]).toEqual([3, 3, 6]);
  });

  it('a missed trial adds no term and changes nothing', () => {
    const model = createDawHybridModel();
    const params = { alpha1: 0.5, alpha2: 0.4, lambda: 0.6, beta1: 3, beta2: 2, w: 0.7, perseveration: 0.2 };
    const full = model.negLogLikelihood(params, session('two_stage', [[0, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1]]));
    const missed = model.negLogLikelihood(params, session('two_stage', [[0, 0, 1, 1], [-1, -1, -1, -1], [0, 1, 0, 0], [1, 1, 0, 1]]));
    expect(missed).toEqual(full);
    // A missing second-stage choice: the first stage still counts, the second does not.
    const partial = model.negLogLikelihood(params, session('two_stage', [[0, 0, 1, 1], [0, 1, -1, -1]]));
    expect([partial.stage1Choices, partial.stage2Choices]).toEqual([2, 1]);
  });

  it('the model-free and model-based variants equal the hybrid with w = 0 and w = 1', () => {
    const s = session('two_stage', [[0, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1], [1, 1, 1, 1], [0, 0, 0, 0]]);
    const hybrid = createDawHybridModel();
    const base = { alpha1: 0.3, alpha2: 0.6, lambda: 0.8, beta1: 4, beta2: 3, perseveration: -0.1 };
    const mf = createModelFreeTwoStepModel().negLogLikelihood(base, s);
    expect(mf.nll).toBeCloseTo(hybrid.negLogLikelihood({ ...base, w: 0 }, s).nll, 12);
    const { alpha2, beta1, beta2, perseveration } = base;
    const mb = createModelBasedTwoStepModel().negLogLikelihood({ alpha2, beta1, beta2, perseveration }, s);
    expect(mb.nll).toBeCloseTo(hybrid.negLogLikelihood({ ...base, w: 1 }, s).nll, 12);
    expect(mb.nll).not.toBeCloseTo(mf.nll, 3);
  });
});

describe('parameterVector', () => {
  it('parameterVector names the model, the parameter and its range', () => {
    const model = createQLearningModel();
    expect(() => parameterVector(model, { alpha: 1.5, beta: 1, kappa: 0 })).toThrow('q_learning alpha must be a number in [0, 1], got 1.5');
    expect(() => parameterVector(model, { alpha: 0.5, beta: 1 })).toThrow('q_learning parameter kappa is required');
    expect(() => parameterVector(model, { alpha: 0.5, beta: 1, kappa: 0, gamma: 1 })).toThrow('q_learning has no parameter(s) gamma');
    expect(() => parameterVector(model, [0.5, 1])).toThrow('q_learning parameters must have length 3, got 2');
    expect(parameterValues(model, parameterVector(model, [0.2, 3, -1]))).toEqual({ alpha: 0.2, beta: 3, kappa: -1 });
  });
});

/** Play with the agent, record −log π(chosen) from its own policy, compare with the likelihood. */
function agentMatchesLikelihood(model: CognitiveModel, params: Record<string, number>, twoStage: boolean): void {
  const S = 3;
  const T = 60;
  const agent = model.createAgent(params) as CognitiveAgent;
  const task = twoStage
    ? new TwoStageTask({ nSessions: S, rng: createRandom(5), commonTransitionProb: 0.7 })
    : new ReversalLearningTask({ nSessions: S, rng: createRandom(5) });
  // Wrap the agent to record its policy on the choices it made.
  let policyNll = 0;
  const probs = new Float64Array(S * 2);
  const probs2 = new Float64Array(S * 2);
  const recorder = {
    nActions: 2,
    reset: (n: number, inputs: Float64Array) => agent.reset(n, inputs),
    policy: (out: Float64Array) => {
      agent.policy(out);
      probs.set(out);
    },
    stage2Policy: twoStage
      ? (states: Int8Array, out: Float64Array) => {
          agent.stage2Policy!(states, out);
          probs2.set(out);
        }
      : undefined,
    observe: (outcome: Parameters<CognitiveAgent['observe']>[0]) => {
      for (let s = 0; s < S; s++) {
        policyNll -= Math.log(probs[2 * s + outcome.actions[s]]);
        if (twoStage) policyNll -= Math.log(probs2[2 * s + outcome.latent.stage2Actions![s]]);
      }
      agent.observe(outcome);
    },
  };
  const sessions = simulateSessions(recorder, task, { nTrials: T, rng: createRandom(8) });
  const result = sessionsNegLogLikelihood(model.bind(parameterVector(model, params)), sessions);
  expect(result.nChoices).toBe(S * T * (twoStage ? 2 : 1));
  expect(result.nll).toBeCloseTo(policyNll, 9);
}

describe('createAgent', () => {
  it('the Q-learning agent plays with the probabilities its likelihood assigns', () => {
    agentMatchesLikelihood(createQLearningModel(), { alpha: 0.4, beta: 4, kappa: 0.5 }, false);
  });

  it('the Bayesian reversal, Pearce-Hall and WSLS agents play with the probabilities their likelihoods assign', () => {
    agentMatchesLikelihood(createBayesianReversalModel(), { hazard: 0.05, pHigh: 0.8, pLow: 0.2, beta: 6 }, false);
    agentMatchesLikelihood(createPearceHallModel(), { kappa: 0.5, eta: 0.3, beta: 5 }, false);
    agentMatchesLikelihood(createWinStayLoseShiftModel(), { pWinStay: 0.8, pLoseShift: 0.6 }, false);
  });

  it('the Daw hybrid agent plays both stages with the probabilities its likelihood assigns', () => {
    agentMatchesLikelihood(createDawHybridModel(), { alpha1: 0.5, alpha2: 0.5, lambda: 0.6, beta1: 5, beta2: 4, w: 0.6, perseveration: 0.2 }, true);
  });

  it('a Q-learning agent earns more reward than chance on the reversal task', () => {
    const task = new ReversalLearningTask({ nSessions: 20, rng: createRandom(3) });
    const sessions = simulateSessions(createQLearningModel().createAgent({ alpha: 0.5, beta: 8, kappa: 0 }), task, { nTrials: 200, rng: createRandom(4) });
    const rewards = sessions.reduce((n, s) => n + s.reward.reduce((a, b) => a + b, 0), 0);
    // Chance pays (0.8 + 0.2) / 2 = 0.5 per trial.
    expect(rewards / (20 * 200)).toBeGreaterThan(0.65);
  });
});
