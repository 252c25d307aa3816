import { describe, expect, it } from 'vitest';
import {
  BrainInspiredRNN,
  TinyGRU,
  TaskDataset,
  TaskType,
  createMatureConfig,
  createPrematureConfig,
  parseCheckpoint,
  serializeCheckpoint,
  validateDevelopmentalConfig,
  Trainer,
} from '../src/index.js';

describe('serializeCheckpoint / parseCheckpoint', () => {
  const dataset = new TaskDataset(TaskType.REVERSAL, { nSessions: 6, trialsPerSession: 20, seed: 3 });
  const batch = dataset.toBatch();

  it('round-trips a trained BrainInspiredRNN bit-exactly, with its metadata', () => {
    const model = new BrainInspiredRNN(createMatureConfig({ nHidden: 16 }), { nInputs: 4, seed: 1 });
    new Trainer(model, { nEpochs: 2, batchSize: 3 }).fit({ train: batch });
    const text = serializeCheckpoint(model, { epoch: 2, task: 'reversal' });
    const { model: restored, metadata } = parseCheckpoint(text);
    expect(metadata).toEqual({ epoch: 2, task: 'reversal' });
    expect(restored).toBeInstanceOf(BrainInspiredRNN);
    expect(Array.from(restored.parameters.data)).toEqual(Array.from(model.parameters.data));
    expect(Array.from(restored.forward(batch).logits)).toEqual(Array.from(model.forward(batch).logits));
    expect((restored as BrainInspiredRNN).config).toEqual(model.config);
  });

  it('round-trips a TinyGRU in float32 bit-exactly', () => {
    const model = new TinyGRU({ nHidden: 2, nInputs: 4, seed: 9, dtype: 'float32' });
    const { model: restored } = parseCheckpoint(serializeCheckpoint(model));
    expect(restored.parameters.dtype).toBe('float32');
    expect(Array.from(restored.parameters.data)).toEqual(Array.from(model.parameters.data));
  });

  it('refuses text that is not a checkpoint, saying why', () => {
    expect(() => parseCheckpoint('{')).toThrow(/checkpoint is not valid JSON/);
    expect(() => parseCheckpoint('{"format":"other"}')).toThrow(/checkpoint.format/);
  });
});

describe('createPrematureConfig / createMatureConfig', () => {
  it('premature has rank 8 and γ 0.2, mature rank 5 and γ 0.4', () => {
    const premature = createPrematureConfig();
    const mature = createMatureConfig();
    expect([premature.stage, premature.rank, premature.targetGamma, premature.nHidden]).toEqual(['premature', 8, 0.2, 32]);
    expect([mature.stage, mature.rank, mature.targetGamma]).toEqual(['mature', 5, 0.4]);
  });

  it('never mutates the caller’s overrides and validates them', () => {
    const overrides = { leak: 0.5 };
    const config = createMatureConfig({ nHidden: 16, overrides });
    expect(config.leak).toBe(0.5);
    expect(overrides).toEqual({ leak: 0.5 });
    expect(() => createMatureConfig({ overrides: { leak: 1.5 } })).toThrow('config.leak must be a number in (0, 1], got 1.5');
    expect(() => createMatureConfig({ nHidden: 2.5 })).toThrow('config.nHidden must be an integer in [2, 4096], got 2.5');
  });

  it('validateDevelopmentalConfig names rank, value and the allowed range', () => {
    expect(() => validateDevelopmentalConfig({ ...createMatureConfig(), rank: 40 })).toThrow('config.rank must be an integer in [1, 31], got 40');
    expect(() => validateDevelopmentalConfig({ ...createMatureConfig(), nuclearWeight: Number.POSITIVE_INFINITY })).toThrow(
      'config.nuclearWeight must be a finite number >= 0, got Infinity',
    );
    expect(() => validateDevelopmentalConfig({ ...createMatureConfig(), stage: 'adult' })).toThrow(/config.stage/);
  });
});
