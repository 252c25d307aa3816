import { describe, expect, it } from 'vitest';
import { createDawHybridModel } from '../src/cognitive/models/dawHybrid.js';
import { emptyTrialsSession, type TrialsSession } from '../src/data/trialsCsv.js';
import { COGNITIVE_MODELS } from '../src/experiments/modelSpec.js';
import { createRandom } from '../src/random.js';
import {
  COGNITIVE_MODEL_ENTRIES,
  COGNITIVE_MODEL_NAMES,
  cognitiveModelsFitting,
  cognitiveModelsPlaying,
  createLiveCognitiveModel,
  findCognitiveModel,
  resolveCognitiveModel,
} from '../src/registry/cognitiveModels.js';
import { createNameResolver } from '../src/registry/nameResolver.js';
import { MODEL_KINDS, findModelKind, resolveModelKind, serializedModelKind } from '../src/registry/modelKinds.js';
import { TwoStageTask } from '../src/tasks/twoStage.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../src/model/config.js';
import { TinyGRU } from '../src/model/tinyGru.js';

const HYBRID = { alpha1: 0.5, alpha2: 0.4, lambda: 0.6, beta1: 3, beta2: 2, w: 0.7, perseveration: 0.2 };

/** Two-stage trials (choice, stage-2 state, stage-2 choice, reward), both transitions present. */
function twoStageSession(): TrialsSession {
  const rows = [[0, 0, 1, 1], [0, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 1], [0, 0, 1, 0]];
  const s = emptyTrialsSession('two_stage', 's', 'a', rows.length);
  rows.forEach(([choice, state, stage2Choice, reward], t) => {
    [s.choice[t], s.stage2State[t], s.stage2Choice[t], s.reward[t], s.valid[t]] = [choice, state, stage2Choice, reward, 1];
  });
  return s;
}

describe('cognitive model registry', () => {
  it('each entry is named as its model names itself and fits the task its model declares', () => {
    expect(COGNITIVE_MODEL_NAMES).toEqual([
      'q_learning', 'q_learning_forgetting', 'win_stay_lose_shift', 'bayesian_reversal', 'pearce_hall',
      'daw_hybrid', 'model_free_two_step', 'model_based_two_step',
    ]);
    for (const entry of COGNITIVE_MODEL_ENTRIES) {
      const model = entry.create();
      expect([model.name, model.task]).toEqual([entry.name, entry.fits]);
      expect(entry.plays).toEqual(entry.fits === 'two_stage' ? ['two_stage'] : ['reversal', 'probabilistic_reward']);
    }
  });

  it('resolveCognitiveModel accepts canonical names and aliases in any case and names the choices for an unknown one', () => {
    const aliases = { wsls: 'win_stay_lose_shift', bayes_reversal: 'bayesian_reversal', hybrid: 'daw_hybrid', model_free: 'model_free_two_step', model_based: 'model_based_two_step' };
    for (const [alias, name] of Object.entries(aliases)) {
      expect(resolveCognitiveModel(alias).name).toBe(name);
      expect(resolveCognitiveModel(alias.toUpperCase()).name).toBe(name);
      expect(resolveCognitiveModel(name).name).toBe(name);
    }
    expect(findCognitiveModel('Q_Learning')?.name).toBe('q_learning');
    expect(findCognitiveModel('qlearning')).toBeUndefined();
    expect(() => resolveCognitiveModel('qlearning')).toThrow(
      'cognitive model must be one of q_learning, q_learning_forgetting, win_stay_lose_shift, bayesian_reversal, pearce_hall, daw_hybrid, ' +
        'model_free_two_step, model_based_two_step or an alias (wsls = win_stay_lose_shift, bayes_reversal = bayesian_reversal, hybrid = daw_hybrid, ' +
        'model_free = model_free_two_step, model_based = model_based_two_step), got "qlearning"',
    );
    expect(() => resolveCognitiveModel(undefined)).toThrow('got undefined');
  });

  it('create({ commonTransitionProb }) reaches the two-step planner; without it the model keeps its own default', () => {
    const session = twoStageSession();
    const nll = (model: ReturnType<typeof createDawHybridModel>) => model.negLogLikelihood(HYBRID, session).nll;
    const hybrid = resolveCognitiveModel('hybrid');
    expect(nll(hybrid.create())).toBe(nll(createDawHybridModel()));
    expect(nll(hybrid.create({ commonTransitionProb: 0.9 }))).toBe(nll(createDawHybridModel({ commonTransitionProb: 0.9 })));
    expect(nll(hybrid.create({ commonTransitionProb: 0.9 }))).not.toBe(nll(createDawHybridModel()));
    expect(() => hybrid.create({ commonTransitionProb: 1.5 })).toThrow('commonTransitionProb');
  });

  it("createLiveCognitiveModel plans with the task's commonTransitionProb, TwoStageTask's default when unset, and refuses a task the model cannot play", () => {
    const session = twoStageSession();
    const taskDefault = new TwoStageTask({ nSessions: 1, rng: createRandom(1) }).commonTransitionProb;
    const nll = (model: ReturnType<typeof createDawHybridModel>) => model.negLogLikelihood(HYBRID, session).nll;
    expect(nll(createLiveCognitiveModel('daw_hybrid', 'two_stage'))).toBe(nll(createDawHybridModel({ commonTransitionProb: taskDefault })));
    expect(nll(createLiveCognitiveModel('hybrid', 'two_stage', { commonTransitionProb: 0.6 }))).toBe(nll(createDawHybridModel({ commonTransitionProb: 0.6 })));
    expect(createLiveCognitiveModel('pearce_hall', 'probabilistic_reward', { commonTransitionProb: 0.6 }).name).toBe('pearce_hall');
    expect(() => createLiveCognitiveModel('daw_hybrid', 'reversal')).toThrow('cognitive model "daw_hybrid" cannot play task "reversal"; it plays two_stage');
    expect(() => createLiveCognitiveModel('wsls', 'two_stage')).toThrow('cognitive model "win_stay_lose_shift" cannot play task "two_stage"; it plays reversal, probabilistic_reward');
  });

  it('cognitiveModelsFitting and cognitiveModelsPlaying list the entries of a task in registry order', () => {
    expect(cognitiveModelsFitting('two_stage').map((e) => e.name)).toEqual(['daw_hybrid', 'model_free_two_step', 'model_based_two_step']);
    expect(cognitiveModelsPlaying('probabilistic_reward').map((e) => e.name)).toEqual(COGNITIVE_MODEL_NAMES.slice(0, 5));
  });

  it('COGNITIVE_MODELS keeps every name fit took before, and the canonical names, mapped to the same models', () => {
    for (const [name, canonical] of [['wsls', 'win_stay_lose_shift'], ['hybrid', 'daw_hybrid'], ['daw_hybrid', 'daw_hybrid'], ['q_learning', 'q_learning']]) {
      expect(COGNITIVE_MODELS[name]().name).toBe(canonical);
    }
  });
});

describe('model kind registry', () => {
  it('resolveModelKind maps aliases and checkpoint kinds onto low_rank, tiny_gru and cognitive, case-insensitively', () => {
    expect(MODEL_KINDS).toEqual(['low_rank', 'tiny_gru', 'cognitive']);
    expect(['low_rank', 'lowrank', 'brain_inspired_rnn', 'LowRank'].map(resolveModelKind)).toEqual(['low_rank', 'low_rank', 'low_rank', 'low_rank']);
    expect(['tiny_gru', 'tinygru', 'TinyGRU'].map(resolveModelKind)).toEqual(['tiny_gru', 'tiny_gru', 'tiny_gru']);
    expect(resolveModelKind('cognitive')).toBe('cognitive');
    expect(findModelKind('lstm')).toBeUndefined();
    expect(() => resolveModelKind('lstm')).toThrow(
      'model kind must be one of low_rank, tiny_gru, cognitive or an alias (lowrank = low_rank, brain_inspired_rnn = low_rank, tinygru = tiny_gru), got "lstm"',
    );
  });

  it("serializedModelKind gives the kind a network's checkpoint carries, and a checkpoint's kind resolves back", () => {
    const lowRank = new BrainInspiredRNN(createMatureConfig({ nHidden: 4 }), { nInputs: 3, nOutputs: 2, seed: 1 });
    const gru = new TinyGRU({ nHidden: 2, nInputs: 3, nOutputs: 2, seed: 1 });
    expect([serializedModelKind('low_rank'), serializedModelKind('tiny_gru')]).toEqual([lowRank.toJSON().kind, gru.toJSON().kind]);
    expect([resolveModelKind(lowRank.kind), resolveModelKind(gru.kind)]).toEqual(['low_rank', 'tiny_gru']);
  });

  it('createNameResolver refuses two entries that claim one spelling', () => {
    expect(() => createNameResolver('thing', [{ name: 'a', aliases: ['b'] }, { name: 'B', aliases: [] }])).toThrow('thing name "B" is claimed by both a and B');
  });
});
