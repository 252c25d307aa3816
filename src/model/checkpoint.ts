/**
 * Checkpoints: JSON metadata plus weights, as one text. JSON numbers round-trip float64 exactly
 * (and float32 values are exactly representable as float64), so save → load is bit-exact.
 * Reading and writing files is the caller's job (the CLI); this stays pure.
 */
import { z } from 'zod';
import { BrainInspiredRNN } from './brainInspiredRnn.js';
import { TinyGRU } from './tinyGru.js';
import type { RecurrentModel, SerializedModel } from './recurrentModel.js';
import { parseWith } from '../schemaValidation.js';

export const CHECKPOINT_FORMAT = 'brain-inspired-rnn/checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Free-form metadata: task, seed, epoch, metrics, package version... */
  metadata: Record<string, unknown>;
  model: SerializedModel;
}

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  metadata: z.record(z.string(), z.unknown()),
  model: z.object({
    kind: z.enum(['brain_inspired_rnn', 'tiny_gru']),
    config: z.record(z.string(), z.unknown()),
    nInputs: z.number(),
    nOutputs: z.number(),
    parameters: z.object({
      dtype: z.enum(['float32', 'float64']),
      entries: z.array(z.object({ name: z.string(), shape: z.array(z.number()), values: z.array(z.number()) })),
    }),
  }),
});

/**
 * @example
 * const text = serializeCheckpoint(model, { epoch: 12, seed: 42 });
 * const { model: restored } = parseCheckpoint(text);
 */
export function serializeCheckpoint(model: RecurrentModel, metadata: Record<string, unknown> = {}): string {
  const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, metadata, model: model.toJSON() };
  return JSON.stringify(checkpoint);
}

/** Rebuild any model from its serialised form. */
export function modelFromJSON(json: SerializedModel): RecurrentModel {
  switch (json.kind) {
    case 'brain_inspired_rnn':
      return BrainInspiredRNN.fromJSON(json);
    case 'tiny_gru':
      return TinyGRU.fromJSON(json);
    default:
      throw new RangeError(`unknown model kind ${JSON.stringify((json as { kind: unknown }).kind)}; expected brain_inspired_rnn or tiny_gru`);
  }
}

export function parseCheckpoint(text: string): { model: RecurrentModel; metadata: Record<string, unknown> } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`checkpoint is not valid JSON: ${(error as Error).message}`);
  }
  const checkpoint = parseWith(checkpointSchema, raw, 'checkpoint') as Checkpoint;
  return { model: modelFromJSON(checkpoint.model), metadata: checkpoint.metadata };
}
