/**
 * The two learning workloads of shared/bench/WORKLOADS.md that `npm run bench` measures beside
 * `train` and `online`:
 * - `a2c`: one meta-RL update (Wang et al. 2018) as the live trainer runs it: a closed-loop rollout
 *   of 64 reversal sessions × 150 trials (p 0.8 / 0.2, blocks of U{20..40} trials) by a low-rank
 *   N = 32, rank-5 network, then A2C (discount 0.9, value 0.05, entropy 0.05) plus 1e-2 × the
 *   spectral loss over the top 6 singular values, BPTT, clip 1, Adam 1e-3;
 * - `gru_fit`: one full-batch step of fitting a TinyGRU (H = 4) to 128 × 200 fixed choices with
 *   10% of trials missed: masked cross-entropy, clip 1, Adam 1e-2.
 * Each figure is trial-steps per second from the median of 20 timed repeats after 3 warm-ups.
 */
import { performance } from 'node:perf_hooks';
import { BrainInspiredRNN, type LowRankKernelName } from '../../src/model/brainInspiredRnn.js';
import { validateDevelopmentalConfig } from '../../src/model/config.js';
import { TinyGRU, type TinyGRUKernelName } from '../../src/model/tinyGru.js';
import { createRandom } from '../../src/random.js';
import { ReversalLearningTask } from '../../src/tasks/reversal.js';
import { A2CTrainer } from '../../src/training/a2cTrainer.js';
import { playEpisode } from '../../src/training/playEpisode.js';
import { Trainer } from '../../src/training/trainer.js';
import { median } from './interleaved.js';

export interface LearningWorkloadResult {
  median_s: number;
  trial_steps_per_s: number;
}

/** Sessions and trials of the `a2c` workload. */
export const A2C_B = 64, A2C_T = 150;


function timed(repeats: number, warmup: number, step: (i: number) => void): number {
  const times: number[] = [];
  for (let i = 0; i < warmup + repeats; i++) {
    const start = performance.now();
    step(i);
    if (i >= warmup) times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

/** The `a2c` workload's network: N = 32, rank 5, the spectral loss alone among the regularisers. */
export function a2cWorkloadModel({ kernel, dtype }: { kernel: LowRankKernelName; dtype: 'float32' | 'float64' }): BrainInspiredRNN {
  const config = validateDevelopmentalConfig({
    stage: 'custom', nHidden: 32, rank: 5, leak: 0.2, targetGamma: 0.4,
    nuclearWeight: 0, effectiveRankWeight: 0, spectralWeight: 1e-2, heterogeneityWeight: 0,
    regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
  });
  return new BrainInspiredRNN(config, { nInputs: 4, nOutputs: 2, seed: 3, kernel, dtype });
}

/** The `a2c` workload's A2C settings (Wang et al. 2018's), for A2CTrainer and ParallelA2C alike. */
export const A2C_OPTIONS = { learningRate: 1e-3, discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05, clipNorm: 1, regularize: true };

/**
 * The `a2c` workload on one kernel as a step function: one rollout plus update per call, timed
 * together as in the PyTorch reference.
 * @example
 * const step = a2cStepper({ kernel: 'wasm', dtype: 'float32' }); step();
 */
export function a2cStepper({ kernel, dtype }: { kernel: LowRankKernelName; dtype: 'float32' | 'float64' }): () => void {
  const model = a2cWorkloadModel({ kernel, dtype });
  const trainer = new A2CTrainer(model, A2C_OPTIONS);
  const rng = createRandom(3);
  let i = 0;
  return () => {
    const task = new ReversalLearningTask({ nSessions: A2C_B, rng: createRandom(100 + i++), pHigh: 0.8, pLow: 0.2, blockLengthMin: 20, blockLengthMax: 40 });
    trainer.update(playEpisode(model, task, { nTrials: A2C_T, rng }), 1);
  };
}

/**
 * The `a2c` workload on one kernel.
 * @example
 * const { trial_steps_per_s } = a2cWorkload({ kernel: 'wasm', dtype: 'float32' });
 */
export function a2cWorkload({ kernel, dtype, repeats = 20, warmup = 3 }: { kernel: LowRankKernelName; dtype: 'float32' | 'float64'; repeats?: number; warmup?: number }): LearningWorkloadResult {
  const step = timed(repeats, warmup, a2cStepper({ kernel, dtype }));
  return { median_s: step, trial_steps_per_s: (A2C_B * A2C_T) / step };
}

/**
 * The `gru_fit` workload: a TinyGRU's full-batch supervised step, by default on the float64 js
 * kernel; `{ kernel: 'wasm', dtype: 'float32' }` measures the WebAssembly SIMD float32 kernel, and
 * `fusedLoss: true` has the Trainer take its gradients from `TinyGRU.crossEntropyGradients` (the
 * loss fused into the kernel) instead of forward, maskedCrossEntropy and backward in turn.
 * @example
 * const { trial_steps_per_s } = gruFitWorkload({ kernel: 'wasm', dtype: 'float32', fusedLoss: true });
 */
export function gruFitWorkload({ kernel = 'js', dtype = 'float64', repeats = 20, warmup = 3 }: {
  kernel?: TinyGRUKernelName; dtype?: 'float32' | 'float64'; repeats?: number; warmup?: number;
} = {}): LearningWorkloadResult {
  const B = 128, T = 200, nIn = 4;
  const rng = createRandom(4);
  const inputs = new Float64Array(B * T * nIn);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let action = 0, reward = 0;
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      if (t > 0) {
        inputs[row * nIn + action] = 1;
        inputs[row * nIn + 2] = reward;
      }
      inputs[row * nIn + 3] = 1;
      action = rng.integer(0, 1);
      reward = rng.bernoulli(0.5) ? 1 : 0;
      // 10% of trials missed: no target (their input still encodes the trial before).
      targets[row] = rng.uniform() < 0.1 ? -1 : action;
    }
  }
  const model = new TinyGRU({ nHidden: 4, nInputs: nIn, nOutputs: 2, seed: 4, kernel, dtype });
  // The Trainer's own path: on the wasm kernel, forward, masked cross-entropy and BPTT in one call.
  const trainer = new Trainer(model, { learningRate: 1e-2, clipNorm: 1, nEpochs: 1, batchSize: B, regularize: false });
  const batch = { nSessions: B, nTrials: T, nInputs: nIn, inputs, targets };
  const step = timed(repeats, warmup, () => trainer.step(batch, 0));
  return { median_s: step, trial_steps_per_s: (B * T) / step };
}
