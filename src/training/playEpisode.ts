/**
 * Closed-loop play of one episode by a recurrent model on a cohort task: each trial the model's
 * policy is sampled, the task pays out, and the next input is built from that action and reward.
 * The inputs are kept, so a forward pass over the episode reproduces the same states exactly and
 * BPTT can follow (meta-RL), and the latent columns are kept for the analyses.
 */
import type { ForwardResult, RecurrentModel } from '../model/recurrentModel.js';
import type { Random } from '../random.js';
import type { CohortTask } from '../tasks/cohortTask.js';

export interface Episode {
  nSessions: number;
  nTrials: number;
  nInputs: number;
  nActions: number;
  /** B*T*nInputs: the input each trial's step saw. */
  inputs: Float64Array;
  /** B*T actions taken. */
  actions: Int32Array;
  /** B*T rewards. */
  rewards: Float32Array;
  /** B*T*nActions policy probabilities at each choice. */
  policy: Float64Array;
  /** B*T value estimates. */
  values: Float64Array;
  /** B*T: the better action of each trial (latent truth). */
  betterAction: Int8Array;
  /** B*T: 1 on the first trial after a reversal/jump. */
  reversal: Uint8Array;
  /** B*T: two-stage second-stage states (−1 for other tasks). */
  stage2States: Int8Array;
  /** B*T: two-stage common transitions (0 for other tasks). */
  common: Uint8Array;
  /**
   * The forward pass over `inputs`, recorded during play where the model can (`beginRollout`),
   * so an update need not run it again; valid while the parameters equal `forwardParameters`.
   */
  forward?: ForwardResult;
  /** A copy of the model's parameters when `forward` was recorded. */
  forwardParameters?: Float64Array;
}

export interface PlayOptions {
  /** Trials in the episode. */
  nTrials: number;
  /** Draws the agent's actions. */
  rng: Random;
  /** Take the most likely action instead of sampling. */
  greedy?: boolean;
}

/**
 * @example
 * const episode = playEpisode(model, new ReversalLearningTask({ nSessions: 64, rng }), { nTrials: 100, rng });
 */
export function playEpisode(model: RecurrentModel, task: CohortTask, { nTrials, rng, greedy = false }: PlayOptions): Episode {
  const S = task.nSessions;
  const A = model.nOutputs;
  const nInputs = task.nInputs;
  if (model.nInputs !== nInputs) throw new RangeError(`model.nInputs must equal the task's input width ${nInputs}, got ${model.nInputs}`);
  if (A !== task.nActions) throw new RangeError(`model.nOutputs must equal the task's ${task.nActions} actions, got ${A}`);
  const episode: Episode = {
    nSessions: S,
    nTrials,
    nInputs,
    nActions: A,
    inputs: new Float64Array(S * nTrials * nInputs),
    actions: new Int32Array(S * nTrials),
    rewards: new Float32Array(S * nTrials),
    policy: new Float64Array(S * nTrials * A),
    values: new Float64Array(S * nTrials),
    betterAction: new Int8Array(S * nTrials),
    reversal: new Uint8Array(S * nTrials),
    stage2States: new Int8Array(S * nTrials).fill(-1),
    common: new Uint8Array(S * nTrials),
  };
  const recorder = model.beginRollout?.(S, nTrials);
  const parametersAtStart = recorder === undefined ? undefined : Float64Array.from(model.parameters.data);
  const state = model.initialState(S);
  const logits = new Float64Array(S * A);
  const values = new Float64Array(S);
  const actions = new Int8Array(S);
  const probs = new Float64Array(A);
  let inputs: Float64Array = task.initialInputs();
  for (let t = 0; t < nTrials; t++) {
    if (recorder !== undefined) recorder.step(inputs, logits, values);
    else model.step(state, inputs, logits, values);
    for (let s = 0; s < S; s++) {
      const row = s * nTrials + t;
      for (let c = 0; c < nInputs; c++) episode.inputs[row * nInputs + c] = inputs[s * nInputs + c];
      let max = -Infinity;
      for (let a = 0; a < A; a++) max = Math.max(max, logits[s * A + a]);
      let sum = 0;
      for (let a = 0; a < A; a++) sum += probs[a] = Math.exp(logits[s * A + a] - max);
      let best = 0;
      for (let a = 0; a < A; a++) {
        probs[a] /= sum;
        episode.policy[row * A + a] = probs[a];
        if (probs[a] > probs[best]) best = a;
      }
      actions[s] = greedy ? best : rng.categorical(probs);
      episode.values[row] = values[s];
    }
    const outcome = task.step(actions);
    const { latent } = outcome;
    for (let s = 0; s < S; s++) {
      const row = s * nTrials + t;
      episode.actions[row] = actions[s];
      episode.rewards[row] = outcome.rewards[s];
      episode.betterAction[row] = latent.betterAction[s];
      episode.reversal[row] = latent.reversal[s];
      if (latent.stage2States) episode.stage2States[row] = latent.stage2States[s];
      if (latent.common) episode.common[row] = latent.common[s];
    }
    inputs = outcome.nextInputs;
  }
  if (recorder !== undefined) {
    episode.forward = recorder.finish();
    episode.forwardParameters = parametersAtStart;
  }
  return episode;
}
