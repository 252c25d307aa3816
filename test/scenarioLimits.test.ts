import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { trainerMachine } from '../actors/machines/trainer.js';
import { parseScenario, parseScenarioText, type Scenario } from '../actors/system/scenario.js';
import {
  BASELINE_BYTES, DEFAULT_MAX_MEMORY_BYTES, estimateScenarioMemory, formatBytes, parseMemorySize,
} from '../actors/system/scenarioMemory.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { createMatureConfig } from '../src/model/config.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import { taskInputSize } from '../src/tasks/encoding.js';
import { A2CTrainer } from '../src/training/a2cTrainer.js';
import type { Episode } from '../src/training/playEpisode.js';
import { workloadScenario } from '../tools/bench/actorPipelineWorkload.js';
import { tinyScenario } from './actors/fixtures.js';

const agent = (i: number, nSessions: number, nHidden: number, precision?: 'float32' | 'float64') => ({
  id: `a${i}`, nSessions, model: { kind: 'low_rank', stage: 'mature', nHidden, ...(precision && { precision }) }, trainer: { mode: 'a2c' },
});
const scenarioOf = (agents: unknown[], trialsPerEpisode: number) => ({
  name: 'big', seed: 1, task: { type: 'reversal' }, trialsPerEpisode, agents, phases: [{ name: 'learn', episodes: 1, learning: true }],
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

const byteLengths = (arrays: object) => Object.values(arrays).reduce((sum: number, v) => sum + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);

describe('parseScenario memory limit', () => {
  it('parseScenario refuses 16 agents × 4096 sessions × 512 units × 100,000 trials with the estimate and the limit', () => {
    const message = refusal(() => parseScenario(scenarioOf(Array.from({ length: 16 }, (_, i) => agent(i, 4096, 512)), 100_000)));
    expect(message).toMatch(
      /^scenario needs about [\d.]+ TB of memory \(scenario\.agents\.0: 4096 sessions × 100000 trials × [\d.]+ kB per session-trial for its episode buffer and BPTT cache; .*; 13 more agent\(s\)\), above the limit of 2\.0 GB; lower nSessions, trialsPerEpisode or nHidden, or raise the limit \(maxMemoryBytes; --max-memory on the command line\)$/,
    );
  });

  it('parseScenario accepts every shipped scenario, recording fixture and test or bench scenario under the default limit', () => {
    const files = [
      ...readdirSync('scenarios').filter((f) => f.endsWith('.json')).map((f) => join('scenarios', f)),
      ...readdirSync('test/fixtures/recordings').filter((f) => f.endsWith('.scenario.json')).map((f) => join('test/fixtures/recordings', f)),
    ];
    const scenarios: Scenario[] = [...files.map((f) => parseScenarioText(readFileSync(f), f)), tinyScenario(), workloadScenario(64, 1000, 1)];
    for (const scenario of scenarios) expect(estimateScenarioMemory(scenario).totalBytes).toBeLessThan(DEFAULT_MAX_MEMORY_BYTES / 4);
  });

  it('parseScenario takes the limit as an option: lower refuses a shipped scenario, Infinity skips the check', () => {
    const json = JSON.parse(readFileSync('scenarios/reversal-developmental.json', 'utf8'));
    expect(refusal(() => parseScenario(json, { maxMemoryBytes: 100e6 }))).toMatch(/^scenario needs about 4[0-2]\d MB of memory .*above the limit of 100 MB/);
    const huge = scenarioOf(Array.from({ length: 16 }, (_, i) => agent(i, 4096, 512)), 100_000);
    expect(parseScenario(huge, { maxMemoryBytes: Infinity }).agents).toHaveLength(16);
    expect(refusal(() => parseScenario(json, { what: 'x.json', maxMemoryBytes: 1e6 }))).toMatch(/^x\.json needs about/);
  });

  it('parseScenario refuses a float32 learner whose BPTT cache exceeds what one WebAssembly memory holds, even under the limit', () => {
    const big = scenarioOf([agent(0, 4096, 512)], 2000);
    expect(refusal(() => parseScenario(big, { maxMemoryBytes: 1e15 }))).toMatch(
      /^scenario\.agents\.0: its float32 kernel keeps an episode's BPTT cache in WebAssembly memory, 4096 sessions × 2000 trials = [\d.]+ GB, above the 4\.3 GB a WebAssembly memory can hold; .*set scenario\.agents\.0\.model\.precision to "float64"$/,
    );
    expect(parseScenario(scenarioOf([agent(0, 4096, 512, 'float64')], 2000), { maxMemoryBytes: 1e15 }).agents[0].model).toMatchObject({ precision: 'float64' });
  });
});

describe('estimateScenarioMemory', () => {
  it('estimateScenarioMemory counts the episode buffer the trainer allocates, byte for byte', () => {
    const scenario = parseScenario(scenarioOf([{ ...agent(0, 12, 16, 'float64') }], 30));
    const [estimate] = estimateScenarioMemory(scenario).agents;
    const trainer = createActor(trainerMachine, {
      input: {
        agent: 'a0', spec: scenario.agents[0].trainer, model: new BrainInspiredRNN(createMatureConfig({ nHidden: 16 }), { nInputs: taskInputSize(TaskType.REVERSAL), seed: 1 }),
        taskType: TaskType.REVERSAL, nSessions: 12, trialsPerEpisode: 30, weightsEvery: 0, probeRows: 4, publish: () => {},
      },
    }).start();
    const episodeBytes = byteLengths(trainer.getSnapshot().context.episode!);
    expect(episodeBytes).toBe(12 * 30 * (8 * taskInputSize(TaskType.REVERSAL) + 36));
    // Kept per session-trial of a float64 learner: the episode buffer and the backward workspace (8N + 8k).
    const k = createMatureConfig({ nHidden: 16 }).rank + 1;
    const perSessionTrialKept = estimate.bytesPerSessionTrial - estimate.transient / (12 * 30);
    expect(perSessionTrialKept).toBe(8 * 4 + 36 + 8 * 16 + 8 * k);
    trainer.stop();
  });

  it('estimateScenarioMemory gives the WebAssembly memory a float32 learner grows to after an a2c update', () => {
    const [S, T, N] = [10, 40, 24];
    const scenario = parseScenario(scenarioOf([agent(0, S, N)], T));
    const [estimate] = estimateScenarioMemory(scenario).agents;
    const nInputs = taskInputSize(TaskType.REVERSAL);
    const model = new BrainInspiredRNN(createMatureConfig({ nHidden: N }), { nInputs, seed: 1, dtype: 'float32' });
    const episode: Episode = {
      nSessions: S, nTrials: T, nInputs, nActions: 2,
      inputs: new Float64Array(S * T * nInputs).fill(0.5), actions: new Int32Array(S * T), rewards: new Float32Array(S * T).fill(1),
      policy: new Float64Array(S * T * 2), values: new Float64Array(S * T), betterAction: new Int8Array(S * T),
      reversal: new Uint8Array(S * T), stage2States: new Int8Array(S * T), common: new Uint8Array(S * T),
    };
    new A2CTrainer(model).update(episode);
    const memory = (model as unknown as { wasm: { wasm: { memory: WebAssembly.Memory } } }).wasm.wasm.memory.buffer.byteLength;
    // The estimate is the batch layout; wasm memory adds the weights, scratch and step buffers (a few pages).
    expect(memory).toBeGreaterThanOrEqual(estimate.wasmBytes);
    expect(memory - estimate.wasmBytes).toBeLessThan(3 * 65536);
  });

  it('estimateScenarioMemory of a scenario without arrays is the baseline plus kilobytes', () => {
    const scenario = parseScenario({ ...scenarioOf([{ id: 'q', nSessions: 1, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.3, beta: 3, kappa: 0 } } }], 1) });
    const { totalBytes } = estimateScenarioMemory(scenario);
    expect(totalBytes - BASELINE_BYTES).toBeGreaterThan(0);
    expect(totalBytes - BASELINE_BYTES).toBeLessThan(10_000);
  });

  it('parseMemorySize reads the sizes --max-memory takes and formatBytes writes them back', () => {
    expect([parseMemorySize('8GB'), parseMemorySize('512 MiB'), parseMemorySize('6e9'), parseMemorySize('4.8gb')]).toEqual([8e9, 512 * 2 ** 20, 6e9, 4.8e9]);
    expect(() => parseMemorySize('lots')).toThrow('--max-memory must be a size such as 8GB, 512MB or 6e9 (bytes), got "lots"');
    expect(() => parseMemorySize('0')).toThrow('--max-memory must be a size');
    expect([formatBytes(6.3e9), formatBytes(840e6), formatBytes(12_000), formatBytes(5)]).toEqual(['6.3 GB', '840 MB', '12.0 kB', '5 B']);
  });
});
