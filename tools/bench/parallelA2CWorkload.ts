/**
 * The `a2c` workload of shared/bench/WORKLOADS.md through ParallelA2C (actors/parallel): the
 * 64 sessions cut into shards (default two of 32: fewer, larger shards pay the per-trial JavaScript
 * of closed-loop play fewer times), played and differentiated on `threads` threads, the
 * caller summing, clipping and stepping Adam. Same model, loss and figure as `a2cWorkload`.
 */
import { ParallelA2C } from '../../actors/parallel/parallelA2C.js';
import { A2C_B, A2C_OPTIONS, A2C_T, a2cWorkloadModel } from './learningWorkloads.js';

/** A ParallelA2C engine on the workload, ready: `step` takes one update. */
export async function parallelA2CStepper({ threads, shardSessions = 32 }: { threads: number; shardSessions?: number }): Promise<{ step: () => Promise<unknown>; close: () => Promise<void> }> {
  const engine = new ParallelA2C(a2cWorkloadModel({ kernel: 'wasm', dtype: 'float32' }), {
    task: { type: 'reversal', options: { pHigh: 0.8, pLow: 0.2, blockLengthMin: 20, blockLengthMax: 40 } },
    nSessions: A2C_B, nTrials: A2C_T, seed: 3, threads, shardSessions, ...A2C_OPTIONS,
  });
  // Workers load (compiling TypeScript under tsx) before any timed update.
  await engine.ready();
  return { step: () => engine.update(1), close: () => engine.close() };
}
