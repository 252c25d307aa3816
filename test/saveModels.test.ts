import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFitCommand } from '../actors/cli/fitRun.js';
import { loadScenarioFile, runLive } from '../actors/io/liveRun.js';
import { simulateBlockedReversal } from '../src/cognitive/simulateBlockedReversal.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { parseCheckpoint } from '../src/model/checkpoint.js';
import { formatTrialsCsv } from '../src/data/trialsCsv.js';
import { createRandom } from '../src/random.js';

const work = mkdtempSync(join(tmpdir(), 'save-models-'));

describe('live --save-models', () => {
  it('runLive(saveModels) writes each network agent\'s final weights, trained in place; cognitive agents have none; an existing checkpoint is refused before the run unless forced', async () => {
    const scenario = (learning: boolean) => ({
      name: 'save', seed: 3, trialsPerEpisode: 30,
      task: { type: 'reversal', options: {} },
      agents: [
        { id: 'gru', nSessions: 8, model: { kind: 'tiny_gru', nHidden: 2 }, trainer: { mode: 'imitation', learningRate: 0.05, teacher: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0.2 } } } },
        { id: 'q', nSessions: 8, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0.2 } } },
      ],
      phases: [{ name: 'imitate', episodes: 5, learning }],
    });
    const weights: Record<string, number[]> = {};
    for (const learning of [false, true]) {
      const path = join(work, `scenario-${learning}.json`);
      writeFileSync(path, JSON.stringify(scenario(learning)));
      const dir = join(work, `models-${learning}`);
      const result = await runLive(loadScenarioFile(path), { saveModels: dir });
      expect(result.status).toBe('completed');
      expect(readdirSync(dir)).toEqual(['gru.json']);
      const { model, metadata } = parseCheckpoint(readFileSync(join(dir, 'gru.json'), 'utf8'));
      expect(metadata).toMatchObject({ scenario: 'save', seed: 3, agent: 'gru', status: 'completed', trialsPlayed: 150 });
      weights[String(learning)] = Array.from(model.parameters.data);
    }
    // Same seed, same initialisation: the frozen run keeps it, the learning run has moved away.
    expect(weights.true).toHaveLength(weights.false.length);
    expect(weights.true.some((v, i) => Math.abs(v - weights.false[i]) > 1e-3)).toBe(true);
    // A second run into the same folder is refused before it plays (the file stays as it was), unless forced.
    const dir = join(work, 'models-false');
    const before = readFileSync(join(dir, 'gru.json'), 'utf8');
    await expect(runLive(loadScenarioFile(join(work, 'scenario-true.json')), { saveModels: dir })).rejects.toThrow(`${dir} already holds gru.json (checkpoints of an earlier run); pass --force to overwrite them, or another --save-models DIR`);
    expect(readFileSync(join(dir, 'gru.json'), 'utf8')).toBe(before);
    await runLive(loadScenarioFile(join(work, 'scenario-true.json')), { saveModels: dir, force: true });
    expect(Array.from(parseCheckpoint(readFileSync(join(dir, 'gru.json'), 'utf8')).model.parameters.data)).toEqual(weights.true);
  });
});

describe('fit fold checkpoints', () => {
  it('runFitCommand keeps each fold\'s chosen network as a checkpoint equal to the one in results.json, and says the defaults it chose', () => {
    const { sessions } = simulateBlockedReversal({
      model: createQLearningModel(), subjects: [{ alpha: 0.4, beta: 3, kappa: 0.4 }, { alpha: 0.3, beta: 4, kappa: 0.2 }],
      sessionsPerSubject: 1, blocksPerSession: 6, trialsPerBlock: 30, reversalTrials: [10, 20], rng: createRandom(4),
    });
    const data = join(work, 'animal.csv');
    writeFileSync(data, formatTrialsCsv(sessions));
    const outputDir = join(work, 'fit');
    let printed = '';
    runFitCommand({ data, models: ['tiny_gru:1', 'q_learning'], folds: 3, seeds: 1, seed: 1, nEpochs: 2, restarts: 1, objective: 'stage1', progress: false, outputDir, print: (t) => (printed += t) });
    expect(printed).toContain('2 subjects, 2 sessions, 12 episodes, 360 first-stage choices, 3-fold CV over blocks (12; default: 2 subjects and 2 sessions, both < 5), learners restart at each block (default: the block column has values)');
    expect(printed).toContain('behaviour: 12 reversals (from the reversal column');
    const saved = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8'));
    for (let k = 0; k < 3; k++) {
      const file = join(outputDir, `checkpoint-tiny_gru_1-fold${k}.json`);
      expect(existsSync(file)).toBe(true);
      const { model, metadata } = parseCheckpoint(readFileSync(file, 'utf8'));
      expect(metadata).toMatchObject({ command: 'fit', model: 'tiny_gru:1', fold: k, cv: 'block', resetOn: 'block' });
      expect(model.toJSON()).toEqual(saved.comparison.models[0].recurrent.folds[k].model);
    }
    const manifest = JSON.parse(readFileSync(join(outputDir, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { name: string }) => f.name)).toContain('checkpoint-tiny_gru_1-fold2.json');
  });
});
