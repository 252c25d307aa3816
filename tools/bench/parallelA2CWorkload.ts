/**
 * The `a2c` workload of shared/bench/WORKLOADS.md through ParallelA2C (actors/parallel): the
 * 64 sessions cut into shards (default two of 32: fewer, larger shards pay the per-trial JavaScript
 * of closed-loop play fewer times), played and differentiated on `threads` threads, the
 * caller summing, clipping and stepping Adam. Same model, loss and figure as `a2cWorkload`.
 */
import { ParallelA2C } from '../../actors/parallel/parallelA2C.js';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { validateDevelopmentalConfig } from '../../src/model/config.js';
import { A2C_B, A2C_T } from './learningWorkloads.js';

/** A ParallelA2C engine on the workload, ready: `step` takes one update. */
export async function parallelA2CStepper({ threads, shardSessions = 32 }: { threads: number; shardSessions?: number }): Promise<{ step: () => Promise<unknown>; close: () => Promise<void> }> {
  const config = validateDevelopmentalConfig({
    stage: 'custom', nHidden: 32, rank: 5, leak: 0.2, targetGamma: 0.4,
    nuclearWeight: 0, effectiveRankWeight: 0, spectralWeight: 1e-2, heterogeneityWeight: 0,
    regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
  });
  const model = new BrainInspiredRNN(config, { nInputs: 4, nOutputs: 2, seed: 3, kernel: 'wasm', dtype: 'float32' });
  const engine = new ParallelA2C(model, {
    task: { type: 'reversal', options: { pHigh: 0.8, pLow: 0.2, blockLengthMin: 20, blockLengthMax: 40 } },
    nSessions: A2C_B, nTrials: A2C_T, seed: 3, threads, shardSessions,
    learningRate: 1e-3, discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05, clipNorm: 1, regularize: true,
  });
  // Workers load (compiling TypeScript under tsx) before any timed update.
  await engine.ready();
  return { step: () => engine.update(1), close: () => engine.close() };
}
