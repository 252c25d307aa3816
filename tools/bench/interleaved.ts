/**
 * Timing variants of one workload in turn, one call of each per round, so that a drift in the load
 * of a shared machine falls on all of them alike: a ratio of two variants timed one after the other
 * in windows of a tenth of a second swung from 1.10× to 1.88× between two quiet runs.
 */
import { performance } from 'node:perf_hooks';

export const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seconds per call of each step: the median (what targets are judged by) and the fastest call. */
export interface InTurnTimes {
  median: number[];
  /**
   * The fastest call of each step: the cost with the least interference from the rest of the host,
   * a reference beside the median on a shared VM (never what a target is judged by).
   */
  fastest: number[];
  /** Every timed call, per step and round (seconds): round r of step i is `times[i][r]`. */
  times: number[][];
}

/**
 * Median and fastest seconds per call of each step, after `warmup` untimed rounds.
 * @example
 * const { median, fastest } = await timeInTurnDetailed([() => a.step(), () => b.step()], { repeats: 40, warmup: 5 });
 */
export async function timeInTurnDetailed(steps: readonly (() => unknown)[], { repeats, warmup }: { repeats: number; warmup: number }): Promise<InTurnTimes> {
  const times = steps.map(() => [] as number[]);
  for (let round = 0; round < warmup + repeats; round++) {
    for (let i = 0; i < steps.length; i++) {
      const start = performance.now();
      await steps[i]();
      if (round >= warmup) times[i].push((performance.now() - start) / 1000);
    }
  }
  return { median: times.map(median), fastest: times.map((t) => Math.min(...t)), times };
}

/**
 * The first, second and third quartile of the round-by-round ratio `times[a][r] / times[b][r]`:
 * how far one round's comparison of two steps timed in turn strays from another's.
 * @example
 * const [q1, q2, q3] = roundRatioQuartiles(times, 0, 1);
 */
export function roundRatioQuartiles(times: readonly (readonly number[])[], a: number, b: number): [number, number, number] {
  const ratios = times[a].map((t, round) => t / times[b][round]).sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  return [at(0.25), at(0.5), at(0.75)];
}

/**
 * The median seconds per call of each step, after `warmup` untimed rounds.
 * @example
 * const [one, two] = await timeInTurn([() => a.step(), () => b.step()], { repeats: 40, warmup: 5 });
 */
export async function timeInTurn(steps: readonly (() => unknown)[], options: { repeats: number; warmup: number }): Promise<number[]> {
  return (await timeInTurnDetailed(steps, options)).median;
}
