import { describe, expect, it } from 'vitest';
import { roundRatioQuartiles, timeInTurnDetailed } from '../../tools/bench/interleaved.js';

describe('roundRatioQuartiles', () => {
  it('takes the ratio round by round, not of the two medians', () => {
    // Step 0 is 2× slower than step 1 in every round, though the rounds themselves drift 1..8×.
    const one = [2, 4, 8, 16, 2, 4, 8, 16];
    const two = [1, 2, 4, 8, 1, 2, 4, 8];
    expect(roundRatioQuartiles([one, two], 0, 1)).toEqual([2, 2, 2]);
  });

  it('gives the quartiles of an uneven spread', () => {
    const one = [1, 2, 3, 4, 5, 6, 7, 8];
    const two = [1, 1, 1, 1, 1, 1, 1, 1];
    expect(roundRatioQuartiles([one, two], 0, 1)).toEqual([3, 5, 7]);
    // The other way round, 1/8 .. 1: the same positions of the sorted ratios.
    expect(roundRatioQuartiles([two, one], 0, 1)).toEqual([1 / 6, 1 / 4, 1 / 2]);
  });
});

describe('timeInTurnDetailed', () => {
  it('keeps every timed round of every step, after the warm-up rounds', async () => {
    let calls = 0;
    const { times, median, fastest } = await timeInTurnDetailed([() => calls++, () => calls++], { repeats: 5, warmup: 2 });
    expect(calls).toBe(14);
    expect(times.map((t) => t.length)).toEqual([5, 5]);
    expect(fastest[0]).toBe(Math.min(...times[0]));
    expect(median[1]).toBe([...times[1]].sort((a, b) => a - b)[2]);
  });
});
