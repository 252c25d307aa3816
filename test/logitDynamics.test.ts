import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.js';
import type { CohortAgent } from '../src/agents/cohortAgent.js';
import type { CohortTask, TrialOutcome } from '../src/tasks/cohortTask.js';
import { ReversalLearningTask } from '../src/tasks/reversal.js';
import { TwoStageTask } from '../src/tasks/twoStage.js';
import { sampleChoices } from '../src/tasks/behaviourPolicy.js';
import { columnsFromOutcomes } from '../src/analysis/behaviourColumns.js';
import { analyzeLogitDynamics, fitLine, logitDifferences } from '../src/analysis/logitDynamics.js';

/**
 * Q-learner that updates both options symmetrically: the chosen one towards r, the other towards
 * 1 − r. Q0 + Q1 stays 1, so L = β (Q1 − Q0) obeys ΔL = α β (±1) − α L exactly.
 */
class SymmetricQLearner implements CohortAgent {
  readonly nActions = 2;
  private q = new Float64Array(0);
  private S = 0;
  constructor(private readonly alpha: number, private readonly beta: number) {}
  reset(nSessions: number): void {
    this.S = nSessions;
    this.q = new Float64Array(nSessions * 2).fill(0.5);
  }
  logits(): Float64Array {
    return Float64Array.from({ length: this.S }, (_, s) => this.beta * (this.q[s * 2 + 1] - this.q[s * 2]));
  }
  policy(out: Float64Array): void {
    this.logits().forEach((L, s) => {
      out[s * 2 + 1] = 1 / (1 + Math.exp(-L));
      out[s * 2] = 1 - out[s * 2 + 1];
    });
  }
  observe({ actions, rewards }: TrialOutcome): void {
    for (let s = 0; s < this.S; s++) {
      const c = s * 2 + actions[s];
      const u = s * 2 + 1 - actions[s];
      this.q[c] += this.alpha * (rewards[s] - this.q[c]);
      this.q[u] += this.alpha * (1 - rewards[s] - this.q[u]);
    }
  }
}

/** Play T trials, recording L_t = log p1/p0 before each choice. */
function play(agent: CohortAgent, task: CohortTask, T: number, seed: number): { outcomes: TrialOutcome[]; logits: Float64Array[] } {
  const S = task.nSessions;
  const streams = createRandom(seed).split(S);
  agent.reset(S, task.initialInputs());
  const probs = new Float64Array(S * 2);
  const outcomes: TrialOutcome[] = [];
  const logits: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    agent.policy(probs);
    logits.push(Float64Array.from({ length: S }, (_, s) => Math.log(probs[s * 2 + 1] / probs[s * 2])));
    const outcome = task.step(sampleChoices(probs, 2, streams));
    agent.observe(outcome);
    outcomes.push(outcome);
  }
  return { outcomes, logits };
}

describe('analyzeLogitDynamics', () => {
  it('recovers slope −α and setpoints ±β for a symmetric Q-learner, with R² = 1', () => {
    const alpha = 0.3;
    const beta = 4;
    const task = new ReversalLearningTask({ nSessions: 8, rng: createRandom(1) });
    const { outcomes, logits } = play(new SymmetricQLearner(alpha, beta), task, 150, 2);
    const types = analyzeLogitDynamics(columnsFromOutcomes(outcomes, logits));
    expect(types.map((d) => d.label)).toEqual(['a0r0', 'a0r1', 'a1r0', 'a1r1']);
    for (const d of types) {
      // chose 1 & rewarded or chose 0 & unrewarded pull towards +β, the others towards −β.
      const direction = (d.action === 1) === (d.reward === 1) ? 1 : -1;
      expect(d.learningRate).toBeCloseTo(alpha, 9);
      expect(d.slope).toBeCloseTo(-alpha, 9);
      expect(d.intercept).toBeCloseTo(alpha * beta * direction, 9);
      expect(d.setpoint).toBeCloseTo(beta * direction, 8);
      expect(d.rSquared).toBeCloseTo(1, 9);
      expect(d.n).toBeGreaterThan(50);
    }
    expect(types.reduce((sum, d) => sum + d.n, 0)).toBe(8 * 149);
  });

  it('splits two-stage trial types by second-stage state', () => {
    const task = new TwoStageTask({ nSessions: 4, rng: createRandom(3) });
    const { outcomes, logits } = play(new SymmetricQLearner(0.5, 3), task, 100, 4);
    const types = analyzeLogitDynamics(columnsFromOutcomes(outcomes, logits));
    expect(types).toHaveLength(8);
    expect(types[0].label).toBe('a0s0r0');
    types.forEach((d) => expect(d.learningRate).toBeCloseTo(0.5, 9));
    expect(analyzeLogitDynamics(columnsFromOutcomes(outcomes, logits), { splitByStage2State: false })).toHaveLength(4);
  });

  it('does not pair trials across sessions or from a missed trial', () => {
    const columns = {
      choices: Int8Array.of(1, 1, -1, 1, 1, 1),
      rewards: Int8Array.of(1, 1, -1, 1, 1, 1),
      logits: Float64Array.of(0, 1, 5, 0, 2, 9),
      sessionIds: Int32Array.of(0, 0, 0, 0, 1, 1),
    };
    // pairs: (0,1), (1,2) and (3,4 crosses sessions: dropped), (2,3) missed, (4,5).
    const [d] = analyzeLogitDynamics(columns);
    expect(d.n).toBe(3);
  });

  it('analyzeLogitDynamics requires logits', () => {
    expect(() => analyzeLogitDynamics({ choices: [0], rewards: [1] })).toThrow('columns.logits is required');
  });
});

describe('fitLine and logitDifferences', () => {
  it('fitLine(x, y) matches the normal equations on noisy data', () => {
    const rng = createRandom(5);
    const x = Array.from({ length: 50 }, () => rng.normal());
    const y = x.map((v) => 0.5 - 2 * v + 0.1 * rng.normal());
    const fit = fitLine(x, y);
    // Normal equations [n Σx; Σx Σx²] [b0; b1] = [Σy; Σxy], solved by Cramer's rule.
    const n = x.length;
    const sx = x.reduce((a, b) => a + b, 0);
    const sxx = x.reduce((a, b) => a + b * b, 0);
    const sy = y.reduce((a, b) => a + b, 0);
    const sxy = x.reduce((a, b, i) => a + b * y[i], 0);
    const det = n * sxx - sx * sx;
    expect(fit.slope).toBeCloseTo((n * sxy - sx * sy) / det, 12);
    expect(fit.intercept).toBeCloseTo((sxx * sy - sx * sxy) / det, 12);
    expect(fit.rSquared).toBeGreaterThan(0.99);
  });

  it('logitDifferences(logits) is logit 1 minus logit 0 per row', () => {
    expect(Array.from(logitDifferences(Float64Array.of(0.5, 1.5, 2, -1)))).toEqual([1, -3]);
  });
});
