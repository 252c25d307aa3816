/**
 * The advantage actor-critic loss of meta-reinforcement learning (Wang et al. 2018, after Mnih et
 * al. 2016's A3C), for whole episodes of a cohort, with its gradients with respect to the model's
 * logits and values so BPTT can run in the fused kernels:
 *
 *   L = (1 / BT) Σ_{b,t} [ −log π(a_t | h_t) · Â_t + c_v · ½ (R_t − V_t)² − c_e · H(π_t) ]
 *
 * with discounted returns R_t = Σ_{k ≥ t} γ^{k−t} r_k to the end of the episode (no bootstrap: the
 * episode really ends), advantages Â_t = R_t − V_t treated as constants in the policy term.
 */
export interface PolicyGradientOptions {
  /** Discount γ of the returns (Wang et al. 2018 use 0.9). */
  discount: number;
  /** Weight c_v of the value loss (0.05). */
  valueWeight: number;
  /** Weight c_e of the entropy bonus (0.05). */
  entropyWeight: number;
}

export interface PolicyGradientResult {
  /** The total loss L. */
  loss: number;
  /** Mean −log π(a) Â. */
  policyLoss: number;
  /** Mean ½ (R − V)². */
  valueLoss: number;
  /** Mean policy entropy (nats). */
  entropy: number;
  /** dL/dlogits, B*T*nActions. */
  dLogits: Float64Array;
  /** dL/dvalues, B*T. */
  dValues: Float64Array;
}

/**
 * @param logits B*T*nActions policy logits from the forward pass over the episode.
 * @param values B*T value estimates.
 * @param actions B*T actions taken.
 * @param rewards B*T rewards received.
 * @example
 * const { dLogits, dValues } = policyGradientLoss(forward.logits, forward.values, actions, rewards, 64, 100, 2, { discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05 });
 */
export function policyGradientLoss(
  logits: Float64Array,
  values: Float64Array,
  actions: ArrayLike<number>,
  rewards: ArrayLike<number>,
  nSessions: number,
  nTrials: number,
  nActions: number,
  { discount, valueWeight, entropyWeight }: PolicyGradientOptions,
): PolicyGradientResult {
  const rows = nSessions * nTrials;
  const dLogits = new Float64Array(rows * nActions);
  const dValues = new Float64Array(rows);
  const probs = new Float64Array(nActions);
  const logProbs = new Float64Array(nActions);
  const scale = 1 / rows;
  let policyLoss = 0;
  let valueLoss = 0;
  let entropySum = 0;
  for (let b = 0; b < nSessions; b++) {
    let discountedReturn = 0;
    for (let t = nTrials - 1; t >= 0; t--) {
      const row = b * nTrials + t;
      discountedReturn = rewards[row] + discount * discountedReturn;
      const base = row * nActions;
      let max = -Infinity;
      for (let a = 0; a < nActions; a++) max = Math.max(max, logits[base + a]);
      let sum = 0;
      for (let a = 0; a < nActions; a++) sum += Math.exp(logits[base + a] - max);
      const logSum = max + Math.log(sum);
      let entropy = 0;
      for (let a = 0; a < nActions; a++) {
        logProbs[a] = logits[base + a] - logSum;
        probs[a] = Math.exp(logProbs[a]);
        entropy -= probs[a] * logProbs[a];
      }
      const action = actions[row];
      const advantage = discountedReturn - values[row];
      policyLoss -= logProbs[action] * advantage;
      valueLoss += 0.5 * advantage * advantage;
      entropySum += entropy;
      for (let a = 0; a < nActions; a++) {
        const policyGrad = advantage * (probs[a] - (a === action ? 1 : 0));
        // dH/dz_a = −π_a (log π_a + H); the loss carries −c_e H.
        const entropyGrad = entropyWeight * probs[a] * (logProbs[a] + entropy);
        dLogits[base + a] = scale * (policyGrad + entropyGrad);
      }
      dValues[row] = scale * valueWeight * (values[row] - discountedReturn);
    }
  }
  policyLoss *= scale;
  valueLoss *= scale;
  const entropy = entropySum * scale;
  return { loss: policyLoss + valueWeight * valueLoss - entropyWeight * entropy, policyLoss, valueLoss, entropy, dLogits, dValues };
}
