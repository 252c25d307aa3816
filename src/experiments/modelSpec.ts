/**
 * The models of a comparison, named the way the `fit` command takes them:
 * `tinygru:1,2,4 lowrank:1,2@8 q_learning hybrid`. A recurrent entry expands to one model per
 * size; a cognitive name maps to a factory in src/cognitive/models/.
 */
import type { CognitiveModel } from '../cognitive/cognitiveModel.js';
import { createBayesianReversalModel } from '../cognitive/models/bayesianReversal.js';
import { createDawHybridModel } from '../cognitive/models/dawHybrid.js';
import { createModelBasedTwoStepModel } from '../cognitive/models/modelBasedTwoStep.js';
import { createModelFreeTwoStepModel } from '../cognitive/models/modelFreeTwoStep.js';
import { createPearceHallModel } from '../cognitive/models/pearceHall.js';
import { createQLearningModel } from '../cognitive/models/qLearning.js';
import { createWinStayLoseShiftModel } from '../cognitive/models/winStayLoseShift.js';
import type { TrialsTask } from '../data/trialsCsv.js';
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { createMatureConfig, validateDevelopmentalConfig } from '../model/config.js';
import type { RecurrentModel } from '../model/recurrentModel.js';
import { MAX_TINY_GRU_HIDDEN, TinyGRU } from '../model/tinyGru.js';
import { ConfigError } from '../validation.js';

/** A network fitted by gradient descent: TinyGRU (Ji-An et al. 2025) or the low-rank RNN. */
export interface RecurrentModelSpec {
  kind: 'recurrent';
  /** `tinygru:2`, `lowrank:1@8`. */
  label: string;
  architecture: 'tinygru' | 'lowrank';
  nHidden: number;
  /** Low-rank only: rank of M Nᵀ (W_rec = m nᵀ + M Nᵀ has rank at most rank + 1). */
  rank?: number;
}

/** A classical model fitted by maximum likelihood. */
export interface CognitiveModelSpec {
  kind: 'cognitive';
  /** The name as given on the command line, e.g. `hybrid`. */
  label: string;
  task: TrialsTask;
  create: () => CognitiveModel;
}

export type ModelSpec = RecurrentModelSpec | CognitiveModelSpec;

/** Units of a `lowrank:R` network when the entry does not say `@N`. */
export const DEFAULT_LOW_RANK_HIDDEN = 8;

/** Cognitive models by command-line name; each model's own `name` is accepted too. */
export const COGNITIVE_MODELS: Readonly<Record<string, () => CognitiveModel>> = Object.freeze({
  q_learning: () => createQLearningModel(),
  q_learning_forgetting: () => createQLearningModel({ forgetting: true }),
  wsls: () => createWinStayLoseShiftModel(),
  bayes_reversal: () => createBayesianReversalModel(),
  pearce_hall: () => createPearceHallModel(),
  model_free: () => createModelFreeTwoStepModel(),
  model_based: () => createModelBasedTwoStepModel(),
  hybrid: () => createDawHybridModel(),
});

const ALIASES: Record<string, string> = Object.fromEntries(
  Object.entries(COGNITIVE_MODELS).map(([alias, create]) => [create().name, alias]),
);

const RECURRENT = /^(tinygru|lowrank):(\d+(?:,\d+)*)(?:@(\d+))?$/;

function usage(entry: string, why: string): ConfigError {
  const names = Object.keys(COGNITIVE_MODELS).join(', ');
  return new ConfigError([`model entry ${JSON.stringify(entry)} ${why}; expected tinygru:H[,H...], lowrank:R[,R...][@N] or one of ${names}`]);
}

function parseRecurrent(entry: string, match: RegExpMatchArray): RecurrentModelSpec[] {
  const architecture = match[1] as 'tinygru' | 'lowrank';
  const sizes = match[2].split(',').map(Number);
  if (architecture === 'tinygru') {
    if (match[3] !== undefined) throw usage(entry, 'sets @N, which only lowrank takes');
    return sizes.map((nHidden) => {
      if (nHidden < 1 || nHidden > MAX_TINY_GRU_HIDDEN) throw usage(entry, `has hidden size ${nHidden}, outside [1, ${MAX_TINY_GRU_HIDDEN}]`);
      return { kind: 'recurrent', label: `tinygru:${nHidden}`, architecture, nHidden };
    });
  }
  const nHidden = match[3] === undefined ? DEFAULT_LOW_RANK_HIDDEN : Number(match[3]);
  if (nHidden < 2) throw usage(entry, `has ${nHidden} units; a low-rank network needs at least 2`);
  return sizes.map((rank) => {
    if (rank < 1 || rank > nHidden - 1) throw usage(entry, `has rank ${rank}, outside [1, ${nHidden - 1}] for ${nHidden} units`);
    return { kind: 'recurrent', label: `lowrank:${rank}@${nHidden}`, architecture, nHidden, rank };
  });
}

/**
 * Parse model entries (whitespace-separated in one string, or one per array element). With `task`,
 * cognitive models of another task are rejected. Duplicate labels are dropped.
 * @example
 * parseModelSpecs('tinygru:1,2 hybrid', 'two_stage').map((s) => s.label); // ['tinygru:1', 'tinygru:2', 'hybrid']
 */
export function parseModelSpecs(entries: string | readonly string[], task?: TrialsTask): ModelSpec[] {
  const list = (typeof entries === 'string' ? [entries] : entries).flatMap((e) => e.trim().split(/\s+/)).filter((e) => e !== '');
  if (list.length === 0) throw new ConfigError(['models must name at least one model, got none']);
  const specs: ModelSpec[] = [];
  for (const entry of list) {
    const key = entry.toLowerCase();
    const match = key.match(RECURRENT);
    if (match) {
      specs.push(...parseRecurrent(entry, match));
      continue;
    }
    const alias = key in COGNITIVE_MODELS ? key : ALIASES[key];
    if (alias === undefined) throw usage(entry, 'is not a model');
    const create = COGNITIVE_MODELS[alias];
    const modelTask = create().task;
    if (task !== undefined && modelTask !== task) throw usage(entry, `fits ${modelTask} data, but the data are ${task}`);
    specs.push({ kind: 'cognitive', label: alias, task: modelTask, create });
  }
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.label) && seen.add(s.label));
}

/**
 * The default comparison for a task: the classical models that suit it and TinyGRUs of 1 and 2 units.
 * @example
 * defaultModelSpecs('reversal').map((s) => s.label); // ['q_learning', 'bayes_reversal', 'wsls', 'tinygru:1', 'tinygru:2']
 */
export function defaultModelSpecs(task: TrialsTask): ModelSpec[] {
  return parseModelSpecs(task === 'reversal' ? 'q_learning bayes_reversal wsls tinygru:1,2' : 'hybrid model_free model_based tinygru:1,2', task);
}

export interface CreateRecurrentModelOptions {
  nInputs: number;
  /** Default 2. */
  nOutputs?: number;
  /** Seed of the initialisation. */
  seed: number;
}

/**
 * A freshly initialised network for a spec. Low-rank networks take the mature preset's leak,
 * gains and regulariser weights with the spec's size and rank (stage `custom`); fitting switches
 * the regularisers off unless asked.
 * @example
 * const gru = createRecurrentModel(parseModelSpecs('tinygru:2')[0] as RecurrentModelSpec, { nInputs: 6, seed: 1 });
 */
export function createRecurrentModel(spec: RecurrentModelSpec, { nInputs, nOutputs = 2, seed }: CreateRecurrentModelOptions): RecurrentModel {
  if (spec.architecture === 'tinygru') return new TinyGRU({ nHidden: spec.nHidden, nInputs, nOutputs, seed });
  const config = validateDevelopmentalConfig(
    { ...createMatureConfig({ nHidden: Math.max(spec.nHidden, 2) }), stage: 'custom', nHidden: spec.nHidden, rank: spec.rank },
    spec.label,
  );
  return new BrainInspiredRNN(config, { nInputs, nOutputs, seed });
}
