import { describe, expect, it } from 'vitest';
import { printTargetTable, targetMet, type TargetRow } from '../../tools/bench/targetTable.js';

const table = (rows: TargetRow[]) => {
  let text = '';
  printTargetTable(rows, (chunk) => {
    text += chunk;
    return true;
  });
  return text.split('\n').filter((line) => line.startsWith('| '));
};

describe('printTargetTable', () => {
  it('judges a ratio by its medians alone and prints the fastest calls beside it', () => {
    const row: TargetRow = { target: 'a2c: 2 threads / 1 thread', measured: 1.33, goal: 1.7, unit: '×', higherIsBetter: true, fastest: 1.82 };
    expect(targetMet(row)).toBe(false);
    expect(table([row])).toEqual([
      '| target | measured | goal | met | fastest calls (reference) |',
      '| --- | --- | --- | --- | --- |',
      '| a2c: 2 threads / 1 thread | 1.33× | ≥ 1.70× | no | 1.82× |',
    ]);
  });

  it('leaves the reference empty for rows without one, and a size must stay under its goal', () => {
    expect(table([{ target: 'replay peak RSS', measured: 178, goal: 300, unit: 'MB', higherIsBetter: false }]).at(-1)).toBe('| replay peak RSS | 178 MB | < 300 MB | yes |  |');
    expect(table([{ target: 'train / PyTorch', measured: undefined, goal: 5, unit: '×', higherIsBetter: true, note: 'no torch' }]).at(-1)).toBe('| train / PyTorch | not measured (no torch) | ≥ 5.00× | no |  |');
  });
});
