/**
 * The models of a comparison, named the way the `fit` command takes them:
 * `tiny_gru:1,2,4 low_rank:1,2@8 q_learning daw_hybrid`. A recurrent entry expands to one model
 * per size; a cognitive name (canonical or alias) maps to its registry entry
 * (src/registry/cognitiveModels.ts). Labels always use the canonical names.
 */
import type { CognitiveModel } from '../cognitive/cognitiveModel.js';
import type { TrialsTask } from '../data/trialsCsv.js';
import { BrainInspiredRNN } from '../model/brainInspiredRnn.js';
import { createMatureConfig, validateDevelopmentalConfig } from '../model/config.js';
import type { RecurrentModel } from '../model/recurrentModel.js';
import { MAX_TINY_GRU_HIDDEN, TinyGRU } from '../model/tinyGru.js';
import { COGNITIVE_MODEL_ALIASES, COGNITIVE_MODEL_ENTRIES, COGNITIVE_MODEL_NAMES, findCognitiveModel } from '../registry/cognitiveModels.js';
import { MODEL_KIND_ALIASES, findModelKind, type RecurrentModelKind } from '../registry/modelKinds.js';
import { ConfigError } from '../validation.js';

/** A network fitted by gradient descent: TinyGRU (Ji-An et al. 2025) or the low-rank RNN. */
export interface RecurrentModelSpec {
  kind: 'recurrent';
  /** `tiny_gru:2`, `low_rank:1@8`. */
  label: string;
  architecture: RecurrentModelKind;
  nHidden: number;
  /** Low-rank only: rank of M Nᵀ (W_rec = m nᵀ + M Nᵀ has rank at most rank + 1). */
  rank?: number;
}

/** A classical model fitted by maximum likelihood. */
export interface CognitiveModelSpec {
  kind: 'cognitive';
  /** The model's canonical name, e.g. `daw_hybrid` for `hybrid` on the command line. */
  label: string;
  task: TrialsTask;
  create: () => CognitiveModel;
}

export type FitModelSpec = RecurrentModelSpec | CognitiveModelSpec;

/** Units of a `low_rank:R` network when the entry does not say `@N`. */
export const DEFAULT_LOW_RANK_HIDDEN = 8;

/**
 * Cognitive-model factories by every name `fit` accepts, canonical or alias (lower case), each
 * with the model's own defaults.
 * @deprecated Use resolveCognitiveModel (src/registry/cognitiveModels.ts).
 */
export const COGNITIVE_MODELS: Readonly<Record<string, () => CognitiveModel>> = Object.freeze(
  Object.fromEntries(COGNITIVE_MODEL_ENTRIES.flatMap((e) => [e.name, ...e.aliases].map((name) => [name, () => e.create()]))),
);

const RECURRENT = /^([a-z_]+):(\d+(?:,\d+)*)(?:@(\d+))?$/;

function usage(entry: string, why: string): ConfigError {
  return new ConfigError([
    `model entry ${JSON.stringify(entry)} ${why}; expected tiny_gru:H[,H...], low_rank:R[,R...][@N] or one of ${COGNITIVE_MODEL_NAMES.join(', ')} ` +
      `(aliases: ${MODEL_KIND_ALIASES}, ${COGNITIVE_MODEL_ALIASES})`,
  ]);
}

function parseRecurrent(entry: string, architecture: RecurrentModelKind, match: RegExpMatchArray): RecurrentModelSpec[] {
  const sizes = match[2].split(',').map(Number);
  if (architecture === 'tiny_gru') {
    if (match[3] !== undefined) throw usage(entry, 'sets @N, which only low_rank takes');
    return sizes.map((nHidden) => {
      if (nHidden < 1 || nHidden > MAX_TINY_GRU_HIDDEN) throw usage(entry, `has hidden size ${nHidden}, outside [1, ${MAX_TINY_GRU_HIDDEN}]`);
      return { kind: 'recurrent', label: `tiny_gru:${nHidden}`, architecture, nHidden };
    });
  }
  const nHidden = match[3] === undefined ? DEFAULT_LOW_RANK_HIDDEN : Number(match[3]);
  if (nHidden < 2) throw usage(entry, `has ${nHidden} units; a low-rank network needs at least 2`);
  return sizes.map((rank) => {
    if (rank < 1 || rank > nHidden - 1) throw usage(entry, `has rank ${rank}, outside [1, ${nHidden - 1}] for ${nHidden} units`);
    return { kind: 'recurrent', label: `low_rank:${rank}@${nHidden}`, architecture, nHidden, rank };
  });
}

/**
 * Parse model entries (whitespace-separated in one string, or one per array element). Names are
 * case-insensitive and may be aliases (`tinygru`, `lowrank`, `hybrid`, `wsls`, ...); labels are
 * canonical. With `task`, cognitive models of another task are rejected. Duplicate labels are
 * dropped.
 * @example
 * parseModelSpecs('tinygru:1,2 hybrid', 'two_stage').map((s) => s.label); // ['tiny_gru:1', 'tiny_gru:2', 'daw_hybrid']
 */
export function parseModelSpecs(entries: string | readonly string[], task?: TrialsTask): FitModelSpec[] {
  const list = (typeof entries === 'string' ? [entries] : entries).flatMap((e) => e.trim().split(/\s+/)).filter((e) => e !== '');
  if (list.length === 0) throw new ConfigError(['models must name at least one model, got none']);
  const specs: FitModelSpec[] = [];
  for (const entry of list) {
    const key = entry.toLowerCase();
    const match = key.match(RECURRENT);
    if (match) {
      const kind = findModelKind(match[1]);
      if (kind === undefined || kind === 'cognitive') throw usage(entry, 'is not a model');
      specs.push(...parseRecurrent(entry, kind, match));
      continue;
    }
    const model = findCognitiveModel(key);
    if (model === undefined) throw usage(entry, 'is not a model');
    if (task !== undefined && model.fits !== task) throw usage(entry, `fits ${model.fits} data, but the data are ${task}`);
    specs.push({ kind: 'cognitive', label: model.name, task: model.fits, create: () => model.create() });
  }
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.label) && seen.add(s.label));
}

/**
 * The default comparison for a task: the classical models that suit it and TinyGRUs of 1 and 2 units.
 * @example
 * defaultModelSpecs('reversal').map((s) => s.label); // ['q_learning', 'bayesian_reversal', 'win_stay_lose_shift', 'tiny_gru:1', 'tiny_gru:2']
 */
export function defaultModelSpecs(task: TrialsTask): FitModelSpec[] {
  return parseModelSpecs(
    task === 'reversal' ? 'q_learning bayesian_reversal win_stay_lose_shift tiny_gru:1,2' : 'daw_hybrid model_free_two_step model_based_two_step tiny_gru:1,2',
    task,
  );
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
 * const gru = createRecurrentModel(parseModelSpecs('tiny_gru:2')[0] as RecurrentModelSpec, { nInputs: 6, seed: 1 });
 */
export function createRecurrentModel(spec: RecurrentModelSpec, { nInputs, nOutputs = 2, seed }: CreateRecurrentModelOptions): RecurrentModel {
  if (spec.architecture === 'tiny_gru') return new TinyGRU({ nHidden: spec.nHidden, nInputs, nOutputs, seed });
  const config = validateDevelopmentalConfig(
    { ...createMatureConfig({ nHidden: Math.max(spec.nHidden, 2) }), stage: 'custom', nHidden: spec.nHidden, rank: spec.rank },
    spec.label,
  );
  return new BrainInspiredRNN(config, { nInputs, nOutputs, seed });
}
