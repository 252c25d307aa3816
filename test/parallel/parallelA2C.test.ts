import { afterEach, describe, expect, it } from 'vitest';
import { ParallelA2C } from '../../actors/parallel/parallelA2C.js';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../../src/model/config.js';
import { createTask } from '../../src/tasks/createTask.js';
import { A2CTrainer } from '../../src/training/a2cTrainer.js';
import { shardRandom } from '../../src/training/a2cShard.js';
import { playEpisode } from '../../src/training/playEpisode.js';

const engines: ParallelA2C[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

function model(dtype: 'float32' | 'float64' = 'float32'): BrainInspiredRNN {
  const config = { ...createMatureConfig({ nHidden: 12 }), heterogeneityWeight: 1e-2 };
  return new BrainInspiredRNN(config, { nInputs: 4, nOutputs: 2, seed: 3, dtype });
}

const base = { task: { type: 'reversal' }, nSessions: 22, nTrials: 25, seed: 9, shardSessions: 8 };

function engine(network: BrainInspiredRNN, threads: number, extra: Partial<typeof base> = {}): ParallelA2C {
  const created = new ParallelA2C(network, { ...base, ...extra, threads });
  engines.push(created);
  return created;
}

describe('ParallelA2C', () => {
  it('ParallelA2C gives the same updates and weights, bit for bit, with 1, 2 and 3 threads', async () => {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const network = model();
      const parallel = engine(network, threads);
      const updates = [];
      for (let i = 0; i < 3; i++) updates.push(await parallel.update(0.5));
      runs.push({ updates, weights: Array.from(network.parameters.data) });
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0].updates[2].regularizers?.heterogeneity).toBeGreaterThan(0);
  });

  it('every shard is played exactly once per update, whichever thread claims it: 10 shards over 4 updates on 1 thread, on 3, and on 2 workers without the caller, same weights bit for bit', async () => {
    const runs = [];
    for (const [threads, callerComputes] of [[1, true], [3, true], [3, false]] as const) {
      const network = model();
      const parallel = new ParallelA2C(network, { ...base, nSessions: 40, shardSessions: 4, threads, callerComputes });
      engines.push(parallel);
      await parallel.ready();
      const updates = [];
      for (let i = 0; i < 4; i++) updates.push(await parallel.update(0.5));
      const counts = parallel.shardCounts;
      expect(counts).toHaveLength(threads);
      // A shard claimed twice would count twice; one skipped would leave its slot's last update in the sum.
      expect(counts.reduce((a, b) => a + b, 0)).toBe(4 * 10);
      if (!callerComputes) expect(counts[0]).toBe(0);
      runs.push({ updates, weights: Array.from(network.parameters.data) });
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(() => new ParallelA2C(model(), { ...base, threads: 1, callerComputes: false })).toThrow('callerComputes false needs threads >= 2, got 1');
  });

  it('with one shard, ParallelA2C.update is A2CTrainer.update on the same episode (float64, to rounding)', async () => {
    const network = model('float64');
    const reference = network.clone();
    const parallel = engine(network, 1, { nSessions: 8, shardSessions: 8 });
    const update = await parallel.update(1);

    const rng = shardRandom(base.seed, 0, 0);
    const task = createTask('reversal', { nSessions: 8, rng });
    const expected = new A2CTrainer(reference).update(playEpisode(reference, task, { nTrials: base.nTrials, rng }), 1);
    for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'meanReward', 'gradientNorm'] as const) {
      expect(update[key]).toBeCloseTo(expected[key], 12);
    }
    expect(update.regularizers!.heterogeneity).toBeCloseTo(expected.regularizers!.heterogeneity, 12);
    network.parameters.data.forEach((value, i) => expect(value).toBeCloseTo(reference.parameters.data[i], 12));
  });

  it('the shards of 8, 8 and 6 sessions add up to A2CTrainer.update on their episodes put together (float64, to rounding)', async () => {
    const network = model('float64');
    const reference = network.clone();
    const update = await engine(network, 2).update(1);

    const episodes = [8, 8, 6].map((sessions, shard) => {
      const rng = shardRandom(base.seed, 0, shard);
      return playEpisode(reference, createTask('reversal', { nSessions: sessions, rng }), { nTrials: base.nTrials, rng });
    });
    const joined = { ...episodes[0], nSessions: 22, forward: undefined, forwardParameters: undefined };
    for (const key of ['inputs', 'actions', 'rewards'] as const) {
      const parts = episodes.map((episode) => episode[key]);
      const whole = new (parts[0].constructor as Float64ArrayConstructor)(parts.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of parts) {
        whole.set(part as Float64Array, at);
        at += part.length;
      }
      (joined as Record<string, unknown>)[key] = whole;
    }
    const expected = new A2CTrainer(reference).update(joined, 1);
    for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'meanReward', 'gradientNorm'] as const) {
      expect(update[key]).toBeCloseTo(expected[key], 12);
    }
    network.parameters.data.forEach((value, i) => expect(value).toBeCloseTo(reference.parameters.data[i], 12));
  });

  it('refuses shards that are not whole SIMD lane groups, and updates after close', async () => {
    expect(() => new ParallelA2C(model(), { ...base, shardSessions: 6 })).toThrow('shardSessions must be a multiple of 4');
    const parallel = engine(model(), 1);
    await parallel.close();
    await expect(parallel.update()).rejects.toThrow('ParallelA2C.update after close()');
  });
});
