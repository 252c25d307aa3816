import { describe, expect, it } from 'vitest';
import { summarizeSample, welchTest } from '../src/experiments/statistics.js';
import { analyzeLearningDynamics } from '../src/experiments/learningDynamics.js';
import type { TrainingHistory } from '../src/training/trainer.js';

/** Two-sided tail probability of Student's t by quadrature of the unnormalised density (x = tan θ). */
function studentTwoSidedP(t: number, df: number): number {
  const density = (theta: number) => {
    const x = Math.tan(theta);
    return (1 + (x * x) / df) ** (-(df + 1) / 2) / Math.cos(theta) ** 2;
  };
  const simpson = (a: number, b: number, n = 20000) => {
    const h = (b - a) / n;
    let sum = density(a) + density(b);
    for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * density(a + i * h);
    return (sum * h) / 3;
  };
  const edge = Math.PI / 2 - 1e-9;
  return (2 * simpson(Math.atan(Math.abs(t)), edge)) / simpson(-edge, edge);
}

describe('summarizeSample', () => {
  it('summarizeSample([1..5]) gives the t interval 3 ± t(0.975, 4) · √2.5 / √5', () => {
    const s = summarizeSample([1, 2, 3, 4, 5]);
    const half = 2.7764451051977987 * Math.sqrt(2.5 / 5); // t quantile from statistical tables
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.ciLow).toBeCloseTo(3 - half, 8);
    expect(s.ciHigh).toBeCloseTo(3 + half, 8);
  });

  it('summarizeSample drops non-finite values and has no interval below two values', () => {
    expect(summarizeSample([2, NaN, 4, Infinity]).n).toBe(2);
    expect(summarizeSample([2, NaN, 4]).mean).toBe(3);
    const single = summarizeSample([7]);
    expect(single.mean).toBe(7);
    expect(single.ciLow).toBeNaN();
    expect(summarizeSample([]).mean).toBeNaN();
  });

  it('summarizeSample rejects a level outside (0, 1), naming it', () => {
    expect(() => summarizeSample([1, 2], { level: 1 })).toThrow(/level/);
  });
});

describe('welchTest', () => {
  const a = [1, 2, 3, 4];
  const b = [2, 4, 6, 8, 10];

  it('welchTest(a, b) matches the closed-form Welch t and Welch–Satterthwaite df', () => {
    const se2 = 5 / 3 / 4 + 10 / 5; // s_a²/n_a + s_b²/n_b
    const test = welchTest(a, b);
    expect(test.difference).toBe(3.5);
    expect(test.statistic).toBeCloseTo(3.5 / Math.sqrt(se2), 10);
    expect(test.df).toBeCloseTo(se2 ** 2 / ((5 / 3 / 4) ** 2 / 3 + 2 ** 2 / 4), 8);
    expect(test.effectSize).toBeCloseTo(3.5 / Math.sqrt((5 / 3 + 10) / 2), 10);
  });

  it('welchTest p-value equals the quadrature of the t density (scipy gives 0.0691)', () => {
    const test = welchTest(a, b);
    expect(test.pValue).toBeCloseTo(studentTwoSidedP(test.statistic, test.df), 6);
    expect(test.pValue).toBeCloseTo(0.06913, 4);
  });

  it('welchTest is antisymmetric in its samples', () => {
    const forward = welchTest(a, b);
    const backward = welchTest(b, a);
    expect(backward.statistic).toBeCloseTo(-forward.statistic, 12);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
  });

  it('welchTest has no p-value for a single value or two constant samples', () => {
    expect(welchTest([1], [2, 3]).pValue).toBeNaN();
    const constant = welchTest([1, 1, 1], [2, 2, 2]);
    expect(constant.pValue).toBeNaN();
    expect(constant.difference).toBe(1);
    expect(constant.effectSize).toBe(Infinity);
  });
});

describe('analyzeLearningDynamics', () => {
  const history = (validation: number[]): TrainingHistory => ({
    epochs: validation.map((v, epoch) => ({ epoch, trainLoss: v + 0.1, trainNll: v, validationNll: v, warmup: 1 })),
    bestEpoch: validation.indexOf(Math.min(...validation)),
    bestValidationNll: Math.min(...validation),
    stoppedEarly: false,
  });

  it('analyzeLearningDynamics(history) converges at the first epoch within 1% of the best validation NLL', () => {
    const d = analyzeLearningDynamics(history([1, 0.8, 0.7, 0.605, 0.6, 0.61]));
    expect(d.convergenceEpoch).toBe(3); // 0.605 ≤ 0.6 · 1.01
    expect(d.convergenceLoss).toBe('validation');
    expect(d.bestLoss).toBe(0.6);
    expect(d.finalLoss).toBe(0.61);
  });

  it('analyzeLearningDynamics stability is the relative sd of the last window of losses', () => {
    const d = analyzeLearningDynamics(history([1, 0.9, 0.5, 0.7]), { window: 2 });
    const last = [0.5, 0.7];
    const mean = 0.6;
    const sd = Math.sqrt(last.reduce((s, v) => s + (v - mean) ** 2, 0));
    expect(d.validationLossStability).toBeCloseTo(sd / mean, 12);
    expect(d.trainLossStability).toBeCloseTo(sd / 0.7, 12);
  });

  it('analyzeLearningDynamics falls back to the training loss without validation data', () => {
    const d = analyzeLearningDynamics(history([NaN, NaN, NaN]));
    expect(d.convergenceLoss).toBe('train');
    expect(d.validationLossStability).toBeNaN();
  });
});
