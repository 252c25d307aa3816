import { describe, expect, it } from 'vitest';
import { meanConfidenceInterval, meanCurve, tQuantile975 } from '../../src/figures/meanConfidenceInterval.js';
import { parseComparisonResults } from '../../src/figures/comparisonResults.js';
import { ConfigError } from '../../src/validation.js';
import { syntheticComparisonResults } from './syntheticResults.js';

describe('meanConfidenceInterval', () => {
  it('meanConfidenceInterval([1, 2, 3]) is 2 ± t(0.975, 2) · 1 / √3', () => {
    const { mean, low, high, n } = meanConfidenceInterval([1, 2, 3]);
    expect(n).toBe(3);
    expect(mean).toBe(2);
    expect(high - mean).toBeCloseTo(4.303 / Math.sqrt(3), 12);
    expect(mean - low).toBeCloseTo(4.303 / Math.sqrt(3), 12);
  });

  it('meanConfidenceInterval skips null and NaN, and has zero width for one value', () => {
    expect(meanConfidenceInterval([null, 4, NaN])).toEqual({ mean: 4, low: 4, high: 4, n: 1 });
    const empty = meanConfidenceInterval([null]);
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNaN();
  });

  it('tQuantile975 matches tabulated Student t quantiles beyond the table', () => {
    // Exact t_{0.975} for df = 40, 60, 120 (standard tables).
    expect(tQuantile975(40)).toBeCloseTo(2.0211, 3);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
    expect(Math.abs(tQuantile975(30.5) - 2.042)).toBeLessThan(2e-3);
    expect(tQuantile975(0)).toBeNaN();
  });

  it('meanCurve summarises each index over the curves that reach it', () => {
    const curve = meanCurve([[1, 2, 3], [3, null], [5]]);
    expect(curve.map((c) => c.mean)).toEqual([3, 2, 3]);
    expect(curve.map((c) => c.n)).toEqual([3, 1, 1]);
  });
});

describe('parseComparisonResults', () => {
  it('parseComparisonResults accepts results after a JSON round trip (NaN becomes null)', () => {
    const results = syntheticComparisonResults(2);
    const json = JSON.parse(JSON.stringify({ ...results, configs: results.configs.map((c) => ({ ...c, seeds: c.seeds.map((s) => ({ ...s, learningCurve: { trainLoss: [NaN, 1], validationLoss: [] } })) })) }));
    const parsed = parseComparisonResults(json);
    expect(parsed.configs[0].seeds[0].learningCurve!.trainLoss).toEqual([null, 1]);
    expect(parsed.configs.map((c) => c.name)).toEqual(['premature', 'mature']);
  });

  it('parseComparisonResults names the bad field', () => {
    const bad = { configs: [{ name: 'mature', seeds: [{ seed: 1, singularValues: [1, -2], effectiveRank: 3, responseHeterogeneity: 0.1 }] }] };
    expect(() => parseComparisonResults(bad)).toThrow(ConfigError);
    expect(() => parseComparisonResults(bad)).toThrow(/results\.configs\.0\.seeds\.0\.singularValues\.1/);
    expect(() => parseComparisonResults({ configs: [{ name: 'a', seeds: [] }, { name: 'a', seeds: [] }] })).toThrow(/config names must be unique/);
    expect(() => parseComparisonResults({ configs: [] })).toThrow(/results\.configs/);
  });
});
