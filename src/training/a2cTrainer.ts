/**
 * Online meta-reinforcement learning (Wang et al. 2018): the agent plays whole episodes of a
 * freshly drawn task, and after each episode its weights take one Adam step on the advantage
 * actor-critic loss, backpropagated through the whole episode, plus (for low-rank agents) the
 * developmental regularisers. Learning across episodes shapes recurrent dynamics that learn
 * within an episode with frozen weights.
 */
import { LowRankWasmForward } from '../model/kernels/lowRankWasmKernel.js';
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import type { ParameterSet } from '../model/parameters.js';
import type { ForwardResult, RecurrentModel, SequenceBatch } from '../model/recurrentModel.js';
import { checkNumber } from '../validation.js';
import { Adam, clipGradientNorm } from './adam.js';
import { developmentalLoss, type DevelopmentalLossTerms } from './developmentalLoss.js';
import type { Episode } from './playEpisode.js';
import { policyGradientLoss, type PolicyGradientOptions } from './policyGradient.js';

export interface A2COptions extends Partial<PolicyGradientOptions> {
  /** Adam step size (default 1e-3). */
  learningRate?: number;
  /** Global gradient-norm clip (default 1). */
  clipNorm?: number;
  /** Add the developmental regularisers of a low-rank model's config (default true). */
  regularize?: boolean;
}

export interface A2CUpdate {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  /** Mean reward per trial of the episode. */
  meanReward: number;
  gradientNorm: number;
  regularizers?: DevelopmentalLossTerms;
}

export class A2CTrainer {
  readonly options: Required<A2COptions>;
  private readonly optimizer: Adam;
  private readonly gradients: ParameterSet;
  private updates = 0;

  constructor(readonly model: RecurrentModel, options: A2COptions = {}) {
    const { learningRate = 1e-3, discount = 0.9, valueWeight = 0.05, entropyWeight = 0.05, clipNorm = 1, regularize = true } = options;
    this.options = {
      learningRate: checkNumber('learningRate', learningRate, { min: 0, minExclusive: true }),
      discount: checkNumber('discount', discount, { min: 0, max: 1 }),
      valueWeight: checkNumber('valueWeight', valueWeight, { min: 0 }),
      entropyWeight: checkNumber('entropyWeight', entropyWeight, { min: 0 }),
      clipNorm: checkNumber('clipNorm', clipNorm, { min: 0, minExclusive: true }),
      regularize,
    };
    this.optimizer = new Adam(model.parameters.size, { learningRate: this.options.learningRate });
    this.gradients = model.parameters.zerosLike().withDtype('float64');
  }

  get updateCount(): number {
    return this.updates;
  }

  /**
   * One update from a finished episode; `warmup` scales the regularisers (0..1).
   * @example
   * const update = trainer.update(playEpisode(model, task, { nTrials: 100, rng }));
   */
  update(episode: Episode, warmup = 1): A2CUpdate {
    const { model, gradients, options } = this;
    const batch: SequenceBatch = { nSessions: episode.nSessions, nTrials: episode.nTrials, nInputs: episode.nInputs, inputs: episode.inputs };
    gradients.data.fill(0);
    // The rollout's own forward pass, when it recorded one under the current weights: the same
    // numbers as a second pass, without its cost.
    const forward = recordedForward(episode, model) ?? model.forward(batch);
    const pg = policyGradientLoss(forward.logits, forward.values, episode.actions, episode.rewards, episode.nSessions, episode.nTrials, model.nOutputs, options);
    let regularizers: DevelopmentalLossTerms | undefined;
    const outputGradients = { dLogits: pg.dLogits, dValues: pg.dValues };
    if (options.regularize && warmup > 0 && model instanceof BrainInspiredRNN) {
      // The heterogeneity term's gradient on x_t is left to backward, as in Trainer: the wasm
      // kernel forms it inside its BPTT from what its forward pass computed, instead of this
      // update unpacking all B·T·N activations to float64 to compute it a second time.
      const developmental = developmentalLoss(model, forward, gradients, warmup, { deferActivationGradient: true });
      regularizers = developmental.terms;
      model.backward(batch, forward, { ...outputGradients, heterogeneityWeight: developmental.heterogeneityWeight }, gradients);
    } else {
      model.backward(batch, forward, outputGradients, gradients);
    }
    // Nothing reads this pass's states again: the next forward pass may reuse the wasm buffers
    // instead of first copying this one's BPTT cache aside.
    if (forward instanceof LowRankWasmForward) forward.release();
    const gradientNorm = clipGradientNorm(gradients, options.clipNorm);
    // Adam computes in float64 and stores into the parameters' own precision.
    this.optimizer.step(model.parameters, gradients);
    this.updates += 1;
    let rewardSum = 0;
    for (let i = 0; i < episode.rewards.length; i++) rewardSum += episode.rewards[i];
    return {
      loss: pg.loss + (regularizers?.value ?? 0),
      policyLoss: pg.policyLoss,
      valueLoss: pg.valueLoss,
      entropy: pg.entropy,
      meanReward: rewardSum / episode.rewards.length,
      gradientNorm,
      regularizers,
    };
  }
}

/** `episode.forward` if it is still usable for `model` as it is now, else undefined. */
function recordedForward(episode: Episode, model: RecurrentModel): ForwardResult | undefined {
  const { forward, forwardParameters } = episode;
  if (forward === undefined || forwardParameters === undefined) return undefined;
  if (forward instanceof LowRankWasmForward && forward.released) return undefined;
  const current = model.parameters.data;
  if (current.length !== forwardParameters.length) return undefined;
  for (let i = 0; i < current.length; i++) if (current[i] !== forwardParameters[i]) return undefined;
  return forward;
}
