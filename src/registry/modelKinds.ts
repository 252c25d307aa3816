/**
 * The kinds of model an agent or a fit can name, one vocabulary for scenarios, `brain-rnn fit` and
 * sweeps. `low_rank` is the BrainInspiredRNN (Mastrogiuseppe & Ostojic 2018 low-rank recurrence
 * with developmental constraints), `tiny_gru` the TinyGRU of Ji-An et al. (2025), `cognitive` a
 * classical model of src/cognitive/models (see cognitiveModels.ts).
 *
 * A checkpoint's or recording's `kind` field (`brain_inspired_rnn`, `tiny_gru`) is a file-format
 * key and stays as it is; it is accepted here as an alias so a file's kind maps onto the vocabulary.
 */
import type { SerializedModel } from '../model/recurrentModel.js';
import { createNameResolver } from './nameResolver.js';

/** Canonical model kinds. */
export const MODEL_KINDS = ['low_rank', 'tiny_gru', 'cognitive'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** The kinds that are networks (have weights and a serialized form). */
export type RecurrentModelKind = Exclude<ModelKind, 'cognitive'>;

export interface ModelKindEntry {
  readonly name: ModelKind;
  readonly aliases: readonly string[];
  /** The `kind` written in checkpoints and recordings; networks only. */
  readonly serializedKind?: SerializedModel['kind'];
}

/** Every model kind with its aliases, in MODEL_KINDS order. */
export const MODEL_KIND_ENTRIES: readonly ModelKindEntry[] = Object.freeze([
  { name: 'low_rank', aliases: ['lowrank', 'brain_inspired_rnn'], serializedKind: 'brain_inspired_rnn' },
  { name: 'tiny_gru', aliases: ['tinygru'], serializedKind: 'tiny_gru' },
  { name: 'cognitive', aliases: [] },
] as const);

const resolver = createNameResolver('model kind', MODEL_KIND_ENTRIES);

/**
 * The canonical kind of a name or alias (any case), or undefined.
 * @example
 * findModelKind('lowrank'); // 'low_rank'
 * findModelKind('lstm'); // undefined
 */
export function findModelKind(name: string): ModelKind | undefined {
  return resolver.find(name)?.name;
}

/**
 * The canonical kind of a name or alias (any case); a ConfigError listing the kinds otherwise.
 * @example
 * resolveModelKind('brain_inspired_rnn'); // 'low_rank' (a checkpoint's kind)
 * resolveModelKind('TinyGRU'); // 'tiny_gru'
 */
export function resolveModelKind(name: unknown): ModelKind {
  return resolver.resolve(name).name;
}

/**
 * The `kind` a checkpoint or recording of this network kind carries.
 * @example
 * serializedModelKind('low_rank'); // 'brain_inspired_rnn'
 */
export function serializedModelKind(kind: RecurrentModelKind): SerializedModel['kind'] {
  return MODEL_KIND_ENTRIES.find((e) => e.name === kind)!.serializedKind!;
}

/** `lowrank = low_rank, ...`, for usage messages and docs. */
export const MODEL_KIND_ALIASES: string = resolver.aliasList;
