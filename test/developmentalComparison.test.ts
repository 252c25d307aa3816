import { describe, expect, it } from 'vitest';
import { createMatureConfig, createPrematureConfig, TaskDataset } from '../src/index.js';
import {
  COMPARISON_METRICS,
  planDevelopmentalComparison,
  runDevelopmentalComparison,
  trainDevelopmentalCell,
  toComparisonResults,
  type DevelopmentalComparisonOptions,
} from '../src/experiments/developmentalComparison.js';
import { evaluateExpectedResults, judgeDirection, meanInRange } from '../src/experiments/expectedResults.js';
import { summarizeSample, welchTest, type TwoSampleTest } from '../src/experiments/statistics.js';
import { parseComparisonResults } from '../src/figures/comparisonResults.js';

const nHidden = 12;
const premature = createPrematureConfig({ nHidden });
const mature = createMatureConfig({ nHidden });
const tiny: DevelopmentalComparisonOptions = { nEpochs: 2, seeds: 2, trainingConfig: { batchSize: 4 }, evaluation: { nSessions: 8, nTrials: 80 } };

describe('runDevelopmentalComparison', () => {
  const reversal = new TaskDataset('reversal', { nSessions: 10, trialsPerSession: 40, seed: 3 });
  const results = runDevelopmentalComparison(reversal, premature, mature, tiny);

  it('runDevelopmentalComparison on a tiny reversal data set returns finite, well-formed results per stage', () => {
    expect(results.task).toBe('reversal');
    expect(results.seeds).toEqual([0, 1]);
    for (const stage of [results.premature, results.mature]) {
      expect(stage.runs).toHaveLength(2);
      for (const run of stage.runs) {
        expect(run.singularValues).toHaveLength(nHidden);
        expect(run.learningCurve.validationNll.length).toBeGreaterThan(0);
        expect(run.reversalCurve.offsets).toHaveLength(26); // −5 .. +20
        expect(run.stayTable).toBeUndefined();
      }
      for (const metric of COMPARISON_METRICS) {
        expect(stage.values[metric]).toHaveLength(2);
        const expectFinite = metric !== 'modelBasedIndex' && metric !== 'modelFreeIndex';
        for (const v of stage.values[metric]) expect(Number.isFinite(v)).toBe(expectFinite);
      }
    }
    for (const metric of ['effectiveRank', 'svDecayGamma', 'responseHeterogeneity', 'pBetterAfterReversal', 'testNll'] as const) {
      expect(Number.isFinite(results.tests[metric].pValue)).toBe(true);
    }
  });

  it('runDevelopmentalComparison summaries and tests are those of the per-seed values', () => {
    const metric = 'effectiveRank';
    expect(results.mature.summary[metric]).toEqual(summarizeSample(results.mature.values[metric]));
    expect(results.tests[metric]).toEqual(welchTest(results.premature.values[metric], results.mature.values[metric]));
    // Rank caps: W_rec = m nᵀ + M Nᵀ has rank ≤ rank + 1, so D(W) cannot exceed it.
    for (const v of results.mature.values.effectiveRank) expect(v).toBeLessThanOrEqual(mature.rank + 1 + 1e-9);
  });

  it('runDevelopmentalComparison is reproducible from its seeds', () => {
    const again = runDevelopmentalComparison(reversal, premature, mature, { ...tiny, seeds: [1] });
    expect(again.premature.runs[0].metrics).toEqual(results.premature.runs[1].metrics);
  });

  it('runDevelopmentalComparison on two-stage reports the model-based index and stay tables', () => {
    const twoStage = new TaskDataset('two_stage', { nSessions: 8, trialsPerSession: 40, seed: 5 });
    const r = runDevelopmentalComparison(twoStage, premature, mature, tiny);
    for (const run of r.mature.runs) {
      expect(Number.isFinite(run.metrics.modelBasedIndex)).toBe(true);
      expect(Object.values(run.stayTable!).every((p) => p >= 0 && p <= 1)).toBe(true);
    }
    const verdicts = Object.fromEntries(evaluateExpectedResults(r).map((e) => [e.row.metric, e.verdict]));
    expect(verdicts.recoveryTau).toBe('not measured');
    expect(verdicts.modelBasedIndex).not.toBe('not measured');
  });

  it('toComparisonResults(results) is a valid figure input after a JSON round trip, one config per stage', () => {
    const figure = parseComparisonResults(JSON.parse(JSON.stringify(toComparisonResults(results))));
    expect(figure.task).toBe('reversal');
    expect(figure.configs.map((c) => c.name)).toEqual(['premature', 'mature']);
    const first = figure.configs[1].seeds[0];
    expect(first.effectiveRank).toBe(results.mature.runs[0].metrics.effectiveRank);
    expect(first.singularValues).toEqual(results.mature.runs[0].singularValues);
    expect(first.learningCurve!.validationLoss).toEqual(results.mature.runs[0].learningCurve.validationNll);
    expect(first.reversalCurve!.offsets).toHaveLength(26);
    expect(first.stayProbabilities).toBeUndefined();
  });

  it("precision 'float32' trains on the SIMD kernel and gives the float64 comparison's numbers to float32 tolerance", () => {
    expect(results.precision).toBe('float64');
    const options = { ...tiny, precision: 'float32' as const };
    const float32 = runDevelopmentalComparison(reversal, premature, mature, options);
    expect(float32.precision).toBe('float32');
    const { model } = trainDevelopmentalCell(planDevelopmentalComparison(reversal, premature, mature, options), 0, 'mature');
    expect([model.kernel, model.parameters.dtype]).toEqual(['wasm', 'float32']);
    // What the weights and the held-out NLL give (the closed-loop metrics sample actions, where a
    // probability 1e-7 away may rarely pick the other one).
    for (const stage of ['premature', 'mature'] as const) {
      for (const [i, run] of float32[stage].runs.entries()) {
        for (const metric of ['effectiveRank', 'svDecayGamma', 'nuclearNorm', 'testNll', 'testAccuracy'] as const) {
          const reference = results[stage].runs[i].metrics[metric];
          expect(Math.abs(run.metrics[metric] - reference), `${stage} seed ${i} ${metric}`).toBeLessThanOrEqual(1e-3 * Math.abs(reference) + 1e-6);
        }
      }
    }
  });

  it('precision is checked: a name it does not know, and float64 on the online route, are refused', () => {
    expect(() => runDevelopmentalComparison(reversal, premature, mature, { ...tiny, precision: 'float16' as 'float32' })).toThrow("precision must be 'float32' or 'float64', got float16");
    expect(() => runDevelopmentalComparison(reversal, premature, mature, { ...tiny, trainer: 'online', online: { episodes: 1 }, precision: 'float64' })).toThrow(
      "precision 'float64' applies to the supervised route only",
    );
  });

  it("runDevelopmentalComparison with trainer 'online' needs its options and rejects bad ones", () => {
    expect(() => runDevelopmentalComparison(reversal, premature, mature, { ...tiny, trainer: 'online' })).toThrow("trainer 'online' needs options.online");
    expect(() => runDevelopmentalComparison(reversal, premature, mature, { ...tiny, seeds: 0 })).toThrow(/seeds/);
    expect(() => runDevelopmentalComparison(reversal, premature, mature, { ...tiny, trainer: 'online', online: { episodes: 0 } })).toThrow(
      'episodes must be an integer >= 1, got 0',
    );
  });

  it("runDevelopmentalComparison with trainer 'online' trains by A2C and measures the weights and the frozen play", () => {
    const online = runDevelopmentalComparison(reversal, premature, mature, {
      ...tiny,
      trainer: 'online',
      online: { episodes: 6, nSessions: 8, nTrials: 40, blockEpisodes: 3 },
    });
    const run = online.mature.runs[0];
    expect(run.learningCurve.trainLoss).toHaveLength(2);
    expect(run.learningCurve.trainNll).toEqual([]);
    expect(online.trainer).toBe('online');
    expect(online.precision).toBe('float32');
    expect(toComparisonResults(online).learningCurveAxes).toEqual({ x: 'block of 3 episodes', y: 'A2C loss (with regularisers)' });
    expect(toComparisonResults(results).learningCurveAxes).toBeUndefined();
    expect(Number.isNaN(run.metrics.testNll)).toBe(true);
    for (const metric of ['effectiveRank', 'svDecayGamma', 'nuclearNorm', 'responseHeterogeneity', 'activityDimensionality', 'meanReward'] as const) {
      expect(Number.isFinite(run.metrics[metric]), metric).toBe(true);
    }
    // The mature network's W_rec has rank at most 5 + 1.
    expect(run.singularValues.filter((s) => s > 1e-6 * run.singularValues[0]).length).toBeLessThanOrEqual(6);
    // Seeds give different networks; the same seed, the same one (reproducible).
    expect(online.premature.runs[0].metrics.nuclearNorm).not.toBe(online.premature.runs[1].metrics.nuclearNorm);
    const again = runDevelopmentalComparison(reversal, premature, mature, { ...tiny, seeds: [0], trainer: 'online', online: { episodes: 6, nSessions: 8, nTrials: 40 } });
    expect(again.premature.runs[0].metrics.nuclearNorm).toBe(online.premature.runs[0].metrics.nuclearNorm);
  });
});

describe('expected-results verdicts', () => {
  const test = (difference: number, pValue: number): TwoSampleTest => ({ statistic: NaN, df: NaN, pValue, difference, effectSize: NaN });

  it('judgeDirection says held for the predicted sign with p < 0.05', () => {
    expect(judgeDirection('mature lower', test(-2.9, 1e-6))).toBe('held');
    expect(judgeDirection('mature higher', test(0.2, 0.01))).toBe('held');
  });

  it('judgeDirection says did not hold for the opposite sign with p < 0.05', () => {
    expect(judgeDirection('mature higher', test(-0.1, 0.001))).toBe('did not hold');
    expect(judgeDirection('mature lower', test(3, 0.049))).toBe('did not hold');
  });

  it('judgeDirection is inconclusive when p ≥ 0.05 or there is no p-value', () => {
    expect(judgeDirection('mature higher', test(0.5, 0.05))).toBe('inconclusive at this sample size');
    expect(judgeDirection('mature higher', test(-0.5, 0.3))).toBe('inconclusive at this sample size');
    expect(judgeDirection('mature higher', test(0.5, NaN))).toBe('inconclusive at this sample size');
    expect(judgeDirection('mature higher', test(NaN, NaN))).toBe('not measured');
  });

  it('meanInRange checks a stage mean against the closed predicted range', () => {
    expect(meanInRange(summarizeSample([7, 8]), [7, 8])).toBe(true);
    expect(meanInRange(summarizeSample([4.9, 5]), [5, 6])).toBe(false);
    expect(meanInRange(summarizeSample([NaN]), [5, 6])).toBeUndefined();
  });
});
