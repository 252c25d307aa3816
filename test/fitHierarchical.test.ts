import { describe, expect, it } from 'vitest';
import { sigmoid } from '../src/cognitive/cognitiveModel.js';
import { fitSubjects } from '../src/cognitive/fit.js';
import { fitHierarchical } from '../src/cognitive/fitHierarchical.js';
import { hessianByFiniteDifferences, invertSpd } from '../src/cognitive/laplace.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../src/cognitive/models/winStayLoseShift.js';
import { sessionsNegLogLikelihood } from '../src/cognitive/negLogLikelihood.js';
import { fromUnbounded, vectorFromUnbounded } from '../src/cognitive/parameterTransform.js';
import { simulateBlockedReversal } from '../src/cognitive/simulateBlockedReversal.js';
import { winStayLoseShift } from '../src/analysis/reversalAdaptation.js';
import { columnsFromTrialsSessions } from '../src/analysis/behaviourColumns.js';
import { splitIntoEpisodes } from '../src/data/episodes.js';
import { parameterRecovery, pearsonCorrelation } from '../src/experiments/parameterRecovery.js';
import { createRandom } from '../src/random.js';

const qModel = createQLearningModel();
const groupMean = [-0.6, 1.1, 0.4];
const groupSd = [0.6, 0.35, 0.25];
/** Subjects drawn from a known group prior (unbounded space), then blocked reversal data from each. */
function simulateGroup(nSubjects: number, blocksPerSession: number, seed: number) {
  const rng = createRandom(seed);
  const truth = Array.from({ length: nSubjects }, () =>
    Object.fromEntries(qModel.parameters.map((spec, p) => [spec.name, fromUnbounded(spec, groupMean[p] + groupSd[p] * rng.normal())])),
  );
  const { sessions } = simulateBlockedReversal({ model: qModel, subjects: truth, sessionsPerSubject: 1, blocksPerSession, rng: rng.split(1)[0], idPrefix: 's' });
  // Each block restarts the learner: fitted as episodes.
  return { truth, sessions: splitIntoEpisodes(sessions, 'block') };
}

describe('parameterRecovery', () => {
  it('pearsonCorrelation and parameterRecovery give r and mean bias per parameter', () => {
    expect(pearsonCorrelation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearsonCorrelation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // numpy.corrcoef([1, 2, 3, 4], [1, 3, 2, 5])[0, 1] = 0.8315218406202999.
    expect(parameterRecovery([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }], [{ a: 1 }, { a: 3 }, { a: 2 }, { a: 5 }]).a).toEqual({ correlation: expect.closeTo(0.8315218406202999, 12), bias: 0.25 });
  });
});

describe('laplace', () => {
  it('hessianByFiniteDifferences matches the closed-form Hessian of the win-stay-lose-shift NLL in logit space', () => {
    const model = createWinStayLoseShiftModel();
    const { sessions } = simulateBlockedReversal({ model, subjects: [{ pWinStay: 0.8, pLoseShift: 0.4 }], sessionsPerSubject: 1, blocksPerSession: 3, rng: createRandom(2) });
    const u = [0.7, -0.3];
    const H = hessianByFiniteDifferences((x) => sessionsNegLogLikelihood(model.bind(vectorFromUnbounded(model.parameters, x)), sessions).nll, u);
    // NLL = −[stays·log σ(u₀) + shifts·log(1 − σ(u₀))] after wins, likewise for u₁ after losses:
    // ∂²/∂u² = n p (1 − p), no cross term.
    const { nWin, nLose } = winStayLoseShift(columnsFromTrialsSessions(sessions));
    const p0 = sigmoid(u[0]);
    const p1 = sigmoid(u[1]);
    expect(H[0][0]).toBeCloseTo(nWin * p0 * (1 - p0), 3);
    expect(H[1][1]).toBeCloseTo(nLose * p1 * (1 - p1), 3);
    expect(Math.abs(H[0][1])).toBeLessThan(1e-3);
  });

  it('hessianByFiniteDifferences of a Q-learner agrees between steps 1e-3 and 1e-4 (Richardson check) and invertSpd inverts it', () => {
    const { sessions } = simulateGroup(1, 4, 3);
    const f = (x: Float64Array) => sessionsNegLogLikelihood(qModel.bind(vectorFromUnbounded(qModel.parameters, x)), sessions).nll;
    const coarse = hessianByFiniteDifferences(f, groupMean, 1e-3);
    const fine = hessianByFiniteDifferences(f, groupMean, 1e-4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(coarse[i][j] - fine[i][j])).toBeLessThan(1e-3 * Math.max(1, Math.abs(fine[i][j])));
    const H = [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]];
    const { inverse, logDet } = invertSpd(H);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i].reduce((s, v, m) => s + v * inverse[m][j], 0)).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(logDet).toBeCloseTo(Math.log(4 * (3 * 2 - 0.25) - 1 * (1 * 2)), 12);
    expect(() => invertSpd([[1, 2], [2, 1]])).toThrow('the Hessian is not positive definite');
  });
});

describe('fitHierarchical', () => {
  it('fitHierarchical recovers subjects drawn from a known group prior (12 subjects x 320 trials): correlations, bias, group mean; the sampled and Laplace marginals agree', () => {
    const { truth, sessions } = simulateGroup(12, 4, 7);
    const fit = fitHierarchical(qModel, sessions, { objective: 'stage1', seed: 1, iBicSamples: 2000 });
    expect(fit.converged).toBe(true);
    const recovered = (name: string) => fit.subjects.map((s) => s.parameters[name]);
    const truthOf = (name: string) => truth.map((t) => t[name]);
    const recovery = parameterRecovery(truth, fit.subjects.map((s) => s.parameters));
    const r = Object.fromEntries(Object.entries(recovery).map(([n, v]) => [n, v.correlation]));
    const bias = Object.fromEntries(Object.entries(recovery).map(([n, v]) => [n, v.bias]));
    // Figures of this seed (docs/fitting.md): r = 0.94, 0.97, 0.56; bias −0.006, +0.32, −0.05.
    expect(r.alpha).toBeGreaterThan(0.9);
    expect(r.beta).toBeGreaterThan(0.9);
    expect(r.kappa).toBeGreaterThan(0.4);
    expect(Math.abs(bias.alpha)).toBeLessThan(0.05);
    expect(Math.abs(bias.beta)).toBeLessThan(0.5);
    expect(Math.abs(bias.kappa)).toBeLessThan(0.1);
    expect(Math.abs(fit.groupMean.beta - groupMean[1])).toBeLessThan(0.2);
    expect(Math.abs(fit.groupMean.kappa - groupMean[2])).toBeLessThan(0.1);
    expect(Math.abs(fit.logMarginal - fit.laplaceLogMarginal)).toBeLessThan(0.005 * Math.abs(fit.laplaceLogMarginal));
    expect(fit.iBic).toBeCloseTo(-2 * fit.logMarginal + 6 * Math.log(12 * 320), 8);
    // Shrinkage: MAP estimates spread less around the group than maximum-likelihood ones.
    const ml = fitSubjects(qModel, sessions, { objective: 'stage1', restarts: 2, seed: 1 });
    const spread = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - v.reduce((a, b) => a + b, 0) / v.length) ** 2, 0) / v.length);
    expect(spread(recovered('beta'))).toBeLessThan(spread(ml.map((m) => m.fit.parameters.beta)));
    // ... and here they track the truth better (ML: r 0.89 for beta).
    expect(r.beta).toBeGreaterThan(pearsonCorrelation(truthOf('beta'), ml.map((m) => m.fit.parameters.beta)));
  });

  it('fitHierarchical refuses one subject', () => {
    const { sessions } = simulateGroup(1, 1, 1);
    expect(() => fitHierarchical(qModel, sessions)).toThrow('a hierarchical fit needs at least 2 subjects, got 1');
  });
});
