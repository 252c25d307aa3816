/**
 * One shard's part of a data-parallel A2C update (Wang et al. 2018): a few of the episode's
 * sessions, played closed-loop on their own task and random stream, and their share of the loss
 * gradient. Every term of the A2C loss is a mean over the episode's B·T trials, so a shard of
 * b sessions contributes its own mean times b / B; the response heterogeneity is a mean over the
 * same rows and is weighted the same way. The spectral regularisers depend on W alone and are added
 * once by whoever sums the shards (actors/parallel/parallelA2C.ts).
 */
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { LowRankWasmForward } from '../model/kernels/lowRankWasmKernel.js';
import type { ParameterSet } from '../model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../model/recurrentModel.js';
import { createRandom } from '../random.js';
import { createTask } from '../tasks/createTask.js';
import { playEpisode } from './playEpisode.js';
import { policyGradientLoss, type PolicyGradientOptions } from './policyGradient.js';

/** The task a shard plays, by name (it must cross to worker threads). */
export interface ShardTaskSpec {
  type: string;
  options?: Record<string, unknown>;
}

export interface A2CShardOptions extends PolicyGradientOptions {
  task: ShardTaskSpec;
  nTrials: number;
  /** Sessions in the whole episode (B): the shard's terms are weighted by its sessions over B. */
  totalSessions: number;
  /** λ of −λ·heterogeneity (config weight × warm-up); 0 leaves the term out. */
  heterogeneityWeight: number;
}

/** A shard's scalars, already weighted by its share of the episode (so shards add up). */
export interface A2CShardResult {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  /** The shard's mean reward per trial, weighted likewise. */
  meanReward: number;
  /** Response heterogeneity over the shard's rows, weighted likewise (0 without the term). */
  heterogeneity: number;
}

/**
 * The random stream of shard `shard` in update `update` of a run seeded `seed`: a function of the
 * three numbers only, so a shard plays the same episode whichever thread plays it.
 * @example
 * const rng = shardRandom(1, 0, 3);
 */
export function shardRandom(seed: number, update: number, shard: number): ReturnType<typeof createRandom> {
  // Distinct 31-bit seeds for (seed, update, shard) by an integer mix (splitmix-style constants).
  let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(update + 1, 0xc2b2ae35) ^ Math.imul(shard + 1, 0x27d4eb2f)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return createRandom((x ^ (x >>> 16)) & 0x7fffffff);
}

/**
 * Play `sessions` sessions of the task and add their weighted A2C gradient into `gradients`
 * (which the caller zeroes).
 * @example
 * const result = playA2CShard(model, 16, shardRandom(seed, update, s), options, grads);
 */
export function playA2CShard(
  model: RecurrentModel, sessions: number, rng: ReturnType<typeof createRandom>,
  options: A2CShardOptions, gradients: ParameterSet,
): A2CShardResult {
  const { task: spec, nTrials, totalSessions, heterogeneityWeight } = options;
  const task = createTask(spec.type, { nSessions: sessions, rng, options: spec.options ?? {} });
  const episode = playEpisode(model, task, { nTrials, rng });
  const batch: SequenceBatch = { nSessions: sessions, nTrials, nInputs: episode.nInputs, inputs: episode.inputs };
  const forward = episode.forward ?? model.forward(batch);
  const pg = policyGradientLoss(forward.logits, forward.values, episode.actions, episode.rewards, sessions, nTrials, model.nOutputs, options);
  const share = sessions / totalSessions;
  for (let i = 0; i < pg.dLogits.length; i++) pg.dLogits[i] *= share;
  for (let i = 0; i < pg.dValues.length; i++) pg.dValues[i] *= share;
  let heterogeneity = 0;
  if (heterogeneityWeight !== 0 && model instanceof BrainInspiredRNN) {
    const hetero = model.responseHeterogeneity(forward);
    heterogeneity = share * hetero.value;
    const lambda = heterogeneityWeight * share;
    const gradInput = gradients.view('W_in');
    for (let i = 0; i < gradInput.length; i++) gradInput[i] -= lambda * hetero.dInputWeights[i];
    model.backward(batch, forward, { dLogits: pg.dLogits, dValues: pg.dValues, heterogeneityWeight: -lambda }, gradients);
  } else {
    model.backward(batch, forward, { dLogits: pg.dLogits, dValues: pg.dValues }, gradients);
  }
  if (forward instanceof LowRankWasmForward) forward.release();
  let rewardSum = 0;
  for (let i = 0; i < episode.rewards.length; i++) rewardSum += episode.rewards[i];
  return {
    policyLoss: share * pg.policyLoss,
    valueLoss: share * pg.valueLoss,
    entropy: share * pg.entropy,
    meanReward: share * (rewardSum / episode.rewards.length),
    heterogeneity,
  };
}
