import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import type { CohortAgent } from '../src/agents/cohortAgent.js';
import type { TrialOutcome } from '../src/tasks/cohortTask.js';
import { ProbabilisticRewardTask } from '../src/tasks/probabilisticReward.js';
import { sampleChoices } from '../src/tasks/behaviourPolicy.js';
import { createPearceHallModel } from '../src/cognitive/models/pearceHall.js';
import { columnsFromOutcomes } from '../src/analysis/behaviourColumns.js';
import { estimateVolatileLearningRates, fitGeometricDecay } from '../src/analysis/volatileLearningRate.js';

/** Symmetric Q-learner whose α depends on the block of the trial it learns from. */
class BlockwiseQLearner implements CohortAgent {
  readonly nActions = 2;
  private q = new Float64Array(0);
  private S = 0;
  constructor(private readonly alphaStable: number, private readonly alphaVolatile: number, private readonly beta: number) {}
  reset(nSessions: number): void {
    this.S = nSessions;
    this.q = new Float64Array(nSessions * 2).fill(0.5);
  }
  policy(out: Float64Array): void {
    for (let s = 0; s < this.S; s++) {
      out[s * 2 + 1] = 1 / (1 + Math.exp(-this.beta * (this.q[s * 2 + 1] - this.q[s * 2])));
      out[s * 2] = 1 - out[s * 2 + 1];
    }
  }
  observe({ actions, rewards, latent }: TrialOutcome): void {
    for (let s = 0; s < this.S; s++) {
      const alpha = latent.volatile![s] ? this.alphaVolatile : this.alphaStable;
      const c = s * 2 + actions[s];
      const u = s * 2 + 1 - actions[s];
      this.q[c] += alpha * (rewards[s] - this.q[c]);
      this.q[u] += alpha * (1 - rewards[s] - this.q[u]);
    }
  }
}

function playVolatile(agent: CohortAgent, nSessions: number, nTrials: number, seed: number) {
  const task = new ProbabilisticRewardTask({ nSessions, rng: createRandom(seed), hazardRate: 0.08, stableBlockLength: 50, volatileBlockLength: 50 });
  const streams = createRandom(seed + 100).split(nSessions);
  agent.reset(nSessions, task.initialInputs());
  const probs = new Float64Array(nSessions * 2);
  const outcomes: TrialOutcome[] = [];
  const logits: Float64Array[] = [];
  for (let t = 0; t < nTrials; t++) {
    agent.policy(probs);
    logits.push(Float64Array.from({ length: nSessions }, (_, s) => Math.log(probs[s * 2 + 1] / probs[s * 2])));
    const outcome = task.step(sampleChoices(probs, 2, streams));
    agent.observe(outcome);
    outcomes.push(outcome);
  }
  return columnsFromOutcomes(outcomes, logits);
}

describe('estimateVolatileLearningRates', () => {
  const columns = playVolatile(new BlockwiseQLearner(0.15, 0.5, 5), 30, 400, 1);
  const rates = estimateVolatileLearningRates(columns);

  it('the policy estimate equals the α of each block for a symmetric Q-learner', () => {
    expect(rates.policy!.stable.learningRate).toBeCloseTo(0.15, 9);
    expect(rates.policy!.volatile.learningRate).toBeCloseTo(0.5, 9);
    expect(rates.policy!.stable.rSquared).toBeCloseTo(1, 9);
    expect(rates.policy!.stable.n + rates.policy!.volatile.n).toBe(30 * 399);
  });

  it('the behaviour-only estimate is larger in volatile blocks and near each block’s α', () => {
    const { stable, volatile } = rates.behaviour;
    expect(volatile.learningRate).toBeGreaterThan(stable.learningRate + 0.15);
    expect(Math.abs(stable.learningRate - 0.15)).toBeLessThan(0.1);
    expect(Math.abs(volatile.learningRate - 0.5)).toBeLessThan(0.15);
    // A ≈ α β for the volatile block's most recent outcome.
    expect(volatile.amplitude).toBeGreaterThan(1.5);
    expect(volatile.lagWeights[0]).toBeGreaterThan(volatile.lagWeights[3]);
  });

  it('a Pearce-Hall learner, whose associability tracks surprise, has a larger policy rate in volatile blocks', () => {
    const agent = createPearceHallModel().createAgent({ kappa: 0.6, eta: 0.3, beta: 5 });
    const ph = estimateVolatileLearningRates(playVolatile(agent, 30, 400, 2));
    expect(ph.policy!.volatile.learningRate).toBeGreaterThan(ph.policy!.stable.learningRate);
  });

  it('requires the volatile column', () => {
    expect(() => estimateVolatileLearningRates({ choices: [0], rewards: [1] })).toThrow('columns.volatile is required');
  });
});

describe('fitGeometricDecay', () => {
  it('fitGeometricDecay(w) recovers η and A of an exact geometric sequence', () => {
    const w = Array.from({ length: 8 }, (_, l) => 1.7 * (1 - 0.37) ** l);
    const fit = fitGeometricDecay(w);
    expect(fit.learningRate).toBeCloseTo(0.37, 8);
    expect(fit.amplitude).toBeCloseTo(1.7, 8);
  });
});
