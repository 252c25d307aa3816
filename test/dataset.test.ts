import { describe, expect, it } from 'vitest';
import type { CohortAgent } from '../src/agents/cohortAgent.js';
import { createRandom } from '../src/random.js';
import { RandomPolicy, SoftmaxQLearner, sampleChoices } from '../src/tasks/behaviourPolicy.js';
import type { TrialOutcome } from '../src/tasks/cohortTask.js';
import { TaskDataset } from '../src/tasks/dataset.js';
import { encodeTrialRow } from '../src/tasks/encoding.js';
import { MIN_SPLIT_SESSIONS, minSessionsForSplit } from '../src/tasks/datasetSplit.js';
import { trainOnDataset } from '../src/experiments/trainOnDataset.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../src/model/config.js';
import { configRefusal } from './configRefusal.js';

/** Share of trials on which the chosen action was the better one. */
function betterShare(data: TaskDataset): number {
  let hits = 0;
  for (let i = 0; i < data.actions.length; i++) if (data.actions[i] === data.betterAction[i]) hits++;
  return hits / data.actions.length;
}

describe('TaskDataset', () => {
  it('stores session-major columns; the input at trial t encodes trial t-1 and trial 0 is zeros and 1', () => {
    const data = new TaskDataset('two_stage', { nSessions: 3, trialsPerSession: 20, seed: 1 });
    const { nSessions: B, nTrials: T, nInputs } = data;
    expect([B, T, nInputs, data.nActions]).toEqual([3, 20, 6, 2]);
    expect(data.inputs.length).toBe(B * T * nInputs);
    expect(data.targets).toBe(data.actions);
    expect(data.stage2RewardProbs!.length).toBe(B * T * 4);
    expect(data.volatile).toBeUndefined();
    for (let b = 0; b < B; b++) {
      expect(Array.from(data.inputs.subarray(b * T * nInputs, (b * T + 1) * nInputs))).toEqual([0, 0, 0, 0, 0, 1]);
      for (let t = 1; t < T; t++) {
        const i = b * T + t - 1;
        const expected = encodeTrialRow(data.type, {
          action: data.actions[i],
          state: data.stage2States![i],
          reward: data.rewards[i],
        });
        expect(Array.from(data.inputs.subarray((b * T + t) * nInputs, (b * T + t + 1) * nInputs))).toEqual(Array.from(expected));
      }
    }
  });

  it('is a pure function of the seed, and session b does not depend on the number of sessions', () => {
    const a = new TaskDataset('reversal', { nSessions: 5, trialsPerSession: 50, seed: 7 });
    const again = new TaskDataset('reversal', { nSessions: 5, trialsPerSession: 50, seed: 7 });
    const alone = new TaskDataset('reversal', { nSessions: 1, trialsPerSession: 50, seed: 7 });
    const other = new TaskDataset('reversal', { nSessions: 5, trialsPerSession: 50, seed: 8 });
    expect(Array.from(again.actions)).toEqual(Array.from(a.actions));
    expect(Array.from(again.inputs)).toEqual(Array.from(a.inputs));
    expect(Array.from(alone.actions)).toEqual(Array.from(a.actions.subarray(0, 50)));
    expect(Array.from(alone.rewards)).toEqual(Array.from(a.rewards.subarray(0, 50)));
    expect(Array.from(other.actions)).not.toEqual(Array.from(a.actions));
  });

  it("the 'q_learning' policy beats chance on reversal; 'random' does not", () => {
    const options = { nSessions: 100, trialsPerSession: 300, seed: 3 };
    const learner = betterShare(new TaskDataset('reversal', options));
    const random = betterShare(new TaskDataset('reversal', { ...options, policy: 'random' }));
    expect(learner).toBeGreaterThan(0.68);
    expect(Math.abs(random - 0.5)).toBeLessThan(0.01);
  });

  it('two-stage data: ~80% common transitions; the Q-learner learns both stages, the random policy neither', () => {
    const stateMode = new TaskDataset('two_stage', { nSessions: 100, trialsPerSession: 200, seed: 4, taskOptions: { rewardMode: 'state' } });
    let common = 0;
    for (let i = 0; i < stateMode.common!.length; i++) common += stateMode.common![i];
    expect(Math.abs(common / 20000 - 0.8)).toBeLessThan(0.015);
    // Rich-state mode: the better first-stage action is the one that commonly leads to the rich state.
    expect(betterShare(stateMode)).toBeGreaterThan(0.6);

    /** Share of second-stage choices of the better action in the state reached (drifting mode). */
    const stage2BetterShare = (policy: 'q_learning' | 'random') => {
      const data = new TaskDataset('two_stage', { nSessions: 100, trialsPerSession: 200, seed: 4, policy });
      let hits = 0;
      for (let i = 0; i < data.actions.length; i++) {
        const offset = i * 4 + data.stage2States![i] * 2;
        const better = data.stage2RewardProbs![offset + 1] > data.stage2RewardProbs![offset] ? 1 : 0;
        if (data.stage2Actions![i] === better) hits++;
      }
      return hits / data.actions.length;
    };
    expect(stage2BetterShare('q_learning')).toBeGreaterThan(0.58);
    expect(Math.abs(stage2BetterShare('random') - 0.5)).toBeLessThan(0.015);
  });

  it('probabilistic_reward data carry the volatile-block column', () => {
    const data = new TaskDataset('probabilistic_reward', { nSessions: 2, trialsPerSession: 130, seed: 5 });
    const flags = Array.from(data.volatile!.subarray(0, 130));
    expect(flags.slice(0, 60).every((v) => v === 0)).toBe(true);
    expect(flags.slice(60, 120).every((v) => v === 1)).toBe(true);
    expect(flags.slice(120).every((v) => v === 0)).toBe(true);
  });

  it('split() is disjoint, covering, sized by the fractions and fixed by the seed', () => {
    const make = (seed: number) => new TaskDataset('reversal', { nSessions: 50, trialsPerSession: 2, seed, validationFraction: 0.2 });
    const { train, validation, test } = make(11).split();
    expect([train.length, validation.length, test.length]).toEqual([35, 10, 5]);
    expect([...train, ...validation, ...test].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, b) => b));
    expect(make(11).split()).toEqual({ train, validation, test });
    expect(make(12).split().test).not.toEqual(test);
  });

  it('toBatch(indices) copies the chosen sessions with targets and an all-ones mask', () => {
    const data = new TaskDataset('reversal', { nSessions: 4, trialsPerSession: 10, seed: 6 });
    const batch = data.toBatch([3, 1]);
    expect([batch.nSessions, batch.nTrials, batch.nInputs]).toEqual([2, 10, 4]);
    expect(Array.from(batch.inputs.subarray(0, 40))).toEqual(Array.from(data.inputs.subarray(120, 160)));
    expect(Array.from(batch.inputs.subarray(40))).toEqual(Array.from(data.inputs.subarray(40, 80)));
    expect(Array.from(batch.targets!)).toEqual([...data.actions.subarray(30, 40), ...data.actions.subarray(10, 20)]);
    expect(batch.mask!.every((m) => m === 1)).toBe(true);
    expect(data.toBatch().nSessions).toBe(4);
    expect(() => data.toBatch([4])).toThrow('sessionIndices[0] must be an integer in [0, 3], got 4');
  });

  it('batches(indices, size, rng) visits every session once, in an rng-shuffled order', () => {
    const data = new TaskDataset('reversal', { nSessions: 10, trialsPerSession: 3, seed: 7 });
    const indices = [0, 2, 4, 5, 6, 7, 9];
    const sizes = [...data.batches(indices, 3, createRandom(1))].map((batch) => [batch.nSessions, batch.nTrials]);
    expect(sizes).toEqual([[3, 3], [3, 3], [1, 3]]);
    const seen = [...data.batches(indices, 3, createRandom(2))].map((batch) => Array.from(batch.inputs));
    // Replay the Fisher-Yates shuffle independently to know which sessions each batch must hold.
    const order = [...indices];
    const replay = createRandom(2);
    for (let i = order.length - 1; i > 0; i--) {
      const j = replay.integer(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    expect(order.slice().sort((x, y) => x - y)).toEqual(indices);
    expect(order).not.toEqual(indices);
    const expected = [order.slice(0, 3), order.slice(3, 6), order.slice(6)].map((part) => Array.from(data.toBatch(part).inputs));
    expect(seen).toEqual(expected);
  });

  it('accepts any CohortAgent as policy and drives it with reset, policy and observe', () => {
    const calls = { reset: 0, policy: 0, observe: 0 };
    const alwaysOne: CohortAgent = {
      nActions: 2,
      reset: () => void calls.reset++,
      policy: (out) => {
        calls.policy++;
        for (let i = 0; i < out.length; i += 2) [out[i], out[i + 1]] = [0, 1];
      },
      observe: (_outcome: TrialOutcome) => void calls.observe++,
    };
    const data = new TaskDataset('probabilistic_reward', { nSessions: 3, trialsPerSession: 8, seed: 1, policy: alwaysOne });
    expect(calls).toEqual({ reset: 1, policy: 8, observe: 8 });
    expect(data.actions.every((a) => a === 1)).toBe(true);
  });

  const bad: [string, () => unknown, string][] = [
    ['nSessions 2.5', () => new TaskDataset('reversal', { nSessions: 2.5, trialsPerSession: 5, seed: 1 }), 'nSessions must be an integer >= 1, got 2.5'],
    ['trialsPerSession 0', () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 0, seed: 1 }), 'trialsPerSession must be an integer >= 1, got 0'],
    ['seed 1.5', () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1.5 }), 'seed must be a safe integer, got 1.5'],
    [
      'validationFraction 1.2',
      () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1, validationFraction: 1.2 }),
      'validationFraction must be a number in [0, 1], got 1.2',
    ],
    [
      'fractions above 1',
      () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1, validationFraction: 0.6, testFraction: 0.6 }),
      'validationFraction + testFraction must be <= 1, got 1.2',
    ],
    [
      'policy "greedy"',
      () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1, policy: 'greedy' as never }),
      'policy must be "q_learning", "random" or a CohortAgent, got "greedy"',
    ],
    [
      'task option',
      () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1, taskOptions: { pHigh: 1.5 } }),
      'pHigh must be a number in [0, 1], got 1.5',
    ],
    [
      'learningRate 2',
      () => new TaskDataset('reversal', { nSessions: 2, trialsPerSession: 5, seed: 1, policyOptions: { learningRate: 2 } }),
      'learningRate must be a number in [0, 1], got 2',
    ],
    ['task type', () => new TaskDataset('bandit', { nSessions: 2, trialsPerSession: 5, seed: 1 }), 'unknown task type "bandit"'],
  ];
  for (const [name, make, message] of bad) {
    it(`rejects ${name} naming the field, value and range`, () => {
      expect(make).toThrow(message);
    });
  }
});

describe('behaviour policies', () => {
  it('SoftmaxQLearner.policy is softmax(β·Q) after the delta-rule update Q += α(r − Q)', () => {
    const agent = new SoftmaxQLearner({ learningRate: 0.5, inverseTemperature: 2, forgetting: 0.1, initialValue: 0.5 });
    agent.reset(1);
    const outcome = (action: number, reward: number) =>
      ({
        trial: 0,
        actions: Int8Array.of(action),
        rewards: Float32Array.of(reward),
        nextInputs: new Float64Array(4),
        latent: { actionRewardProbs: new Float32Array(2), betterAction: new Int8Array(1), reversal: new Uint8Array(1) },
      }) satisfies TrialOutcome;
    agent.observe(outcome(0, 1)); // Q = [0.75, 0.5]
    agent.observe(outcome(1, 0)); // Q = [0.75 + 0.1(0.5 − 0.75), 0.25] = [0.725, 0.25]
    const probs = new Float64Array(2);
    agent.policy(probs);
    const expected0 = 1 / (1 + Math.exp(2 * (0.25 - 0.725)));
    expect(probs[0]).toBeCloseTo(expected0, 12);
    expect(probs[1]).toBeCloseTo(1 - expected0, 12);
  });

  it('RandomPolicy reports uniform probabilities at both stages', () => {
    const agent = new RandomPolicy();
    agent.reset(2);
    const out = new Float64Array(4);
    agent.policy(out);
    expect(Array.from(out)).toEqual([0.5, 0.5, 0.5, 0.5]);
    agent.stage2Policy(new Int8Array(2), out.fill(0));
    expect(Array.from(out)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('sampleChoices(probs, width, streams) follows the probabilities, one stream per session', () => {
    const streams = createRandom(1).split(2);
    expect(Array.from(sampleChoices(Float64Array.of(1, 0, 0, 1), 2, streams))).toEqual([0, 1]);
    const stream = createRandom(2).split(1);
    let ones = 0;
    for (let i = 0; i < 10000; i++) ones += sampleChoices(Float64Array.of(0.3, 0.7), 2, stream)[0];
    expect(Math.abs(ones / 10000 - 0.7)).toBeLessThan(0.02);
    expect(() => sampleChoices(Float64Array.of(NaN, 1), 2, stream)).toThrow('probabilities[0] must be a finite number >= 0, got NaN');
  });
});

describe('minSessionsForSplit', () => {
  it('minSessionsForSplit() is the fewest sessions whose TaskDataset split has a validation and a test session', () => {
    expect(MIN_SPLIT_SESSIONS).toBe(5);
    for (let nSessions = 1; nSessions <= 12; nSessions++) {
      const { validation, test } = new TaskDataset('reversal', { nSessions, trialsPerSession: 4, seed: 1 }).split();
      expect(validation.length > 0 && test.length > 0, `${nSessions} sessions`).toBe(nSessions >= MIN_SPLIT_SESSIONS);
    }
    expect(minSessionsForSplit(0.25, 0.25)).toBe(2);
    expect(minSessionsForSplit(0.1, 0.05)).toBe(10);
    expect(minSessionsForSplit(0, 0.1)).toBe(Infinity);
    expect(minSessionsForSplit(0.5, 1)).toBe(Infinity);
  });

  it('trainOnDataset refuses a data set too small to hold out a validation or test session, naming the minimum', () => {
    const dataset = new TaskDataset('reversal', { nSessions: 4, trialsPerSession: 6, seed: 2 });
    const model = new BrainInspiredRNN(createMatureConfig({ nHidden: 6 }), { nInputs: dataset.nInputs, seed: 1 });
    expect(configRefusal(() => trainOnDataset(model, dataset, { nEpochs: 1 }))).toBe("the data set's 4 sessions leave no validation or test session; use at least 5 sessions (10% of them rounds to 1)");
  });
});
