import { describe, expect, it } from 'vitest';
import {
  Adam,
  BrainInspiredRNN,
  ParameterSet,
  TaskDataset,
  TaskType,
  Trainer,
  clipGradientNorm,
  createRandom,
  createTrainingConfig,
  developmentalLoss,
  maskedCrossEntropy,
  policyGradientLoss,
  sliceBatch,
  validateDevelopmentalConfig,
  type SequenceBatch,
} from '../src/index.js';
import { accumulateShardGradients, sessionRange, ShardedStep } from '../src/training/supervisedShard.js';

function randomLogits(rows: number, nOutputs: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  return Float64Array.from({ length: rows * nOutputs }, () => rng.normal());
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

function finiteDifference(values: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const grad = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + eps;
    const plus = f();
    values[i] = saved - eps;
    const minus = f();
    values[i] = saved;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

describe('maskedCrossEntropy(batch, logits)', () => {
  const batch: SequenceBatch = {
    nSessions: 1,
    nTrials: 3,
    nInputs: 1,
    inputs: new Float64Array(3),
    targets: Int32Array.from([0, 1, -1]),
    mask: Uint8Array.from([1, 1, 1]),
  };

  it('equals −log softmax of the targets, skipping missing targets', () => {
    const logits = Float64Array.from([0, 0, 2, 0, 5, -5]);
    const { meanNll, count, accuracy } = maskedCrossEntropy(batch, logits, 2);
    const expected = (Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
    expect(count).toBe(2);
    expect(meanNll).toBeCloseTo(expected, 12);
    // Trial 0: tie → argmax 0 = target; trial 1: argmax 0 ≠ target 1.
    expect(accuracy).toBe(0.5);
  });

  it('returns the gradient of the mean NLL (finite differences)', () => {
    const logits = randomLogits(3, 2, 1);
    const { dLogits } = maskedCrossEntropy(batch, logits, 2, { gradient: true });
    const numeric = finiteDifference(logits, () => maskedCrossEntropy(batch, logits, 2).meanNll);
    expect(relativeError(dLogits!, numeric)).toBeLessThan(1e-7);
  });
});

describe('policyGradientLoss(logits, values, actions, rewards)', () => {
  const B = 3;
  const T = 5;
  const options = { discount: 0.9, valueWeight: 0.05, entropyWeight: 0.05 };
  const rng = createRandom(4);
  const actions = Int32Array.from({ length: B * T }, () => rng.integer(0, 1));
  const rewards = Float32Array.from({ length: B * T }, () => (rng.bernoulli(0.5) ? 1 : 0));

  it('computes discounted returns to the end of each episode', () => {
    const logits = new Float64Array(B * T * 2);
    const values = new Float64Array(B * T);
    const oneSession = policyGradientLoss(logits, values, [0, 0, 0], [1, 0, 1], 1, 3, 2, options);
    // Returns: R2 = 1, R1 = 0.9, R0 = 1 + 0.81 = 1.81; value loss = mean of ½R².
    expect(oneSession.valueLoss).toBeCloseTo((0.5 * (1.81 ** 2 + 0.9 ** 2 + 1)) / 3, 12);
    expect(oneSession.entropy).toBeCloseTo(Math.log(2), 12);
  });

  it('dLogits is the gradient of the policy and entropy terms with advantages held fixed', () => {
    const logits = randomLogits(B * T, 2, 5);
    const values = Float64Array.from({ length: B * T }, () => rng.normal());
    const { dLogits } = policyGradientLoss(logits, values, actions, rewards, B, T, 2, options);
    const numeric = finiteDifference(logits, () => policyGradientLoss(logits, values, actions, rewards, B, T, 2, options).loss);
    expect(relativeError(dLogits, numeric)).toBeLessThan(1e-6);
  });

  it('dValues is the gradient of the value term', () => {
    const logits = randomLogits(B * T, 2, 6);
    const values = Float64Array.from({ length: B * T }, () => rng.normal());
    const { dValues } = policyGradientLoss(logits, values, actions, rewards, B, T, 2, options);
    const valueTerm = () => options.valueWeight * policyGradientLoss(logits, values, actions, rewards, B, T, 2, options).valueLoss;
    expect(relativeError(dValues, finiteDifference(values, valueTerm))).toBeLessThan(1e-6);
  });
});

describe('Adam', () => {
  it('takes PyTorch’s first step: lr · g / (|g| + eps) per coordinate', () => {
    const params = new ParameterSet([{ name: 'w', shape: [3] }]);
    params.view('w').set([1, 2, 3]);
    const grads = params.zerosLike();
    grads.view('w').set([0.5, -2, 0]);
    new Adam(3, { learningRate: 0.1 }).step(params, grads);
    expect(params.view('w')[0]).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8)), 12);
    expect(params.view('w')[1]).toBeCloseTo(2 + 0.1 * (2 / (2 + 1e-8)), 12);
    expect(params.view('w')[2]).toBe(3);
  });

  it('updates float32 parameters in float64 and rounds once on store', () => {
    const wide = new ParameterSet([{ name: 'w', shape: [2] }]);
    wide.view('w').set([0.1, -0.3]);
    const narrow = wide.withDtype('float32');
    const grads = wide.zerosLike();
    grads.view('w').set([0.25, -1e-3]);
    new Adam(2, { learningRate: 0.01 }).step(wide, grads);
    new Adam(2, { learningRate: 0.01 }).step(narrow, grads);
    expect(Array.from(narrow.view('w'))).toEqual(Array.from(Float32Array.from(wide.view('w'))));
  });

  it('rejects a non-positive learning rate, naming it', () => {
    expect(() => new Adam(3, { learningRate: 0 })).toThrow(/learningRate must be a number > 0|learningRate must be a finite number > 0/);
  });
});

describe('clipGradientNorm(gradients, maxNorm)', () => {
  it('scales to the max norm and returns the norm before clipping', () => {
    const grads = new ParameterSet([{ name: 'g', shape: [2] }]);
    grads.view('g').set([3, 4]);
    expect(clipGradientNorm(grads, 1)).toBeCloseTo(5, 12);
    expect(Math.hypot(...grads.view('g'))).toBeCloseTo(1, 5);
    grads.view('g').set([0.3, 0.4]);
    clipGradientNorm(grads, 1);
    expect(Array.from(grads.view('g'))).toEqual([0.3, 0.4]);
  });
});

describe('createTrainingConfig(overrides)', () => {
  it('names the bad field, value and range', () => {
    expect(() => createTrainingConfig({ batchSize: 0 })).toThrow('trainingConfig.batchSize must be an integer in [1, 1000000], got 0');
    expect(() => createTrainingConfig({ learningRate: Number.NaN })).toThrow(/trainingConfig.learningRate must be a number in \(0, 10\], got NaN/);
    expect(() => createTrainingConfig({ bogus: 1 } as never)).toThrow(/unknown field/);
  });
});

const smallConfig = validateDevelopmentalConfig({
  stage: 'custom', nHidden: 6, rank: 2, leak: 0.3, targetGamma: 0.4,
  nuclearWeight: 0.01, effectiveRankWeight: 0.02, spectralWeight: 0, heterogeneityWeight: 0.5,
  regularizerWarmupEpochs: 0, connectivityGain: 1, inputGain: 1,
});

describe('developmentalLoss(model, forward, gradients)', () => {
  it('with BPTT gives the gradient of CE + α‖W‖* + β D_eff − λ L_hetero (finite differences)', () => {
    const model = new BrainInspiredRNN(smallConfig, { nInputs: 4, seed: 3 });
    const dataset = new TaskDataset(TaskType.REVERSAL, { nSessions: 3, trialsPerSession: 6, seed: 2 });
    const batch = dataset.toBatch([0, 1, 2]);
    const totalLoss = () => {
      const forward = model.forward(batch);
      const scratch = model.parameters.zerosLike();
      const { terms } = developmentalLoss(model, forward, scratch, 1);
      return maskedCrossEntropy(batch, forward.logits, 2).meanNll + terms.value;
    };
    const grads = model.parameters.zerosLike();
    const forward = model.forward(batch);
    const ce = maskedCrossEntropy(batch, forward.logits, 2, { gradient: true });
    const { dActivations } = developmentalLoss(model, forward, grads, 1);
    model.backward(batch, forward, { dLogits: ce.dLogits, dActivations }, grads);
    const numeric = finiteDifference(model.parameters.data as Float64Array, totalLoss, 1e-6);
    for (const entry of model.parameters.entries) {
      if (entry.name === 'w_value' || entry.name === 'b_value') continue;
      const analytic = grads.view(entry.name);
      const fd = numeric.subarray(entry.offset, entry.offset + entry.size);
      expect(relativeError(analytic, fd), entry.name).toBeLessThan(1e-5);
    }
  });
});

describe('Trainer', () => {
  const dataset = new TaskDataset(TaskType.REVERSAL, { nSessions: 40, trialsPerSession: 60, seed: 11 });
  const split = dataset.split();
  const data = { train: dataset.toBatch(split.train), validation: dataset.toBatch(split.validation) };

  function fit(seed: number, nEpochs = 6) {
    const model = new BrainInspiredRNN(validateDevelopmentalConfig({ ...smallConfig, nHidden: 12, rank: 3 }), { nInputs: 4, seed });
    const trainer = new Trainer(model, { nEpochs, batchSize: 8, learningRate: 1e-2, seed });
    return { model, trainer, history: trainer.fit(data) };
  }

  it('fit() lowers the validation NLL of a Q-learner’s choices below chance', () => {
    const { history, trainer } = fit(1, 12);
    expect(history.epochs[0].validationNll).toBeLessThan(0.75);
    expect(history.bestValidationNll).toBeLessThan(Math.log(2) - 0.05);
    // Best weights are restored: evaluating now gives the best validation NLL.
    expect(trainer.evaluate(data.validation).nll).toBeCloseTo(history.bestValidationNll, 10);
  });

  it('is reproducible from its seed', () => {
    const a = fit(5, 2);
    const b = fit(5, 2);
    expect(Array.from(a.model.parameters.data)).toEqual(Array.from(b.model.parameters.data));
    expect(a.history.epochs.map((e) => e.trainLoss)).toEqual(b.history.epochs.map((e) => e.trainLoss));
  });

  it('stops early when validation NLL stops improving and says so', () => {
    const model = new BrainInspiredRNN(validateDevelopmentalConfig({ ...smallConfig, nHidden: 12, rank: 3 }), { nInputs: 4, seed: 2 });
    // A learning rate this small cannot improve by minDelta: patience runs out.
    const trainer = new Trainer(model, { nEpochs: 50, batchSize: 8, learningRate: 1e-7, earlyStoppingPatience: 2, earlyStoppingMinDelta: 1e-3 });
    const history = trainer.fit(data);
    expect(history.stoppedEarly).toBe(true);
    expect(history.epochs.length).toBe(3);
  });

  it('warmupFactor ramps the regularisers linearly over the configured epochs', () => {
    const model = new BrainInspiredRNN(validateDevelopmentalConfig({ ...smallConfig, regularizerWarmupEpochs: 4 }), { nInputs: 4, seed: 1 });
    const trainer = new Trainer(model, {});
    expect([0, 1, 2, 3, 4].map((e) => trainer.warmupFactor(e))).toEqual([0.25, 0.5, 0.75, 1, 1]);
    expect(new Trainer(model, { regularize: false }).warmupFactor(3)).toBe(0);
  });
});

describe('sliceBatch(batch, sessions)', () => {
  it('copies the chosen sessions in order and rejects bad indices', () => {
    const dataset = new TaskDataset(TaskType.TWO_STAGE, { nSessions: 4, trialsPerSession: 5, seed: 1 });
    const full = dataset.toBatch();
    const part = sliceBatch(full, [2, 0]);
    const width = 5 * full.nInputs;
    expect(Array.from(part.inputs.subarray(0, width))).toEqual(Array.from(full.inputs.subarray(2 * width, 3 * width)));
    expect(Array.from(part.targets!.subarray(5, 10))).toEqual(Array.from(full.targets!.subarray(0, 5)));
    expect(() => sliceBatch(full, [4])).toThrow('session index must be an integer in [0, 3], got 4');
  });

  it('writes into the leading part of given buffers, and rejects buffers too small for the slice', () => {
    const dataset = new TaskDataset(TaskType.TWO_STAGE, { nSessions: 4, trialsPerSession: 5, seed: 1 });
    const full = { ...dataset.toBatch(), mask: new Uint8Array(20).map((_, row) => row % 3) };
    const into = { inputs: new Float64Array(3 * 5 * full.nInputs + 7), targets: new Int32Array(16), mask: new Uint8Array(15) };
    const part = sliceBatch(full, [3, 1, 2], into);
    const fresh = sliceBatch(full, [3, 1, 2]);
    expect([part.inputs.buffer, part.targets!.buffer, part.mask!.buffer]).toEqual([into.inputs.buffer, into.targets.buffer, into.mask.buffer]);
    expect([part.inputs.length, part.targets!.length, part.mask!.length]).toEqual([15 * full.nInputs, 15, 15]);
    expect([Array.from(part.inputs), Array.from(part.targets!), Array.from(part.mask!)]).toEqual([Array.from(fresh.inputs), Array.from(fresh.targets!), Array.from(fresh.mask!)]);
    expect(() => sliceBatch(full, [0, 1, 2, 3], into)).toThrow('sliceBatch: the buffers hold fewer than the slice\'s 20 session-trials');
  });
});

describe('ShardedStep', () => {
  it('sums uneven shards of a batch into the whole batch\'s loss terms and gradients (float64, masked)', () => {
    const config = validateDevelopmentalConfig({ ...smallConfig, spectralWeight: 0.05 });
    const dataset = new TaskDataset(TaskType.REVERSAL, { nSessions: 10, trialsPerSession: 7, seed: 5 });
    const full = dataset.toBatch();
    const batch = { ...full, mask: new Uint8Array(70).map((_, row) => (row % 5 === 3 ? 0 : 1)), targets: full.targets!.map((t, row) => (row === 12 ? -1 : t)) };
    const whole = new Trainer(new BrainInspiredRNN(config, { nInputs: 4, seed: 8 }), { learningRate: 1e-2 });
    const model = new BrainInspiredRNN(config, { nInputs: 4, seed: 8 });
    const shards = [3, 5, 2];
    const sharded = new Trainer(model, { learningRate: 1e-2 }, {
      gradientEngine: {
        model,
        accumulate: (b: SequenceBatch, scale: number, gradients: ParameterSet) => {
          const step = new ShardedStep(model, b, scale);
          expect(() => step.result()).toThrow('ShardedStep.result before addSpectralTerms');
          step.addSpectralTerms(gradients);
          step.addSpectralTerms(gradients); // once per step, however often it is asked
          let start = 0;
          for (const count of shards) {
            step.add(accumulateShardGradients(model, sessionRange(b, start, count), step.weights(count), gradients), count);
            start += count;
          }
          return step.result();
        },
      },
    });
    const a = whole.step(batch);
    const b = sharded.step(batch);
    expect(b.taskLoss).toBeCloseTo(a.taskLoss, 12);
    expect(b.gradientNorm).toBeCloseTo(a.gradientNorm, 10);
    for (const key of ['value', 'nuclearNorm', 'effectiveRank', 'spectral', 'heterogeneity'] as const) {
      expect(b.regularizers![key], key).toBeCloseTo(a.regularizers![key], 12);
    }
    expect(relativeError(model.parameters.data, whole.model.parameters.data)).toBeLessThan(1e-12);
  });
});
