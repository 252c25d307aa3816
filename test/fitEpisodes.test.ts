import { describe, expect, it } from 'vitest';
import { columnsFromTrialsSessions } from '../src/analysis/behaviourColumns.js';
import { inferBetterAction } from '../src/analysis/inferBetterAction.js';
import { analyzeReversalAdaptation, winStayLoseShift } from '../src/analysis/reversalAdaptation.js';
import { logSigmoid } from '../src/cognitive/cognitiveModel.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { sessionsNegLogLikelihood } from '../src/cognitive/negLogLikelihood.js';
import { simulateBlockedReversal } from '../src/cognitive/simulateBlockedReversal.js';
import { countUnits, defaultCvUnit, defaultResetOn, splitIntoEpisodes } from '../src/data/episodes.js';
import { sessionsToSequenceBatch } from '../src/data/sessionsToSequenceBatch.js';
import { parseTrialsCsv } from '../src/data/trialsCsv.js';
import { compareModels } from '../src/experiments/compareModels.js';
import { parseModelSpecs } from '../src/experiments/modelSpec.js';
import { checkInnerValidation, splitSubjectsIntoFolds } from '../src/experiments/subjectFolds.js';
import { createRandom } from '../src/random.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { readSharedData } from './sharedData.js';

const model = createQLearningModel();
const truth = [
  { alpha: 0.45, beta: 3, kappa: 0.5 },
  { alpha: 0.3, beta: 3.5, kappa: 0.3 },
];
const animal = simulateBlockedReversal({ model, subjects: truth, rng: createRandom(15) });
const small = simulateBlockedReversal({ model, subjects: truth, sessionsPerSubject: 1, blocksPerSession: 6, trialsPerBlock: 40, reversalTrials: [15, 25], rng: createRandom(3) });

describe('simulateBlockedReversal', () => {
  it('simulateBlockedReversal gives 2 subjects x 3 sessions of 35 blocks of 80 trials, one reversal per block in [30, 50], the same for the same seed', () => {
    const { sessions, betterAction } = animal;
    expect(sessions.map((s) => `${s.subject}/${s.session}/${s.nTrials}`)).toEqual(
      ['animal0/animal0_s0', 'animal0/animal0_s1', 'animal0/animal0_s2', 'animal1/animal1_s0', 'animal1/animal1_s1', 'animal1/animal1_s2'].map((id) => `${id}/2800`),
    );
    for (const [i, s] of sessions.entries()) {
      for (let b = 0; b < 35; b++) {
        const block = Array.from(s.block.subarray(b * 80, b * 80 + 80));
        expect(new Set(block)).toEqual(new Set([b]));
        const flagged = Array.from(s.reversal.subarray(b * 80, b * 80 + 80)).flatMap((r, j) => (r === 1 ? [j] : []));
        expect(flagged).toHaveLength(1);
        expect(flagged[0]).toBeGreaterThanOrEqual(30);
        expect(flagged[0]).toBeLessThanOrEqual(50);
        const t = b * 80 + flagged[0];
        expect(betterAction[i][t]).toBe(1 - betterAction[i][t - 1]);
      }
    }
    const again = simulateBlockedReversal({ model, subjects: truth, rng: createRandom(15) });
    expect(again.sessions[5].choice).toEqual(sessions[5].choice);
    expect(sessions.reduce((n, s) => n + s.reward.reduce((a, r) => a + r, 0), 0)).toBe(11225);
  });

  it('simulateBlockedReversal refuses a model of another task and a reversal outside the block', () => {
    expect(() => simulateBlockedReversal({ model, subjects: truth, trialsPerBlock: 20, rng: createRandom(1) })).toThrow('reversalTrials[0] must be an integer in [1, 19], got 30');
    expect(() => simulateBlockedReversal({ model, subjects: [], rng: createRandom(1) })).toThrow('subjects must hold at least one parameter set, got 0');
  });
});

describe('splitIntoEpisodes', () => {
  it('splitIntoEpisodes(sessions, "block") cuts each session at every block change; "session" keeps them', () => {
    const episodes = splitIntoEpisodes(animal.sessions, 'block');
    expect(episodes).toHaveLength(210);
    expect(episodes.every((e) => e.nTrials === 80 && e.block.every((b) => b === e.block[0]))).toBe(true);
    expect(episodes[36]).toMatchObject({ subject: 'animal0', session: 'animal0_s1' });
    expect(episodes[36].choice).toEqual(animal.sessions[1].choice.subarray(80, 160));
    expect(splitIntoEpisodes(animal.sessions, 'session')).toEqual(animal.sessions);
    expect(countUnits(animal.sessions)).toEqual({ subject: 2, session: 6, block: 210 });
  });

  it('a cognitive model scored on episodes restarts from its initial values at each block (independent per-block sum)', () => {
    const kernel = model.bind([0.45, 3, 0.5]);
    const onEpisodes = sessionsNegLogLikelihood(kernel, splitIntoEpisodes(animal.sessions, 'block')).stage1Nll;
    // Independent computation: Q = 0.5, no last choice at the start of every block.
    let expected = 0;
    for (const s of animal.sessions) {
      let q = [0.5, 0.5];
      let last = -1;
      for (let t = 0; t < s.nTrials; t++) {
        if (t > 0 && s.block[t] !== s.block[t - 1]) [q, last] = [[0.5, 0.5], -1];
        const logit = 3 * (q[1] - q[0]) + 0.5 * (last === 1 ? 1 : last === 0 ? -1 : 0);
        expected -= logSigmoid(s.choice[t] === 1 ? logit : -logit);
        q[s.choice[t]] += 0.45 * (s.reward[t] - q[s.choice[t]]);
        last = s.choice[t];
      }
    }
    expect(onEpisodes).toBeCloseTo(expected, 8);
    expect(Math.abs(sessionsNegLogLikelihood(kernel, animal.sessions).stage1Nll - expected)).toBeGreaterThan(1);
  });

  it('a network sees episodes as sequences that start from the initial input at every block', () => {
    const batch = sessionsToSequenceBatch(splitIntoEpisodes(animal.sessions, 'block'), TaskType.REVERSAL);
    expect([batch.nSessions, batch.nTrials]).toEqual([210, 80]);
    const first = Array.from(batch.inputs.subarray(0, batch.nInputs));
    for (let b = 0; b < batch.nSessions; b++) expect(Array.from(batch.inputs.subarray(b * 80 * batch.nInputs, (b * 80 + 1) * batch.nInputs))).toEqual(first);
  });

  it('stay statistics over episodes skip the pairs that cross a block boundary', () => {
    const across = winStayLoseShift(columnsFromTrialsSessions(animal.sessions));
    const within = winStayLoseShift(columnsFromTrialsSessions(splitIntoEpisodes(animal.sessions, 'block')));
    expect(across.nWin + across.nLose).toBe(6 * 2799);
    expect(within.nWin + within.nLose).toBe(210 * 79);
  });
});

describe('defaultCvUnit and defaultResetOn', () => {
  it('defaultCvUnit is subject for >= 5 subjects, else session for >= 5 sessions, else block; defaultResetOn is block for reversal data with blocks', () => {
    const prl = parseTrialsCsv(readSharedData('hbayesdm_prl.csv')).sessions;
    const hartleyHead = parseTrialsCsv(readSharedData('hartley_online_two_step.csv')).sessions.slice(0, 3);
    expect(defaultCvUnit(prl)).toBe('subject');
    expect(defaultCvUnit(animal.sessions)).toBe('session');
    expect(defaultCvUnit(small.sessions)).toBe('block');
    expect(defaultCvUnit(prl.slice(0, 4))).toBe('subject');
    expect(defaultResetOn(animal.sessions)).toBe('block');
    expect(defaultResetOn(prl)).toBe('session');
    // Hartley's four blocks are rests inside one two-step task: no restart by default.
    expect(defaultResetOn(hartleyHead)).toBe('session');
  });
});

describe('splitSubjectsIntoFolds with a unit', () => {
  it('splitSubjectsIntoFolds deals blocks or sessions into folds, each unit in one fold', () => {
    const episodes = splitIntoEpisodes(animal.sessions, 'block');
    const blocks = splitSubjectsIntoFolds(episodes, { folds: 5, seed: 1, unit: 'block' });
    expect(blocks.testSubjects.map((f) => f.length)).toEqual([42, 42, 42, 42, 42]);
    expect(new Set(blocks.testSubjects.flat()).size).toBe(210);
    expect(blocks.testSubjects.flat()).toContain('animal1/animal1_s2/34');
    const sessions = splitSubjectsIntoFolds(episodes, { folds: 3, seed: 1, unit: 'session' });
    expect(sessions.testSubjects.flat().sort()).toEqual(animal.sessions.map((s) => `${s.subject}/${s.session}`).sort());
    expect(sessions.sessionsOf.get('animal0/animal0_s0')).toHaveLength(35);
  });

  it('a split that cannot be made says why and what to pass instead', () => {
    const episodes = splitIntoEpisodes(animal.sessions, 'block');
    expect(() => splitSubjectsIntoFolds(episodes, { folds: 5, unit: 'subject' })).toThrow(
      'folds must be an integer in [2, 2] (the number of subjects), got 5; pass --folds 2 or --cv session (6 sessions) or --cv block (210 blocks)',
    );
    expect(() => checkInnerValidation(splitSubjectsIntoFolds(episodes, { folds: 2, unit: 'subject' }), episodes)).toThrow(
      'with 2 subjects and 2 folds a network trains on 1 subject per fold, but its early stopping needs at least 2 training subjects (one or more held out for validation); pass --cv session (6 sessions) or --cv block (210 blocks)',
    );
    const prl = parseTrialsCsv(readSharedData('hbayesdm_prl.csv')).sessions;
    expect(() => splitSubjectsIntoFolds(prl, { folds: 5, unit: 'block' })).toThrow(
      'cross-validation over blocks needs a block column with values, but it is empty on every trial; pass --cv subject (20 subjects) or --cv session (20 sessions)',
    );
    expect(() => compareModels(animal.sessions, parseModelSpecs('q_learning'), { cv: 'block', resetOn: 'session' })).toThrow('cross-validation over blocks needs --reset-on block');
  });
});

describe('compareModels on few subjects with many blocks', () => {
  it('compareModels(cv block) runs networks and cognitive models on 2 subjects and names the unit and the restart', () => {
    const result = compareModels(small.sessions, parseModelSpecs('tiny_gru:1 q_learning wsls'), { folds: 3, seed: 2, seeds: 1, restarts: 2, training: { nEpochs: 2 } });
    expect(result).toMatchObject({ cv: 'block', resetOn: 'block', nSubjects: 2, nSessions: 2, nEpisodes: 12, nUnits: 12, nChoices: 480 });
    expect(result.models.every((m) => m.subjects.length === 12)).toBe(true);
    expect(result.models[0].recurrent!.folds.every((f) => f.validationSubjects.length >= 1)).toBe(true);
  });
});

describe('compareModels --level', () => {
  it('compareModels(level individual | hierarchical) fits each subject in each fold and on all data; whole-subject folds are refused', () => {
    const individual = compareModels(small.sessions, parseModelSpecs('q_learning'), { folds: 3, seed: 2, restarts: 1, level: 'individual' });
    const fit = individual.models[0].levelFit!;
    expect(fit).toMatchObject({ level: 'individual', nChoices: 480 });
    expect(fit.subjects.map((s) => s.subject)).toEqual(['animal0', 'animal1']);
    expect(fit.bic! - fit.aic!).toBeCloseTo(2 * 3 * Math.log(240) - 2 * 2 * 3, 6);
    expect(Object.keys(individual.models[0].cognitive!.folds[0].subjectParameters!)).toEqual(['animal0', 'animal1']);
    const hierarchical = compareModels(small.sessions, parseModelSpecs('q_learning'), { folds: 3, seed: 2, restarts: 1, level: 'hierarchical', iBicSamples: 50 });
    expect(hierarchical.models[0].levelFit).toMatchObject({ level: 'hierarchical', iBicSamples: 50 });
    expect(Number.isFinite(hierarchical.models[0].levelFit!.iBic)).toBe(true);
    const prl = parseTrialsCsv(readSharedData('hbayesdm_prl.csv')).sessions.slice(0, 6);
    expect(() => compareModels(prl, parseModelSpecs('q_learning'), { folds: 3, level: 'individual' })).toThrow(
      "--level individual fits each subject's own parameters, which a held-out subject does not have; pass --cv session or --cv block, or --level hierarchical",
    );
    // Whole subjects held out: scored with their parameters integrated over the fold's group prior.
    const bySubject = compareModels(prl, parseModelSpecs('q_learning'), { folds: 3, seed: 1, restarts: 1, level: 'hierarchical', iBicSamples: 200 });
    const population = compareModels(prl, parseModelSpecs('q_learning'), { folds: 3, seed: 1, restarts: 1 });
    expect(bySubject.cv).toBe('subject');
    expect(bySubject.models[0].nllPerChoice).toBeGreaterThan(0.4);
    expect(bySubject.models[0].nllPerChoice).toBeLessThan(Math.LN2);
    expect(Math.abs(bySubject.models[0].nllPerChoice - population.models[0].nllPerChoice)).toBeLessThan(0.05);
  });
});

describe('inferBetterAction', () => {
  it('inferBetterAction recovers the better option from reward rates per phase; the reversal curve of real-shaped data follows the truth', () => {
    const inferred = inferBetterAction(animal.sessions);
    let agree = 0;
    let known = 0;
    inferred.forEach((better, i) => better.forEach((b, t) => {
      if (b < 0) return;
      known++;
      if (b === animal.betterAction[i][t]) agree++;
    }));
    expect(known).toBeGreaterThan(0.95 * 16800);
    expect(agree / known).toBeGreaterThan(0.97);
    const columns = columnsFromTrialsSessions(splitIntoEpisodes(animal.sessions, 'block'));
    const fromData = analyzeReversalAdaptation(columns);
    const fromTruth = analyzeReversalAdaptation({ ...columns, betterAction: Int8Array.from(animal.betterAction.flatMap((b) => Array.from(b))) });
    expect(fromData.nReversals).toBe(210);
    for (let i = 0; i < fromData.curve.pBetter.length; i++) expect(Math.abs(fromData.curve.pBetter[i] - fromTruth.curve.pBetter[i])).toBeLessThan(0.05);
    expect(fromTruth.curve.pBetter[5]).toBeLessThan(0.4); // just after the reversal, the old option is still chosen
  });
});
