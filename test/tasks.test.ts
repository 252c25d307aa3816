import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { TaskType, type CohortTask, type TrialOutcome } from '../src/tasks/cohortTask.js';
import { createTask } from '../src/tasks/createTask.js';
import {
  encodeCohortInputs,
  encodeTrialRow,
  initialTaskInputs,
  taskInputSize,
} from '../src/tasks/encoding.js';
import { ProbabilisticRewardTask } from '../src/tasks/probabilisticReward.js';
import { ReversalLearningTask } from '../src/tasks/reversal.js';
import { reflectIntoBounds, TwoStageTask } from '../src/tasks/twoStage.js';

/** Play T trials with actions drawn uniformly from a separate generator; keep every outcome. */
function playRandomly(task: CohortTask, nTrials: number, seed = 99): TrialOutcome[] {
  const chooser = createRandom(seed);
  const outcomes: TrialOutcome[] = [];
  for (let t = 0; t < nTrials; t++) {
    const actions = Array.from({ length: task.nSessions }, () => chooser.integer(0, 1));
    outcomes.push(task.step(actions));
  }
  return outcomes;
}

describe('ReversalLearningTask', () => {
  it('step() swaps the better action after blocks of 20..40 trials, mean near 30, flagged by latent.reversal', () => {
    const task = new ReversalLearningTask({ nSessions: 100, rng: createRandom(1) });
    const outcomes = playRandomly(task, 600);
    const lengths: number[] = [];
    let misflagged = 0;
    for (let s = 0; s < 100; s++) {
      let blockStart = 0;
      misflagged += outcomes[0].latent.reversal[s];
      for (let t = 1; t < outcomes.length; t++) {
        const swapped = outcomes[t].latent.betterAction[s] !== outcomes[t - 1].latent.betterAction[s];
        if (outcomes[t].latent.reversal[s] !== (swapped ? 1 : 0)) misflagged++;
        if (swapped) {
          lengths.push(t - blockStart);
          blockStart = t;
        }
      }
    }
    expect(misflagged).toBe(0);
    expect(Math.min(...lengths)).toBe(20);
    expect(Math.max(...lengths)).toBe(40);
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    expect(lengths.length).toBeGreaterThan(1800);
    expect(mean).toBeGreaterThan(29.5);
    expect(mean).toBeLessThan(30.5);
  });

  it('step() pays the better action with pHigh and the worse with pLow', () => {
    const task = new ReversalLearningTask({ nSessions: 100, rng: createRandom(2) });
    const counts = { better: [0, 0], worse: [0, 0] };
    const latentProbs = new Set<number>();
    for (const { actions, rewards, latent } of playRandomly(task, 400)) {
      for (let s = 0; s < 100; s++) {
        const row = actions[s] === latent.betterAction[s] ? counts.better : counts.worse;
        row[0] += rewards[s];
        row[1] += 1;
        latentProbs.add(latent.actionRewardProbs[s * 2 + latent.betterAction[s]] - latent.actionRewardProbs[s * 2 + 1 - latent.betterAction[s]]);
      }
    }
    expect([...latentProbs].map((d) => d.toFixed(6))).toEqual(['0.600000']);
    // ~20000 trials each: the binomial sd of a rate is ~0.003.
    expect(Math.abs(counts.better[0] / counts.better[1] - 0.8)).toBeLessThan(0.015);
    expect(Math.abs(counts.worse[0] / counts.worse[1] - 0.2)).toBeLessThan(0.015);
  });

  it('step() encodes [onehot(action), reward, 1] into nextInputs and counts trials', () => {
    const task = new ReversalLearningTask({ nSessions: 2, rng: createRandom(3) });
    expect(Array.from(task.initialInputs())).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
    const { nextInputs, rewards, trial } = task.step([1, 0]);
    expect(trial).toBe(0);
    expect(task.trial).toBe(1);
    expect(Array.from(nextInputs)).toEqual([0, 1, rewards[0], 1, 1, 0, rewards[1], 1]);
  });

  it('step() draws from the session stream rng.split(S)[s]: better action, block length, then one uniform per reward', () => {
    const task = new ReversalLearningTask({ nSessions: 1, rng: createRandom(4) });
    const rewards = Array.from({ length: 12 }, () => task.step([0]).rewards[0]).join('');
    expect(rewards).toBe('000110000011');
    const stream = createRandom(4).split(1)[0];
    const better = stream.integer(0, 1);
    stream.integer(20, 40);
    const replay = Array.from({ length: 12 }, () => (stream.uniform() < (better === 0 ? 0.8 : 0.2) ? 1 : 0)).join('');
    expect(replay).toBe(rewards);
  });
});

describe('TwoStageTask', () => {
  it('step() takes the common transition with probability commonTransitionProb', () => {
    const task = new TwoStageTask({ nSessions: 100, rng: createRandom(5) });
    let common = 0;
    let wrongState = 0;
    const outcomes = playRandomly(task, 200);
    for (const { actions, latent } of outcomes) {
      for (let s = 0; s < 100; s++) {
        common += latent.common![s];
        if (latent.stage2States![s] !== (latent.common![s] ? actions[s] : 1 - actions[s])) wrongState++;
      }
    }
    expect(wrongState).toBe(0);
    expect(Math.abs(common / 20000 - 0.8)).toBeLessThan(0.015);
  });

  it('drifting reward probabilities stay in [0.25, 0.75] and step with sd 0.025', () => {
    const task = new TwoStageTask({ nSessions: 50, rng: createRandom(6) });
    const outcomes = playRandomly(task, 400);
    const increments: number[] = [];
    let low = 1;
    let high = 0;
    for (let t = 0; t < outcomes.length; t++) {
      const p = outcomes[t].latent.stage2RewardProbs!;
      for (let k = 0; k < p.length; k++) {
        low = Math.min(low, p[k]);
        high = Math.max(high, p[k]);
        const previous = t > 0 ? outcomes[t - 1].latent.stage2RewardProbs![k] : NaN;
        // Away from the bounds the reflection does not act: the step is the raw Gaussian step.
        if (previous > 0.35 && previous < 0.65) increments.push(p[k] - previous);
      }
      expect(outcomes[t].latent.reversal.every((r) => r === 0)).toBe(true);
    }
    // Float32 latent columns: compare with float32 tolerance; the walk reaches near both bounds.
    expect(low).toBeGreaterThanOrEqual(Math.fround(0.25));
    expect(high).toBeLessThanOrEqual(Math.fround(0.75));
    expect(low).toBeLessThan(0.27);
    expect(high).toBeGreaterThan(0.73);
    const sd = Math.sqrt(increments.reduce((a, d) => a + d * d, 0) / increments.length);
    expect(Math.abs(sd - 0.025)).toBeLessThan(0.001);
  });

  it('latent.actionRewardProbs equals the common/rare mixture of the best second-stage probabilities', () => {
    const task = new TwoStageTask({ nSessions: 20, rng: createRandom(7), commonTransitionProb: 0.7 });
    for (const { latent } of playRandomly(task, 30)) {
      for (let s = 0; s < 20; s++) {
        const p = latent.stage2RewardProbs!.subarray(s * 4, s * 4 + 4);
        const best = [Math.max(p[0], p[1]), Math.max(p[2], p[3])];
        const expected = [0.7 * best[0] + 0.3 * best[1], 0.7 * best[1] + 0.3 * best[0]];
        expect(latent.actionRewardProbs[s * 2]).toBeCloseTo(expected[0], 6);
        expect(latent.actionRewardProbs[s * 2 + 1]).toBeCloseTo(expected[1], 6);
        expect(latent.betterAction[s]).toBe(expected[1] > expected[0] ? 1 : 0);
      }
    }
  });

  it("rewardMode 'state' swaps the rich state at rate swapProb and pays 0.9 there, 0.1 elsewhere", () => {
    const task = new TwoStageTask({ nSessions: 100, rng: createRandom(8), rewardMode: 'state' });
    const outcomes = playRandomly(task, 400);
    let swaps = 0;
    let mismatches = 0;
    const rich = [0, 0];
    const poor = [0, 0];
    for (let t = 0; t < outcomes.length; t++) {
      const { latent, rewards } = outcomes[t];
      for (let s = 0; s < 100; s++) {
        const p = latent.stage2RewardProbs!;
        const richState = p[s * 4] > p[s * 4 + 2] ? 0 : 1;
        if (t > 0) {
          const previous = outcomes[t - 1].latent.stage2RewardProbs!;
          const swapped = (previous[s * 4] > previous[s * 4 + 2] ? 0 : 1) !== richState;
          if (latent.reversal[s] !== (swapped ? 1 : 0)) mismatches++;
          swaps += latent.reversal[s];
        }
        const tally = latent.stage2States![s] === richState ? rich : poor;
        tally[0] += rewards[s];
        tally[1] += 1;
        // The better first-stage action is the one that commonly leads to the rich state.
        if (latent.betterAction[s] !== richState) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    // 39900 chances at 0.025: mean 998, sd ~31.
    expect(Math.abs(swaps / 39900 - 0.025)).toBeLessThan(0.003);
    expect(Math.abs(rich[0] / rich[1] - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(poor[0] / poor[1] - 0.1)).toBeLessThan(0.01);
  });

  it('step() uses given stage2Actions, or a chooser that sees the states reached', () => {
    const task = new TwoStageTask({ nSessions: 3, rng: createRandom(9) });
    expect(Array.from(task.step([0, 1, 0], [1, 1, 0]).latent.stage2Actions!)).toEqual([1, 1, 0]);
    let seen: number[] = [];
    const outcome = task.step([1, 1, 0], (states) => {
      seen = Array.from(states);
      return states.map((state) => 1 - state);
    });
    expect(Array.from(outcome.latent.stage2States!)).toEqual(seen);
    expect(Array.from(outcome.latent.stage2Actions!)).toEqual(seen.map((state) => 1 - state));
    expect(() => task.step([0, 0, 0], () => [0, 2, 0])).toThrow(/stage2Actions \(from the chooser\)\[1\] must be an integer in \[0, 1\], got 2/);
  });

  it('step() encodes [onehot(action), onehot(state), reward, 1] into nextInputs', () => {
    const task = new TwoStageTask({ nSessions: 2, rng: createRandom(10) });
    const { nextInputs, latent, rewards } = task.step([1, 0], [0, 0]);
    const row = (s: number) => {
      const state = latent.stage2States![s];
      return [s === 0 ? 0 : 1, s === 0 ? 1 : 0, state === 0 ? 1 : 0, state === 1 ? 1 : 0, rewards[s], 1];
    };
    expect(Array.from(nextInputs)).toEqual([...row(0), ...row(1)]);
  });

  it('reflectIntoBounds(x, min, max) folds overshoots back inside', () => {
    expect(reflectIntoBounds(0.77, 0.25, 0.75)).toBeCloseTo(0.73, 12);
    expect(reflectIntoBounds(0.2, 0.25, 0.75)).toBeCloseTo(0.3, 12);
    expect(reflectIntoBounds(1.3, 0.25, 0.75)).toBeCloseTo(0.3, 12);
    expect(reflectIntoBounds(0.5, 0.25, 0.75)).toBe(0.5);
  });
});

describe('ProbabilisticRewardTask', () => {
  it('step() jumps only in volatile blocks, at about hazardRate, with probabilities within [pMin, pMax]', () => {
    const task = new ProbabilisticRewardTask({ nSessions: 100, rng: createRandom(11) });
    const outcomes = playRandomly(task, 480);
    const jumps = { stable: 0, volatile: 0, volatileTrials: 0 };
    const problems = { volatileFlag: 0, outOfBounds: 0, betterAction: 0, swapMismatch: 0, swapsSeen: 0 };
    for (let t = 0; t < outcomes.length; t++) {
      const { latent } = outcomes[t];
      const inVolatile = Math.floor(t / 60) % 2 === 1;
      for (let s = 0; s < 100; s++) {
        if (latent.volatile![s] !== (inVolatile ? 1 : 0)) problems.volatileFlag++;
        const p = latent.actionRewardProbs.subarray(s * 2, s * 2 + 2);
        if (Math.min(p[0], p[1]) < Math.fround(0.1) || Math.max(p[0], p[1]) > Math.fround(0.9)) problems.outOfBounds++;
        if (latent.betterAction[s] !== (p[1] > p[0] ? 1 : 0)) problems.betterAction++;
        if (t > 0) {
          const q = outcomes[t - 1].latent.actionRewardProbs.subarray(s * 2, s * 2 + 2);
          // A jump swaps the pair, so each probability lands near the other's previous value
          // (visible when the pair is well separated compared with the drift step).
          const swapped = Math.abs(p[0] - q[1]) + Math.abs(p[1] - q[0]) < Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]);
          if (Math.abs(q[0] - q[1]) > 0.2 && swapped !== (latent.reversal[s] === 1)) problems.swapMismatch++;
          if (Math.abs(q[0] - q[1]) > 0.2 && swapped) problems.swapsSeen++;
        }
        if (inVolatile) {
          jumps.volatile += latent.reversal[s];
          jumps.volatileTrials += 1;
        } else {
          jumps.stable += latent.reversal[s];
        }
      }
    }
    expect({ ...problems, swapsSeen: problems.swapsSeen > 500 }).toEqual({
      volatileFlag: 0,
      outOfBounds: 0,
      betterAction: 0,
      swapMismatch: 0,
      swapsSeen: true,
    });
    expect(jumps.stable).toBe(0);
    // 24000 volatile trials at 0.05 (the first of each block cannot jump): ~1180, sd ~34.
    expect(Math.abs(jumps.volatile / jumps.volatileTrials - 0.05)).toBeLessThan(0.006);
  });

  it('startVolatile puts the volatile block first', () => {
    const task = new ProbabilisticRewardTask({
      nSessions: 1,
      rng: createRandom(12),
      startVolatile: true,
      stableBlockLength: 3,
      volatileBlockLength: 2,
    });
    const flags = Array.from({ length: 10 }, () => task.step([0]).latent.volatile![0]).join('');
    expect(flags).toBe('1100011000');
  });
});

describe('cohort streams', () => {
  const build: Record<TaskType, (nSessions: number) => CohortTask> = {
    [TaskType.REVERSAL]: (nSessions) => new ReversalLearningTask({ nSessions, rng: createRandom(13) }),
    [TaskType.TWO_STAGE]: (nSessions) => new TwoStageTask({ nSessions, rng: createRandom(13) }),
    [TaskType.PROBABILISTIC_REWARD]: (nSessions) =>
      new ProbabilisticRewardTask({ nSessions, rng: createRandom(13), hazardRate: 0.3, stableBlockLength: 5, volatileBlockLength: 5 }),
  };
  for (const type of Object.values(TaskType)) {
    it(`${type}: session 0 of a cohort of 1 and of 10 are identical given the same seed and actions`, () => {
      const alone = build[type](1);
      const inCohort = build[type](10);
      const chooser = createRandom(14);
      for (let t = 0; t < 200; t++) {
        const actions = Array.from({ length: 10 }, () => chooser.integer(0, 1));
        const a = alone.step(actions.slice(0, 1));
        const b = inCohort.step(actions);
        expect(a.rewards[0]).toBe(b.rewards[0]);
        expect(Array.from(a.nextInputs)).toEqual(Array.from(b.nextInputs.subarray(0, alone.nInputs)));
        expect(Array.from(a.latent.actionRewardProbs)).toEqual(Array.from(b.latent.actionRewardProbs.subarray(0, 2)));
        expect(a.latent.reversal[0]).toBe(b.latent.reversal[0]);
        if (type === TaskType.TWO_STAGE) expect(a.latent.stage2States![0]).toBe(b.latent.stage2States![0]);
      }
    });
  }
});

describe('encoding', () => {
  it('taskInputSize(type) is 4, 6, 4', () => {
    expect(taskInputSize(TaskType.REVERSAL)).toBe(4);
    expect(taskInputSize(TaskType.TWO_STAGE)).toBe(6);
    expect(taskInputSize(TaskType.PROBABILISTIC_REWARD)).toBe(4);
  });

  it('encodeTrialRow(type, row) matches the cohort encoder and the trial-0 input', () => {
    expect(Array.from(encodeTrialRow(TaskType.TWO_STAGE, { action: 0, state: 1, reward: 1 }))).toEqual([1, 0, 0, 1, 1, 1]);
    expect(Array.from(encodeTrialRow(TaskType.REVERSAL, { action: -1, reward: 0 }))).toEqual(
      Array.from(initialTaskInputs(TaskType.REVERSAL, 1)),
    );
    const cohort = encodeCohortInputs(TaskType.TWO_STAGE, [1, 0], [0, 0], [0, 1], new Float64Array(12));
    const rows = new Float64Array(12);
    encodeTrialRow(TaskType.TWO_STAGE, { action: 1, state: 0, reward: 0 }, rows, 0);
    encodeTrialRow(TaskType.TWO_STAGE, { action: 0, state: 0, reward: 1 }, rows, 6);
    expect(Array.from(cohort)).toEqual(Array.from(rows));
    expect(() => encodeTrialRow(TaskType.REVERSAL, { action: 2, reward: 0 })).toThrow('action must be -1, 0 or 1, got 2');
  });
});

describe('validation', () => {
  const rng = createRandom(0);
  const cases: [string, () => unknown, string][] = [
    ['pHigh 1.5', () => new ReversalLearningTask({ nSessions: 1, rng, pHigh: 1.5 }), 'pHigh must be a number in [0, 1], got 1.5'],
    ['blockLengthMin 0', () => new ReversalLearningTask({ nSessions: 1, rng, blockLengthMin: 0 }), 'blockLengthMin must be an integer >= 1, got 0'],
    [
      'min > max',
      () => new ReversalLearningTask({ nSessions: 1, rng, blockLengthMin: 30, blockLengthMax: 25 }),
      'blockLengthMax must be >= blockLengthMin (30), got 25',
    ],
    ['pLow > pHigh', () => new ReversalLearningTask({ nSessions: 1, rng, pLow: 0.9 }), 'pLow must be <= pHigh (0.8), got 0.9'],
    ['nSessions 2.5', () => new ReversalLearningTask({ nSessions: 2.5, rng }), 'nSessions must be an integer >= 1, got 2.5'],
    ['missing rng', () => new TwoStageTask({ nSessions: 1 } as never), 'rng must be a Random (createRandom(seed)), got undefined'],
    ['a number for rng', () => new ReversalLearningTask({ nSessions: 1, rng: 7 } as never), 'rng must be a Random (createRandom(seed)), got 7'],
    [
      'commonTransitionProb -0.1',
      () => new TwoStageTask({ nSessions: 1, rng, commonTransitionProb: -0.1 }),
      'commonTransitionProb must be a number in [0, 1], got -0.1',
    ],
    ['rewardMode', () => new TwoStageTask({ nSessions: 1, rng, rewardMode: 'x' as never }), 'rewardMode must be one of "drifting", "state", got "x"'],
    ['driftSd -1', () => new TwoStageTask({ nSessions: 1, rng, driftSd: -1 }), 'driftSd must be a finite number >= 0, got -1'],
    ['swapProb NaN', () => new TwoStageTask({ nSessions: 1, rng, swapProb: NaN }), 'swapProb must be a number in [0, 1], got NaN'],
    ['rewardProbMax < min', () => new TwoStageTask({ nSessions: 1, rng, rewardProbMax: 0.2 }), 'rewardProbMax must be >= rewardProbMin (0.25), got 0.2'],
    ['hazardRate 2', () => new ProbabilisticRewardTask({ nSessions: 1, rng, hazardRate: 2 }), 'hazardRate must be a number in [0, 1], got 2'],
    ['pMax < pMin', () => new ProbabilisticRewardTask({ nSessions: 1, rng, pMin: 0.5, pMax: 0.4, initialPHigh: 0.45, initialPLow: 0.45 }), 'pMax must be >= pMin (0.5), got 0.4'],
    ['initialPHigh outside', () => new ProbabilisticRewardTask({ nSessions: 1, rng, initialPHigh: 0.95 }), 'initialPHigh must be a number in [0.1, 0.9], got 0.95'],
    ['stableBlockLength 0', () => new ProbabilisticRewardTask({ nSessions: 1, rng, stableBlockLength: 0 }), 'stableBlockLength must be an integer >= 1, got 0'],
    ['action 2', () => new ReversalLearningTask({ nSessions: 2, rng }).step([0, 2]), 'actions[1] must be an integer in [0, 1], got 2'],
    ['wrong length', () => new ReversalLearningTask({ nSessions: 2, rng }).step([0]), 'actions must have length 2 (one per session), got 1'],
    ['stage2Actions', () => new TwoStageTask({ nSessions: 1, rng }).step([0], [-1]), 'stage2Actions[0] must be an integer in [0, 1], got -1'],
    ['unknown type', () => createTask('x', { nSessions: 1, rng }), 'unknown task type "x"; expected one of reversal, two_stage, probabilistic_reward'],
    [
      'unknown option',
      () => createTask('reversal', { nSessions: 1, rng, options: { pHi: 0.9 } }),
      'reversal options have unknown field(s) "pHi"; expected pHigh, pLow, blockLengthMin, blockLengthMax',
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects ${name} naming the field, value and range`, () => {
      expect(make).toThrow(message);
    });
  }
});

describe('createTask', () => {
  it('createTask(type, args) builds each task with its options, without keeping the caller\'s object', () => {
    const options = { rewardMode: 'state' as const, swapProb: 0.5 };
    const task = createTask(TaskType.TWO_STAGE, { nSessions: 3, rng: createRandom(1), options }) as TwoStageTask;
    expect(task).toBeInstanceOf(TwoStageTask);
    expect([task.nSessions, task.nInputs, task.rewardMode, task.swapProb]).toEqual([3, 6, 'state', 0.5]);
    expect(options).toEqual({ rewardMode: 'state', swapProb: 0.5 });
    expect(createTask('reversal', { nSessions: 1, rng: createRandom(1) })).toBeInstanceOf(ReversalLearningTask);
    expect(createTask('probabilistic_reward', { nSessions: 1, rng: createRandom(1) })).toBeInstanceOf(ProbabilisticRewardTask);
  });
});
