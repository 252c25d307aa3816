import { describe, expect, it } from 'vitest';
import { crossValidate } from '../src/cognitive/crossValidate.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../src/cognitive/models/winStayLoseShift.js';
import { simulateSessions } from '../src/cognitive/simulateSessions.js';
import { sessionsToSequenceBatch } from '../src/data/sessionsToSequenceBatch.js';
import { parseTrialsCsv, type TrialsSession } from '../src/data/trialsCsv.js';
import { emptyTrialsSession } from '../src/data/trialsCsv.js';
import { compareModels } from '../src/experiments/compareModels.js';
import { toConjunctiveInputs } from '../src/experiments/conjunctiveInputs.js';
import { crossValidateCognitiveSubjects } from '../src/experiments/crossValidateCognitiveSubjects.js';
import { crossValidateRecurrent } from '../src/experiments/crossValidateRecurrent.js';
import { createRecurrentModel, defaultModelSpecs, parseModelSpecs, type RecurrentModelSpec } from '../src/experiments/modelSpec.js';
import { pairedDifference } from '../src/experiments/pairedDifference.js';
import { sessionNllSums } from '../src/experiments/sessionNll.js';
import { splitSubjectsIntoFolds } from '../src/experiments/subjectFolds.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createRandom } from '../src/random.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { ReversalLearningTask } from '../src/tasks/reversal.js';
import { maskedCrossEntropy } from '../src/training/crossEntropy.js';
import { sliceBatch } from '../src/training/sliceBatch.js';
import { readSharedData } from './sharedData.js';

const readData = readSharedData;
const twoStep = parseTrialsCsv(readData('hbayesdm_two_step.csv')).sessions;
const prl = parseTrialsCsv(readData('hbayesdm_prl.csv')).sessions;
const gru = (nHidden: number): RecurrentModelSpec => ({ kind: 'recurrent', label: `tiny_gru:${nHidden}`, architecture: 'tiny_gru', nHidden });

describe('parseModelSpecs', () => {
  it('parseModelSpecs expands sizes, maps names and aliases to canonical labels and drops duplicates', () => {
    const specs = parseModelSpecs(['tinygru:1,2,4', 'lowrank:1,3@4 hybrid', 'daw_hybrid', 'tiny_gru:2', 'LOW_RANK:1@4'], 'two_stage');
    expect(specs.map((s) => s.label)).toEqual(['tiny_gru:1', 'tiny_gru:2', 'tiny_gru:4', 'low_rank:1@4', 'low_rank:3@4', 'daw_hybrid']);
    expect(specs[3]).toEqual({ kind: 'recurrent', label: 'low_rank:1@4', architecture: 'low_rank', nHidden: 4, rank: 1 });
    expect(parseModelSpecs('lowrank:2')[0]).toMatchObject({ label: 'low_rank:2@8', nHidden: 8, rank: 2 });
    expect(parseModelSpecs('wsls bayes_reversal q_learning_forgetting').map((s) => s.label)).toEqual(['win_stay_lose_shift', 'bayesian_reversal', 'q_learning_forgetting']);
    expect(parseModelSpecs('model_free model_based_two_step').map((s) => s.label)).toEqual(['model_free_two_step', 'model_based_two_step']);
  });

  it('defaultModelSpecs(task) names the classical models of the task and TinyGRUs of 1 and 2 units, canonically', () => {
    expect(defaultModelSpecs('reversal').map((s) => s.label)).toEqual(['q_learning', 'bayesian_reversal', 'win_stay_lose_shift', 'tiny_gru:1', 'tiny_gru:2']);
    expect(defaultModelSpecs('two_stage').map((s) => s.label)).toEqual(['daw_hybrid', 'model_free_two_step', 'model_based_two_step', 'tiny_gru:1', 'tiny_gru:2']);
  });

  it('parseModelSpecs names a bad entry, an impossible size and a model of the wrong task', () => {
    expect(() => parseModelSpecs('tinygru:2 qlearning')).toThrow(
      'model entry "qlearning" is not a model; expected tiny_gru:H[,H...], low_rank:R[,R...][@N] or one of q_learning, q_learning_forgetting, ' +
        'win_stay_lose_shift, bayesian_reversal, pearce_hall, daw_hybrid, model_free_two_step, model_based_two_step ' +
        '(aliases: lowrank = low_rank, brain_inspired_rnn = low_rank, tinygru = tiny_gru, wsls = win_stay_lose_shift, bayes_reversal = bayesian_reversal, ' +
        'hybrid = daw_hybrid, model_free = model_free_two_step, model_based = model_based_two_step)',
    );
    expect(() => parseModelSpecs('gru:2')).toThrow('model entry "gru:2" is not a model');
    expect(() => parseModelSpecs('cognitive:2')).toThrow('model entry "cognitive:2" is not a model');
    expect(() => parseModelSpecs('tinygru:2@8')).toThrow('model entry "tinygru:2@8" sets @N, which only low_rank takes');
    expect(() => parseModelSpecs('lowrank:4@4')).toThrow('model entry "lowrank:4@4" has rank 4, outside [1, 3] for 4 units');
    expect(() => parseModelSpecs('tinygru:0')).toThrow('has hidden size 0, outside [1, 32]');
    expect(() => parseModelSpecs('q_learning', 'two_stage')).toThrow('model entry "q_learning" fits reversal data, but the data are two_stage');
  });

  it('createRecurrentModel builds a custom-stage low-rank network with the requested size and rank', () => {
    const model = createRecurrentModel(parseModelSpecs('low_rank:2@5')[0] as RecurrentModelSpec, { nInputs: 6, seed: 3 });
    expect(model).toBeInstanceOf(BrainInspiredRNN);
    expect((model as BrainInspiredRNN).config).toMatchObject({ stage: 'custom', nHidden: 5, rank: 2 });
  });
});

describe('splitSubjectsIntoFolds', () => {
  it('splitSubjectsIntoFolds puts every subject in one fold, sizes within one, as crossValidate does', () => {
    const folds = splitSubjectsIntoFolds(prl, { folds: 3, seed: 4 });
    const all = folds.testSubjects.flat();
    expect(all.sort()).toEqual([...new Set(prl.map((s) => s.subject))].sort());
    expect(folds.testSubjects.map((f) => f.length)).toEqual([7, 7, 6]);
    const cv = crossValidate(createWinStayLoseShiftModel(), prl, { folds: 3, seed: 4, restarts: 1 });
    expect(cv.folds.map((f) => f.testSubjects)).toEqual(folds.testSubjects);
    expect(() => splitSubjectsIntoFolds(twoStep, { folds: 12 })).toThrow('folds must be an integer in [2, 11] (the number of subjects), got 12');
  });
});

describe('crossValidateCognitiveSubjects', () => {
  it('crossValidateCognitiveSubjects reproduces crossValidate on the same folds and seeds, and its subjects sum to the total', () => {
    const folds = splitSubjectsIntoFolds(prl, { folds: 4, seed: 2 });
    const mine = crossValidateCognitiveSubjects(createQLearningModel(), folds, { seed: 2, restarts: 2, objective: 'total' });
    const reference = crossValidate(createQLearningModel(), prl, { folds: 4, seed: 2, restarts: 2 });
    expect(mine.nllPerChoice).toBeCloseTo(reference.nllPerChoice, 10);
    expect(mine.folds.map((f) => f.parameters)).toEqual(reference.folds.map((f) => f.fit.parameters));
    expect(mine.subjects.reduce((a, s) => a + s.nll, 0)).toBeCloseTo(mine.heldOutNll, 10);
    expect(mine.subjects.reduce((a, s) => a + s.nChoices, 0)).toBe(2000);
  });
});

describe('sessionNllSums', () => {
  it('sessionNllSums(batch) gives each session the NLL maskedCrossEntropy gives it alone', () => {
    const batch = sessionsToSequenceBatch(twoStep.slice(0, 4), TaskType.TWO_STAGE);
    const model = createRecurrentModel(gru(3), { nInputs: batch.nInputs, seed: 5 });
    const { nll, count } = sessionNllSums(batch, model.forward(batch).logits, 2);
    for (let b = 0; b < 4; b++) {
      const alone = sliceBatch(batch, [b]);
      const reference = maskedCrossEntropy(alone, model.forward(alone).logits, 2);
      expect(nll[b]).toBeCloseTo(reference.totalNll, 10);
      expect(count[b]).toBe(reference.count);
    }
    expect(Array.from(count)).toEqual(twoStep.slice(0, 4).map((s) => s.valid.reduce((a, v) => a + v, 0)));
  });
});

describe('toConjunctiveInputs', () => {
  it('toConjunctiveInputs one-hots the previous (action, state, reward) and keeps only the constant after a miss', () => {
    const session = emptyTrialsSession('two_stage', 's', 's', 4);
    // trial 0: choice 1, state 0 (rare), rewarded; trial 1: missed; trial 2: choice 0, state 1, no reward.
    [[1, 0, 1], [-1, -1, -1], [0, 1, 0], [1, 1, 1]].forEach(([choice, state, reward], t) => {
      session.choice[t] = choice;
      session.stage2State[t] = state;
      session.reward[t] = reward;
      session.valid[t] = choice >= 0 ? 1 : 0;
    });
    const task = sessionsToSequenceBatch([session], TaskType.TWO_STAGE);
    const batch = toConjunctiveInputs(task, TaskType.TWO_STAGE);
    expect(batch.nInputs).toBe(9);
    const row = (t: number) => Array.from(batch.inputs.slice(t * 9, (t + 1) * 9));
    expect(row(0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(row(1)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 1]); // (action 1, state 0, reward 1) → index 5
    expect(row(2)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(row(3)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1]); // (0, 1, 0) → index 2
    expect(batch.targets).toBe(task.targets);
    const reversal = toConjunctiveInputs(sessionsToSequenceBatch(prl.slice(0, 1), TaskType.REVERSAL), TaskType.REVERSAL);
    const { choice, reward } = prl[0];
    for (let t = 1; t < 10; t++) {
      const expected = [0, 0, 0, 0, 1];
      expected[choice[t - 1] * 2 + reward[t - 1]] = 1;
      expect(Array.from(reversal.inputs.slice(t * 5, t * 5 + 5))).toEqual(expected);
    }
  });
});

describe('pairedDifference', () => {
  it('pairedDifference gives the mean per-subject difference and its standard error', () => {
    const score = (subject: string, nllPerChoice: number) => ({ subject, fold: 0, nll: nllPerChoice, nChoices: 1, nllPerChoice });
    const a = [score('x', 0.5), score('y', 0.7), score('z', 0.4)];
    const b = [score('z', 0.5), score('x', 0.6), score('y', 0.6)];
    const paired = pairedDifference(a, b); // differences -0.1, 0.1, -0.1
    expect(paired.meanDifference).toBeCloseTo(-0.1 / 3, 12);
    const sd = Math.sqrt(((-0.1 + 0.1 / 3) ** 2 * 2 + (0.1 + 0.1 / 3) ** 2) / 2);
    expect(paired.standardError).toBeCloseTo(sd / Math.sqrt(3), 12);
    expect(paired.nBetter).toBe(2);
  });
});

describe('crossValidateRecurrent', () => {
  // A Q-learner with a strong inverse temperature is predictable: a fitted network must beat chance.
  const task = new ReversalLearningTask({ nSessions: 12, rng: createRandom(11) });
  const simulated: TrialsSession[] = simulateSessions(createQLearningModel().createAgent({ alpha: 0.5, beta: 6, kappa: 0.3 }), task, {
    nTrials: 100,
    rng: createRandom(12),
  });

  it('crossValidateRecurrent fits a TinyGRU to a simulated Q-learner below chance, with the same result from the same seed', () => {
    const options = { folds: 3, seeds: 2, seed: 7, training: { nEpochs: 40, batchSize: 4 } };
    const cv = crossValidateRecurrent(gru(2), simulated, options);
    expect(cv.nllPerChoice).toBeLessThan(Math.LN2 - 0.1);
    expect(cv.heldOutChoices).toBe(1200);
    for (const fold of cv.folds) {
      expect(Number.isFinite(fold.nllPerChoice)).toBe(true);
      expect(fold.runs[fold.chosenRun].validationNll).toBe(Math.min(...fold.runs.map((r) => r.validationNll)));
      expect(fold.validationSubjects.some((s) => fold.testSubjects.includes(s))).toBe(false);
      expect(fold.validationSubjects).toHaveLength(2);
    }
    expect(crossValidateRecurrent(gru(2), simulated, options).nllPerChoice).toBe(cv.nllPerChoice);
  });

  it('crossValidateRecurrent with conjunctive inputs lets a 1-unit GRU beat chance on a simulated Q-learner', () => {
    const cv = crossValidateRecurrent(gru(1), simulated, { folds: 3, seeds: 2, seed: 7, inputEncoding: 'conjunctive', training: { nEpochs: 40, batchSize: 4 } });
    expect(cv.inputEncoding).toBe('conjunctive');
    expect(cv.folds[0].model.nInputs).toBe(5);
    expect(cv.nllPerChoice).toBeLessThan(Math.LN2 - 0.1);
    expect(() => crossValidateRecurrent(gru(1), simulated, { inputEncoding: 'onehot' as 'task' })).toThrow('inputEncoding must be "task" or "conjunctive", got "onehot"');
  });
});

describe('compareModels', () => {
  it('compareModels scores every model on the same subject folds and ranks them by held-out NLL', () => {
    const sessions = twoStep.slice(0, 6);
    const specs = parseModelSpecs('tiny_gru:1 low_rank:1@2 model_free_two_step', 'two_stage');
    const progress: number[] = [];
    const result = compareModels(sessions, specs, {
      folds: 2,
      seeds: 2,
      seed: 3,
      restarts: 1,
      training: { nEpochs: 5 },
      onProgress: (p) => progress.push(p.unitsDone / p.unitsTotal),
    });
    expect(result.folds.flat().sort()).toEqual(sessions.map((s) => s.subject).sort());
    const foldOf = new Map(result.folds.flatMap((subjects, f) => subjects.map((s) => [s, f] as const)));
    for (const model of result.models) {
      expect(model.subjects.map((s) => [s.subject, s.fold])).toEqual(model.subjects.map((s) => [s.subject, foldOf.get(s.subject)]));
      expect(model.subjects).toHaveLength(6);
      expect(model.heldOutChoices).toBe(result.nChoices);
      expect(Number.isFinite(model.nllPerChoice)).toBe(true);
    }
    expect(result.models[0].recurrent!.folds.map((f) => f.testSubjects)).toEqual(result.folds);
    expect(result.models[2].cognitive!.folds.map((f) => f.testSubjects)).toEqual(result.folds);
    const sorted = [...result.models].sort((a, b) => a.nllPerChoice - b.nllPerChoice).map((m) => m.label);
    expect(result.ranking).toEqual(sorted);
    expect(result.models.find((m) => m.label === result.winner)!.versusWinner).toBeNull();
    expect(result.models.filter((m) => m.versusWinner !== null).every((m) => m.versusWinner!.nSubjects === 6)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((v, i) => i === 0 || v >= progress[i - 1])).toBe(true);
  });
});
