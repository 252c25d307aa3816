/**
 * The model and data of the `train` workload of shared/bench/WORKLOADS.md: a low-rank network with
 * N = 32, rank 8, leak 0.2, 4 inputs, 2 outputs and the developmental loss's weights, and B × 150
 * trials of random actions and rewards encoded as one-hot previous action, previous reward, 1.
 */
import { BrainInspiredRNN, createRandom, validateDevelopmentalConfig, type SequenceBatch } from '../../src/index.js';
import type { LowRankKernelName } from '../../src/model/brainInspiredRnn.js';

export const TRAIN_N = 32, TRAIN_RANK = 8, TRAIN_INPUTS = 4, TRAIN_OUTPUTS = 2, TRAIN_LEAK = 0.2;
export const TRAIN_B = 80, TRAIN_T = 150;

/**
 * @example
 * const model = trainWorkloadModel(0, { kernel: 'wasm', dtype: 'float32' });
 */
export function trainWorkloadModel(seed: number, { kernel, dtype }: { kernel: LowRankKernelName; dtype: 'float32' | 'float64' }): BrainInspiredRNN {
  const config = validateDevelopmentalConfig({
    stage: 'custom', nHidden: TRAIN_N, rank: TRAIN_RANK, leak: TRAIN_LEAK, targetGamma: 0.4,
    nuclearWeight: 1e-3, effectiveRankWeight: 1e-3, spectralWeight: 1e-2, heterogeneityWeight: 1e-3,
    regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
  });
  return new BrainInspiredRNN(config, { nInputs: TRAIN_INPUTS, nOutputs: TRAIN_OUTPUTS, seed, kernel, dtype });
}

/**
 * @example
 * const batch = trainWorkloadBatch(1); // 80 sessions × 150 trials
 */
export function trainWorkloadBatch(seed: number, nSessions = TRAIN_B): SequenceBatch {
  const rng = createRandom(seed);
  const inputs = new Float64Array(nSessions * TRAIN_T * TRAIN_INPUTS);
  const targets = new Int32Array(nSessions * TRAIN_T);
  for (let b = 0; b < nSessions; b++) {
    for (let t = 0; t < TRAIN_T; t++) {
      const row = b * TRAIN_T + t;
      targets[row] = rng.integer(0, 1);
      const reward = rng.bernoulli(0.5) ? 1 : 0;
      inputs[row * TRAIN_INPUTS + 3] = 1;
      if (t + 1 < TRAIN_T) {
        const next = (row + 1) * TRAIN_INPUTS;
        inputs[next + targets[row]] = 1;
        inputs[next + 2] = reward;
      }
    }
  }
  return { nSessions, nTrials: TRAIN_T, nInputs: TRAIN_INPUTS, inputs, targets };
}
