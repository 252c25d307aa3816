import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import { analyzeReversalAdaptation, fitExponentialRecovery, winStayLoseShift } from '../src/analysis/reversalAdaptation.js';

/** Sessions of blocks of `blockLength` trials; the better option alternates from block to block. */
function blockSchedule(nSessions: number, nBlocks: number, blockLength: number) {
  const n = nSessions * nBlocks * blockLength;
  const betterAction = new Int8Array(n);
  const reversal = new Int8Array(n);
  const sessionIds = new Int32Array(n);
  const offset = new Int32Array(n); // trials since the block started
  for (let t = 0; t < n; t++) {
    const inSession = t % (nBlocks * blockLength);
    sessionIds[t] = Math.floor(t / (nBlocks * blockLength));
    betterAction[t] = Math.floor(inSession / blockLength) % 2;
    offset[t] = inSession % blockLength;
    reversal[t] = inSession > 0 && offset[t] === 0 ? 1 : 0;
  }
  return { n, betterAction, reversal, sessionIds, offset };
}

describe('analyzeReversalAdaptation', () => {
  it('an agent that switches exactly 3 trials after each reversal gives a step curve and 7 trials to criterion', () => {
    const { n, betterAction, reversal, sessionIds, offset } = blockSchedule(2, 4, 30);
    // Chooses the previous block's better option for the first 3 trials of a block (all of the
    // first block is "better"): the step is at k = 3.
    const choices = Int8Array.from({ length: n }, (_, t) => (offset[t] < 3 && t % 120 >= 30 ? 1 - betterAction[t] : betterAction[t]));
    const rewards = new Int8Array(n).fill(1);
    const result = analyzeReversalAdaptation({ choices, rewards, betterAction, reversal, sessionIds });
    expect(result.nReversals).toBe(6);
    const { offsets, pBetter, counts } = result.curve;
    expect(Array.from(offsets.slice(0, 6))).toEqual([-5, -4, -3, -2, -1, 0]);
    expect(Array.from(pBetter)).toEqual(Array.from(offsets, (k) => (k >= 0 && k < 3 ? 0 : 1)));
    expect(Array.from(counts)).toEqual(Array.from(offsets, () => 6));
    // C = 4 of the last D = 5: offsets 3..6 better, 2 not → met at k = 6, i.e. 7 trials.
    expect(Array.from(result.trialsToCriterion)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(result.meanTrialsToCriterion).toBe(7);
    // Strict criterion (5 of 5) needs one more trial.
    expect(analyzeReversalAdaptation({ choices, rewards, betterAction, reversal, sessionIds }, { criterionCount: 5 }).meanTrialsToCriterion).toBe(8);
  });

  it('recovers p0, p∞ and τ of choices drawn from a known exponential recovery curve', () => {
    const { n, betterAction, reversal, sessionIds, offset } = blockSchedule(40, 10, 40);
    const truth = { p0: 0.15, pInf: 0.85, tau: 4 };
    const rng = createRandom(17);
    const choices = Int8Array.from({ length: n }, (_, t) => {
      const k = offset[t];
      const p = truth.pInf - (truth.pInf - truth.p0) * Math.exp(-k / truth.tau);
      return rng.bernoulli(p) ? betterAction[t] : 1 - betterAction[t];
    });
    const rewards = new Int8Array(n).fill(0);
    const { recovery, curve } = analyzeReversalAdaptation({ choices, rewards, betterAction, reversal, sessionIds });
    expect(curve.counts[5]).toBe(40 * 9);
    expect(recovery.p0).toBeCloseTo(truth.p0, 1);
    expect(recovery.pInf).toBeCloseTo(truth.pInf, 1);
    expect(Math.abs(recovery.tau - truth.tau)).toBeLessThan(0.6);
  });

  it('infers reversals from changes of betterAction when the reversal column is absent', () => {
    const { n, betterAction, sessionIds } = blockSchedule(1, 3, 10);
    const result = analyzeReversalAdaptation({ choices: betterAction, rewards: new Int8Array(n), betterAction, sessionIds });
    expect(result.nReversals).toBe(2);
    expect(result.curve.pBetter[5]).toBe(1);
  });

  it('stopAtNextReversal keeps offsets of a short block out of the neighbouring block', () => {
    const { n, betterAction, reversal, sessionIds } = blockSchedule(1, 3, 4);
    const columns = { choices: betterAction, rewards: new Int8Array(n), betterAction, reversal, sessionIds };
    const stopped = analyzeReversalAdaptation(columns, { before: 5, after: 6 });
    // Reversals at 4 and 8 in a 12-trial session: offsets −4..3 twice (trials 0..11), never −5
    // (trial 3 is behind the reversal at 4) nor 4.. (the next reversal or the session end).
    expect(Array.from(stopped.curve.counts)).toEqual([0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0]);
    const unstopped = analyzeReversalAdaptation(columns, { before: 5, after: 6, stopAtNextReversal: false });
    expect(unstopped.curve.counts[5 + 6]).toBe(1);
  });

  it('rejects a criterion larger than its window', () => {
    expect(() => analyzeReversalAdaptation({ choices: [0], rewards: [0], betterAction: [0] }, { criterionCount: 6 })).toThrow('criterionCount must be an integer in [1, 5], got 6');
  });
});

describe('fitExponentialRecovery and winStayLoseShift', () => {
  it('fitExponentialRecovery(k, p) returns the exact parameters of a noiseless curve', () => {
    const k = Array.from({ length: 21 }, (_, i) => i);
    const p = k.map((x) => 0.9 - (0.9 - 0.3) * Math.exp(-x / 2.5));
    const fit = fitExponentialRecovery(k, p);
    expect(fit.tau).toBeCloseTo(2.5, 6);
    expect(fit.p0).toBeCloseTo(0.3, 6);
    expect(fit.pInf).toBeCloseTo(0.9, 6);
    expect(fit.sse).toBeLessThan(1e-12);
  });

  it('winStayLoseShift(columns) counts stays after wins and switches after losses within sessions', () => {
    const result = winStayLoseShift({
      choices: [0, 0, 1, 1, -1, 0, 1],
      rewards: [1, 0, 1, 0, -1, 1, 0],
      sessionIds: [0, 0, 0, 0, 0, 0, 1],
    });
    // pairs: (0,1) win stay, (1,2) lose shift, (2,3) win stay, (3,4) missed, (4,5) missed, (5,6) new session.
    expect(result).toEqual({ winStay: 1, loseShift: 1, nWin: 2, nLose: 1 });
  });
});
