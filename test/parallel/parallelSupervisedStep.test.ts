import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BrainInspiredRNN,
  ConfigError,
  ParameterSet,
  TinyGRU,
  Trainer,
  createRandom,
  developmentalLoss,
  maskedCrossEntropy,
  sliceBatch,
  validateDevelopmentalConfig,
  type RecurrentModel,
  type SequenceBatch,
} from '../../src/index.js';
import { ParallelSupervisedStep, chunkBounds } from '../../actors/parallel/parallelSupervisedStep.js';

const config = validateDevelopmentalConfig({
  stage: 'custom', nHidden: 32, rank: 8, leak: 0.2, targetGamma: 0.4,
  nuclearWeight: 1e-3, effectiveRankWeight: 1e-3, spectralWeight: 1e-2, heterogeneityWeight: 1e-1,
  regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
});

/** Random choices and rewards encoded as in the bench workload, with missed trials and padding masked out. */
function choiceBatch(nSessions: number, nTrials: number, seed: number): SequenceBatch {
  const rng = createRandom(seed);
  const rows = nSessions * nTrials;
  const inputs = new Float64Array(rows * 4);
  const targets = new Int32Array(rows);
  const mask = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    targets[row] = rng.bernoulli(0.05) ? -1 : rng.integer(0, 1);
    mask[row] = rng.bernoulli(0.9) ? 1 : 0;
    inputs[row * 4 + 3] = 1;
    if ((row + 1) % nTrials !== 0 && targets[row] >= 0) {
      inputs[(row + 1) * 4 + targets[row]] = 1;
      inputs[(row + 1) * 4 + 2] = rng.bernoulli(0.5) ? 1 : 0;
    }
  }
  return { nSessions, nTrials, nInputs: 4, inputs, targets, mask };
}

/** The single-threaded gradient of Trainer.step, from the public building blocks. */
function referenceGradients(model: BrainInspiredRNN, batch: SequenceBatch, scale: number): ParameterSet {
  const gradients = model.parameters.zerosLike().withDtype('float64');
  const forward = model.forward(batch);
  const { dLogits } = maskedCrossEntropy(batch, forward.logits, model.nOutputs, { gradient: true });
  const { heterogeneityWeight } = developmentalLoss(model, forward, gradients, scale, { deferActivationGradient: true });
  model.backward(batch, forward, { dLogits, heterogeneityWeight }, gradients);
  return gradients;
}

/** ‖a − b‖ / ‖b‖ of one named tensor. */
function relativeError(a: ParameterSet, b: ParameterSet, name: string): number {
  const x = a.view(name);
  const y = b.view(name);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    diff += (x[i] - y[i]) ** 2;
    norm += y[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-300);
}

const engines: ParallelSupervisedStep[] = [];
/** An engine whose workers have loaded (closed after the file). */
function parallel(model: RecurrentModel, threads: number, callerComputes = true): ParallelSupervisedStep {
  const engine = new ParallelSupervisedStep(model, { threads, callerComputes });
  engines.push(engine);
  engine.waitForWorkers();
  return engine;
}
afterAll(() => Promise.all(engines.map((engine) => engine.close())));

describe('ParallelSupervisedStep', () => {
  for (const { nSessions, threads, dtype, scale, callerComputes } of [
    { nSessions: 7, threads: 2, dtype: 'float32', scale: 1, callerComputes: false },
    { nSessions: 10, threads: 3, dtype: 'float64', scale: 0.5, callerComputes: false },
    { nSessions: 30, threads: 2, dtype: 'float32', scale: 1, callerComputes: true },
    // Eight single groups, then pairs of groups, the last pair ending in a partial group.
    { nSessions: 61, threads: 2, dtype: 'float32', scale: 1, callerComputes: true },
  ] as const) {
    const who = callerComputes ? 'caller and workers' : 'workers only';
    it(`accumulate() equals the single-thread gradient of Trainer.step (${nSessions} sessions, ${threads} threads, ${dtype}, ${who})`, () => {
      const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 3, dtype });
      const batch = choiceBatch(nSessions, 40, 11);
      const expected = referenceGradients(model, batch, scale);
      const gradients = model.parameters.zerosLike().withDtype('float64');
      const engine = parallel(model, threads, callerComputes);
      engine.accumulate(batch, scale, gradients);
      for (const { name } of model.parameters.entries) {
        expect(relativeError(gradients, expected, name), name).toBeLessThan(dtype === 'float32' ? 1e-4 : 1e-12);
      }
      // Workers only: the worker path is what was checked.
      const [own, ...workers] = engine.chunkCounts;
      if (!callerComputes) expect([own, workers.reduce((x, y) => x + y, 0) > 0]).toEqual([0, true]);
    });
  }

  it('chunkBounds() cuts lane groups of 4: pairs, and four single groups per thread claimed last, never more than maxChunks', () => {
    expect(chunkBounds(80, 2, 20)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 72, 80]);
    expect(chunkBounds(7, 2, 20)).toEqual([0, 4, 7]);
    expect(chunkBounds(30, 3, 30)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 30]);
    expect(chunkBounds(44, 1, 10)).toEqual([0, 4, 8, 12, 16, 24, 32, 40, 44]);
    // Many sessions: the pairs grow so that there are never more than maxChunks.
    const large = chunkBounds(1001, 2, 20);
    expect([large.length - 1, large[0], large.at(-1), large[8] - large[7], large[9] - large[8]]).toEqual([20, 0, 1001, 4, 84]);
    expect(large.every((bound, i) => i === 0 || (bound > large[i - 1] && (bound % 4 === 0 || bound === 1001)))).toBe(true);
  });

  it('accumulate() gives bit-identical gradients whichever thread computes which chunk', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 4, dtype: 'float32' });
    const batch = choiceBatch(23, 30, 14);
    const results = [true, false].map((callerComputes) => {
      const gradients = model.parameters.zerosLike().withDtype('float64');
      const { taskLoss, regularizers } = parallel(model, 2, callerComputes).accumulate(batch, 1, gradients);
      return { gradients: Array.from(gradients.data), taskLoss, regularizers };
    });
    expect(results[0]).toEqual(results[1]);
  });

  it('Trainer.step with it as gradientEngine matches Trainer.step: losses, gradient norms and updated parameters', () => {
    const single = new BrainInspiredRNN(config, { nInputs: 4, seed: 5, dtype: 'float32' });
    const split = single.clone();
    const batch = choiceBatch(7, 60, 12);
    const trainerOptions = { learningRate: 1e-2, clipNorm: 1 };
    const reference = new Trainer(single, trainerOptions);
    const trainer = new Trainer(split, trainerOptions, { gradientEngine: parallel(split, 2, false) });
    const before = single.parameters.clone();
    for (let step = 0; step < 3; step++) {
      const a = reference.step(batch, 0.7);
      const b = trainer.step(batch, 0.7);
      expect(b.taskLoss).toBeCloseTo(a.taskLoss, 5);
      expect(Math.abs(b.gradientNorm - a.gradientNorm) / a.gradientNorm).toBeLessThan(1e-4);
      const terms = ['value', 'nuclearNorm', 'effectiveRank', 'spectral', 'heterogeneity'] as const;
      for (const term of terms) expect(Math.abs(b.regularizers![term] - a.regularizers![term])).toBeLessThan(1e-4 * Math.abs(a.regularizers![term]));
    }
    const moved = (model: BrainInspiredRNN) => {
      const delta = model.parameters.withDtype('float64');
      for (let i = 0; i < delta.size; i++) delta.data[i] -= before.data[i];
      return delta;
    };
    for (const { name } of single.parameters.entries) {
      expect(relativeError(moved(split), moved(single), name), name).toBeLessThan(1e-4);
    }
  });

  it('sliceBatch() places a batch in the shared memory the workers read; steps on it equal steps on a plain copy', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 6, dtype: 'float32' });
    const engine = parallel(model, 2, false);
    const source = choiceBatch(12, 30, 15);
    const gradientsOf = (batch: SequenceBatch) => {
      const gradients = model.parameters.zerosLike().withDtype('float64');
      const { taskLoss } = engine.accumulate(batch, 1, gradients);
      return { taskLoss, gradients: Array.from(gradients.data) };
    };
    const plain = (sessions: number[]) => gradientsOf(sliceBatch(source, sessions));
    const expectedSmall = plain([5, 0, 7]);
    expect(plain([1, 2, 3])).not.toEqual(expectedSmall);
    const small = engine.sliceBatch(source, [5, 0, 7]);
    expect(small.inputs.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(gradientsOf(small)).toEqual(expectedSmall);
    // A larger batch replaces the buffers (the workers are sent the new ones); the earlier slice
    // still holds its sessions, in the old buffers, and is copied into the new ones when a step uses it.
    const expectedLarge = plain([11, 10, 9, 8, 4, 3, 2, 1, 6]);
    const large = engine.sliceBatch(source, [11, 10, 9, 8, 4, 3, 2, 1, 6]);
    expect(large.inputs.buffer).not.toBe(small.inputs.buffer);
    expect(gradientsOf(large)).toEqual(expectedLarge);
    expect(gradientsOf(small)).toEqual(expectedSmall);
    expect(() => engine.sliceBatch({ ...source, nInputs: 3 }, [0])).toThrow(/nInputs 4, got 3/);
  });

  it('Trainer.fit with it as gradientEngine (its batches sliced into shared memory) matches Trainer.fit', () => {
    const single = new BrainInspiredRNN(config, { nInputs: 4, seed: 7, dtype: 'float32' });
    const split = single.clone();
    // 10 sessions in batches of 4: the last batch of each epoch is smaller and must not see stale rows.
    const train = choiceBatch(10, 25, 16);
    const options = { learningRate: 1e-2, clipNorm: 1, nEpochs: 3, batchSize: 4, seed: 2 };
    const reference = new Trainer(single, options).fit({ train });
    const history = new Trainer(split, options, { gradientEngine: parallel(split, 2) }).fit({ train });
    history.epochs.forEach((epoch, i) => expect(Math.abs(epoch.trainLoss - reference.epochs[i].trainLoss)).toBeLessThan(1e-4 * Math.abs(reference.epochs[i].trainLoss)));
    for (const { name } of single.parameters.entries) expect(relativeError(split.parameters, single.parameters, name), name).toBeLessThan(1e-4);
  });

  it('accumulate() splits a TinyGRU batch too (no regularisers)', () => {
    const model = new TinyGRU({ nHidden: 8, nInputs: 4, seed: 2 });
    const batch = choiceBatch(9, 20, 13);
    const expected = model.parameters.zerosLike().withDtype('float64');
    const forward = model.forward(batch);
    model.backward(batch, forward, { dLogits: maskedCrossEntropy(batch, forward.logits, 2, { gradient: true }).dLogits }, expected);
    const gradients = model.parameters.zerosLike().withDtype('float64');
    const { taskLoss, regularizers } = parallel(model, 2, false).accumulate(batch, 0, gradients);
    expect(taskLoss).toBeCloseTo(maskedCrossEntropy(batch, forward.logits, 2).meanNll, 12);
    expect(regularizers).toBeUndefined();
    for (const { name } of model.parameters.entries) expect(relativeError(gradients, expected, name), name).toBeLessThan(1e-12);
  });

  it('accumulate() rejects a batch of the wrong width, and any call after close()', async () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 3, dtype: 'float32' });
    const engine = new ParallelSupervisedStep(model, { threads: 2 });
    const gradients = model.parameters.zerosLike().withDtype('float64');
    const narrow = { ...choiceBatch(4, 5, 1), nInputs: 3 };
    expect(() => engine.accumulate(narrow, 1, gradients)).toThrow(/nInputs 4/);
    await engine.close();
    expect(() => engine.accumulate(choiceBatch(4, 5, 1), 1, gradients)).toThrow(/after close/);
  });

  it('waitForWorkers() and accumulate() report a worker that failed to start, with its error', () => {
    const gru = new TinyGRU({ nHidden: 4, nInputs: 4, seed: 2 });
    // A model the worker cannot rebuild: its serialised kind is unknown to modelFromJSON.
    const unknown = Object.assign(Object.create(gru) as TinyGRU, { toJSON: () => ({ ...gru.toJSON(), kind: 'mystery' }) });
    const engine = new ParallelSupervisedStep(unknown, { threads: 2 });
    engines.push(engine);
    expect(() => engine.waitForWorkers()).toThrow(/worker 1 stopped: .*unknown model kind "mystery"/);
    expect(() => engine.accumulate(choiceBatch(8, 5, 1), 0, gru.parameters.zerosLike().withDtype('float64'))).toThrow(/worker 1 stopped/);
  });

  it('new Trainer(model, config, { gradientEngine }) rejects an engine bound to another model', () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 3, dtype: 'float32' });
    const other = { model: model.clone(), accumulate: () => ({ taskLoss: 0 }) };
    expect(() => new Trainer(model, {}, { gradientEngine: other })).toThrow(ConfigError);
  });

  it('new ParallelSupervisedStep validates threads and callerComputes', () => {
    const model = new TinyGRU({ nHidden: 4, nInputs: 4, seed: 2 });
    expect(() => new ParallelSupervisedStep(model, { threads: 0 })).toThrow('threads must be an integer in [1, 64], got 0');
    expect(() => new ParallelSupervisedStep(model, { threads: 1, callerComputes: false })).toThrow(/needs threads >= 2, got 1/);
  });

  it('close() resolves once every worker thread has exited, and again when called twice', async () => {
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 3, dtype: 'float32' });
    const engine = new ParallelSupervisedStep(model, { threads: 3 });
    engine.accumulate(choiceBatch(12, 5, 2), 1, model.parameters.zerosLike().withDtype('float64'));
    await expect(engine.close()).resolves.toBeUndefined();
    await expect(engine.close()).resolves.toBeUndefined();
  });

  for (const mode of ['close', 'no close']) {
    it(`a process that used it exits by itself (${mode === 'close' ? 'after close()' : 'without close()'})`, () => {
      const fixture = fileURLToPath(new URL('./exitFixture.ts', import.meta.url));
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, mode === 'close' ? 'close' : 'keep'], {
        cwd: root, encoding: 'utf8', timeout: 40_000,
      });
      expect(child.stderr).toBe('');
      expect(child.stdout).toBe('stepped true\n');
      expect(child.status).toBe(0);
    }, 60_000);
  }
});
