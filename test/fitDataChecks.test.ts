import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFitCommand } from '../actors/cli/fitRun.js';
import { defineCognitiveModel } from '../src/cognitive/defineCognitiveModel.js';
import { learnsFromOutcomes } from '../src/cognitive/learnsFromOutcomes.js';
import { formatTrialsCsv, parseTrialsCsv, type TrialsSession } from '../src/data/trialsCsv.js';
import { checkFitData } from '../src/experiments/checkFitData.js';
import { compareModels } from '../src/experiments/compareModels.js';
import { parseModelSpecs, type FitModelSpec } from '../src/experiments/modelSpec.js';
import { COGNITIVE_MODEL_ENTRIES } from '../src/registry/cognitiveModels.js';
import { readSharedData } from './sharedData.js';

const prl = () => parseTrialsCsv(readSharedData('hbayesdm_prl.csv')).sessions.slice(0, 6);
const quick = { folds: 2, restarts: 1, seeds: 1, training: { nEpochs: 1 } };

function withoutChoices(sessions: TrialsSession[]): TrialsSession[] {
  for (const s of sessions) {
    s.choice.fill(-1);
    s.valid.fill(0);
  }
  return sessions;
}

function withoutRewards(sessions: TrialsSession[], share = 1): TrialsSession[] {
  for (const s of sessions) for (let t = 0; t < s.nTrials * share; t++) s.reward[t] = -1;
  return sessions;
}

describe('compareModels data checks', () => {
  it('compareModels refuses data whose choices are all missing instead of naming a winner with no NLL', () => {
    expect(() => compareModels(withoutChoices(prl()), parseModelSpecs('q_learning'), quick)).toThrow(
      'the data have no usable choices: column "choice" is empty on all 600 trials of 6 session(s), so there is nothing to fit (each trial needs a choice of 0 or 1)',
    );
  });

  it('compareModels refuses outcome-learning cognitive models when every reward is missing, naming them', () => {
    expect(() => compareModels(withoutRewards(prl()), parseModelSpecs('q_learning wsls tiny_gru:1'), quick)).toThrow(
      'column "reward" is empty on all 600 trials with a choice, but q_learning, win_stay_lose_shift learn from outcomes and cannot be fitted without them; ' +
        'fill in the rewards, or compare only networks (e.g. --models tiny_gru:1,2)',
    );
  });

  it('compareModels fits networks without outcomes but says so in its warnings', () => {
    const result = compareModels(withoutRewards(prl()), parseModelSpecs('tiny_gru:1'), quick);
    expect(result.warnings).toEqual(['column "reward" is empty on all 600 trials with a choice: tiny_gru:1 sees no outcomes and can only fit the sequence of choices']);
  });

  it('compareModels warns when more than a tenth of the outcomes are missing, and not on complete data', () => {
    expect(compareModels(prl(), parseModelSpecs('q_learning'), quick).warnings).toEqual([]);
    expect(compareModels(withoutRewards(prl(), 0.5), parseModelSpecs('q_learning'), quick).warnings).toEqual([
      'column "reward" is empty on 50% of the trials with a choice (300 of 600): on those trials q_learning cannot learn from an outcome',
    ]);
  });
});

describe('runFitCommand data checks', () => {
  it('runFitCommand (brain-rnn fit) refuses a CSV whose choices are all missing before writing anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-data-'));
    const data = join(dir, 'nochoice.csv');
    writeFileSync(data, formatTrialsCsv(withoutChoices(prl())));
    const outputDir = join(dir, 'out');
    expect(() => runFitCommand({ data, models: ['q_learning'], folds: 2, seeds: 1, seed: 1, restarts: 1, objective: 'stage1', outputDir, progress: false, print: () => {} })).toThrow(
      /^the data have no usable choices/,
    );
    expect(existsSync(join(outputDir, 'results.json'))).toBe(false);
  });
});

describe('checkFitData', () => {
  it('checkFitData names subjects without a single choice', () => {
    const sessions = prl();
    withoutChoices([sessions[2]]);
    const specs: FitModelSpec[] = parseModelSpecs('q_learning');
    expect(checkFitData(sessions, specs)).toMatchObject({
      nSessions: 6, nTrials: 600, nChoices: 500, nOutcomes: 500,
      warnings: ['subject(s) 3 have no choice at all: they add nothing to the held-out NLL and are left out of the paired comparisons'],
    });
  });

  it('learnsFromOutcomes is true for every registered cognitive model and false for one that ignores rewards', () => {
    for (const entry of COGNITIVE_MODEL_ENTRIES) expect([entry.name, learnsFromOutcomes(entry.create())]).toEqual([entry.name, true]);
    const bias = defineCognitiveModel({
      name: 'biased_coin', task: 'reversal', parameters: [{ name: 'bias', lower: -5, upper: 5, start: 0.5, startRange: [-1, 1] }],
      bind: (params) => ({ stateSize: 0, init: () => {}, choiceLogit: () => params[0], update: () => {} }),
    });
    expect(learnsFromOutcomes(bias)).toBe(false);
    const sessions = withoutRewards(prl());
    expect(checkFitData(sessions, [{ kind: 'cognitive', label: 'biased_coin', task: 'reversal', create: () => bias }]).warnings).toEqual([]);
  });
});
