/**
 * The online workload of `npm run bench` run through the whole actor pipeline (environment, agent,
 * trainer in frozen mode, analyzer, bus), and the plain batched loop it is compared with:
 * 64 agents × 1000 trials of reversal (p 0.8/0.2, the better action swapping every 30 trials),
 * N = 32 low-rank agent of rank 8.
 */
import { performance } from 'node:perf_hooks';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { RecurrentModel } from '../../src/model/recurrentModel.js';
import { validateDevelopmentalConfig } from '../../src/model/config.js';
import { createRandom } from '../../src/random.js';
import { ReversalLearningTask } from '../../src/tasks/reversal.js';
import { parseScenario, type Scenario } from '../../actors/system/scenario.js';
import { startRun } from '../../actors/system/startRun.js';
import { median } from './interleaved.js';

export interface WorkloadOptions {
  /** Sessions played together (default 64). */
  agents?: number;
  /** Trials per run (default 1000). */
  trials?: number;
  /** Timed runs after one warm-up (default 5). */
  repeats?: number;
}

export interface WorkloadResult {
  trial_steps_per_s: number;
  median_run_s: number;
}

/** The workload as a scenario: one phase, one episode, frozen agent. */
export function workloadScenario(agents: number, trials: number, seed: number): Scenario {
  return parseScenario({
    name: 'bench-online', seed,
    task: { type: 'reversal', options: { pHigh: 0.8, pLow: 0.2, blockLengthMin: 30, blockLengthMax: 30 } },
    trialsPerEpisode: trials,
    agents: [{ id: 'agent', nSessions: agents, model: { kind: 'low_rank', stage: 'premature', nHidden: 32, overrides: { targetGamma: 0.4, regularizerWarmupEpochs: 0 } }, trainer: { mode: 'none' } }],
    phases: [{ name: 'bench', episodes: 1, learning: false }],
    analyzer: { weightsEvery: 0 },
    run: { trialsPerTick: 250 },
  });
}

/**
 * @example
 * const { trial_steps_per_s } = await runActorPipelineWorkload({ agents: 64, trials: 1000, repeats: 5 });
 */
export async function runActorPipelineWorkload({ agents = 64, trials = 1000, repeats = 5 }: WorkloadOptions = {}): Promise<WorkloadResult> {
  const times: number[] = [];
  for (let run = 0; run < repeats + 1; run++) {
    const scenario = workloadScenario(agents, trials, 2 + run);
    const start = performance.now();
    const result = await startRun(scenario).done;
    if (result.status !== 'completed') throw new Error(`bench run ended ${result.status}: ${result.failure?.summary ?? ''}`);
    if (run > 0) times.push((performance.now() - start) / 1000);
  }
  const run = median(times);
  return { trial_steps_per_s: (agents * trials) / run, median_run_s: run };
}

/** The plain batched loop (as `onlineWorkload` in tools/bench/bench.ts), for the ratio in the same process. */
export interface PlainLoopResult extends WorkloadResult {
  /** Mean reward per trial of the last run (a check that the loop really plays). */
  mean_reward: number;
}

/**
 * The plain batched loop: one `model.step` for the cohort per trial, a logistic draw per session,
 * one task step. `model` defaults to the workload's float32 network (SIMD kernel).
 */
export function runPlainOnlineLoop({ agents = 64, trials = 1000, repeats = 5, model }: WorkloadOptions & { model?: RecurrentModel } = {}): PlainLoopResult {
  const net = model ?? new BrainInspiredRNN(validateDevelopmentalConfig({
    stage: 'custom', nHidden: 32, rank: 8, leak: 0.2, targetGamma: 0.4, nuclearWeight: 1e-3, effectiveRankWeight: 1e-3,
    spectralWeight: 1e-2, heterogeneityWeight: 1e-3, regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
  }), { nInputs: 4, nOutputs: 2, seed: 0, dtype: 'float32' });
  const times: number[] = [];
  let totalReward = 0;
  for (let run = 0; run < repeats + 1; run++) {
    const rng = createRandom(2 + run);
    const task = new ReversalLearningTask({ nSessions: agents, rng, pHigh: 0.8, pLow: 0.2, blockLengthMin: 30, blockLengthMax: 30 });
    const start = performance.now();
    const state = net.initialState(agents);
    let inputs: Float64Array = task.initialInputs();
    const logits = new Float64Array(agents * 2);
    const values = new Float64Array(agents);
    const actions = new Int8Array(agents);
    totalReward = 0;
    for (let t = 0; t < trials; t++) {
      net.step(state, inputs, logits, values);
      for (let s = 0; s < agents; s++) actions[s] = rng.uniform() < 1 / (1 + Math.exp(logits[s * 2 + 1] - logits[s * 2])) ? 0 : 1;
      const outcome = task.step(actions);
      for (let s = 0; s < agents; s++) totalReward += outcome.rewards[s];
      inputs = outcome.nextInputs;
    }
    if (run > 0) times.push((performance.now() - start) / 1000);
  }
  const run = median(times);
  return { trial_steps_per_s: (agents * trials) / run, median_run_s: run, mean_reward: totalReward / (agents * trials) };
}

/** The actor pipeline and the plain loop, measured in alternation. */
export interface PipelineComparison {
  plain: PlainLoopResult;
  pipeline: WorkloadResult;
  /** pipeline / plain trial-steps per second. */
  ratio: number;
  /** The same ratio from each loop's fastest run (a reference on a shared host; see interleaved.ts). */
  fastestRatio: number;
}

/**
 * The actor pipeline against the plain loop, one timed run of each in turn after `warmup` rounds of
 * both, so that both see the same load and run code V8 has finished optimising: measured one after
 * the other, the first measured ran while V8 was still tiering the wasm kernel up, which flattered
 * the ratio when the plain loop came first in a fresh process (0.6-0.87×) and not after other
 * workloads (0.44-0.46×, same minutes); and the pipeline's far larger body of JavaScript needs more
 * than one warm-up run (0.48× after one round, 0.61-0.67× after two and three, same process, load 4.7).
 * A live run lasts minutes, so the steady state is the cost a user sees.
 * @example
 * const { ratio } = await comparePipelineToPlainLoop({ repeats: 5 });
 */
export async function comparePipelineToPlainLoop({ agents = 64, trials = 1000, repeats = 5, warmup = 3 }: WorkloadOptions & { warmup?: number } = {}): Promise<PipelineComparison> {
  const plainRuns: PlainLoopResult[] = [];
  const pipelineRuns: WorkloadResult[] = [];
  for (let i = 0; i < warmup + repeats; i++) {
    const plain = runPlainOnlineLoop({ agents, trials, repeats: 1 });
    const pipeline = await runActorPipelineWorkload({ agents, trials, repeats: 1 });
    if (i < warmup) continue;
    plainRuns.push(plain);
    pipelineRuns.push(pipeline);
  }
  const plainS = median(plainRuns.map((r) => r.median_run_s));
  const pipelineS = median(pipelineRuns.map((r) => r.median_run_s));
  const plain = { trial_steps_per_s: (agents * trials) / plainS, median_run_s: plainS, mean_reward: plainRuns.at(-1)!.mean_reward };
  const pipeline = { trial_steps_per_s: (agents * trials) / pipelineS, median_run_s: pipelineS };
  const fastest = (runs: WorkloadResult[]) => Math.min(...runs.map((r) => r.median_run_s));
  return { plain, pipeline, ratio: plainS / pipelineS, fastestRatio: fastest(plainRuns) / fastest(pipelineRuns) };
}
