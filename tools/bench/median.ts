/**
 * The median the bench reports: the middle of the sorted values (the upper one of the two middles
 * for an even count), so one slow repeat on a shared machine does not move a figure.
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
