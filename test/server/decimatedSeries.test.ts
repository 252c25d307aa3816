import { describe, expect, it } from 'vitest';
import { DecimatedSeries } from '../../src/protocol/decimatedSeries.js';

describe('DecimatedSeries', () => {
  it('push() past capacity merges pairs into count-weighted means with the later x', () => {
    const series = new DecimatedSeries({ names: ['p'], capacity: 4 });
    series.push(10, { p: 0.2 }, 10);
    series.push(20, { p: 0.4 }, 10);
    series.push(30, { p: 1 }, 30);
    series.push(40, { p: null }, 10);
    expect(series.push(50, { p: 0.5 }, 20)).toBe(true);
    expect(series.x).toEqual([20, 40, 50]);
    expect(series.count).toEqual([20, 40, 20]);
    // (0.2·10 + 0.4·10)/20; a missing value takes the other one; the odd last entry stays.
    expect(series.values.p).toEqual([(0.2 * 10 + 0.4 * 10) / 20, 1, 0.5]);
  });

  it('append(columns(from)) of one series into another gives the same entries; NaN becomes null', () => {
    const a = new DecimatedSeries({ names: ['loss', 'gain'], capacity: 100 });
    for (let i = 0; i < 7; i++) a.push(i, { loss: i / 2, gain: i === 3 ? Number.NaN : -i });
    const b = new DecimatedSeries({ names: ['loss', 'gain'], capacity: 100 });
    b.append(a.columns(0));
    expect(b.columns()).toEqual(a.columns());
    expect(a.columns(5)).toEqual({ x: [5, 6], count: [1, 1], values: { loss: [2.5, 3], gain: [-5, -6] } });
    expect(a.values.gain[3]).toBeNull();
  });

  it('rejects a capacity below 2', () => {
    expect(() => new DecimatedSeries({ names: [], capacity: 1 })).toThrow('capacity must be an integer ≥ 2, got 1');
  });
});
