/**
 * The `a2c` workload of shared/bench/WORKLOADS.md through ParallelA2C (actors/parallel): the
 * 64 sessions cut into shards (default two of 32: fewer, larger shards pay the per-trial JavaScript
 * of closed-loop play fewer times), played and differentiated on `threads` threads, the
 * caller summing, clipping and stepping Adam. Same model, loss and figure as `a2cWorkload`.
 */
import { performance } from 'node:perf_hooks';
import { ParallelA2C } from '../../actors/parallel/parallelA2C.js';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { validateDevelopmentalConfig } from '../../src/model/config.js';
import type { LearningWorkloadResult } from './learningWorkloads.js';

/**
 * @example
 * const { trial_steps_per_s } = await parallelA2CWorkload({ threads: 2 });
 */
export async function parallelA2CWorkload({ threads, repeats = 20, warmup = 3, shardSessions = 32 }: { threads: number; repeats?: number; warmup?: number; shardSessions?: number }): Promise<LearningWorkloadResult> {
  const B = 64, T = 150;
  const config = validateDevelopmentalConfig({
    stage: 'custom', nHidden: 32, rank: 5, leak: 0.2, targetGamma: 0.4,
    nuclearWeight: 0, effectiveRankWeight: 0, spectralWeight: 1e-2, heterogeneityWeight: 0,
    regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
  });
  const model = new BrainInspiredRNN(config, { nInputs: 4, nOutputs: 2, seed: 3, kernel: 'wasm', dtype: 'float32' });
  const engine = new ParallelA2C(model, {
    task: { type: 'reversal', options: { pHigh: 0.8, pLow: 0.2, blockLengthMin: 20, blockLengthMax: 40 } },
    nSessions: B, nTrials: T, seed: 3, threads, shardSessions,
    learningRate: 1e-3, discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05, clipNorm: 1, regularize: true,
  });
  try {
    // Workers load (compiling TypeScript under tsx) before any timed update.
    await engine.ready();
    const times: number[] = [];
    for (let i = 0; i < warmup + repeats; i++) {
      const start = performance.now();
      await engine.update(1);
      if (i >= warmup) times.push((performance.now() - start) / 1000);
    }
    const step = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    return { median_s: step, trial_steps_per_s: (B * T) / step };
  } finally {
    await engine.close();
  }
}
