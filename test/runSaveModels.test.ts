import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparisonInputs, runRunCommand, type RunCommandOptions } from '../actors/cli/run.js';
import { evaluateBehaviour } from '../src/experiments/closedLoopBehaviour.js';
import { measureModel } from '../src/experiments/trainOnDataset.js';
import { BrainInspiredRNN } from '../src/model/brainInspiredRnn.js';
import { parseCheckpoint } from '../src/model/checkpoint.js';
import { decodeSafetensors } from '../src/model/safetensors.js';
import { fromTorchTensors } from '../src/model/torchTensors.js';
import { computeEffectiveRank } from '../src/metrics/effectiveRank.js';
import { TaskType } from '../src/tasks/cohortTask.js';
import type { DevelopmentalConfig } from '../src/model/config.js';
import { LocalExecutor } from '../actors/sweep/localExecutor.js';
import { runSweep } from '../actors/sweep/runSweep.js';
import { parseSweep } from '../actors/sweep/sweepFile.js';
import { expandSweep } from '../actors/sweep/expandSweep.js';
import { runCli } from './io/cli.js';

const work = mkdtempSync(join(tmpdir(), 'run-save-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tiny = (outputDir: string, saveModels: string): RunCommandOptions => ({
  task: 'reversal', outputDir, saveModels, nEpochs: 3, nSessions: 10, trialsPerSession: 30, nHidden: 10, seeds: 2, seed: 7, batchSize: 4, evalSessions: 4, trainer: 'supervised', progress: false,
});

function load(dir: string, name: string) {
  const { model, metadata } = parseCheckpoint(readFileSync(join(dir, name), 'utf8'));
  return { model: model as BrainInspiredRNN, metadata: metadata as Record<string, any> };
}

describe('brain-rnn run --save-models', () => {
  const supervised = tiny(join(work, 'out'), join(work, 'models'));

  it('runRunCommand(saveModels) keeps every supervised network as <task>-<stage>-seed<k>.json that reproduces run\'s validation NLL, test NLL and closed-loop play exactly', async () => {
    await runRunCommand(supervised);
    const names = ['reversal-premature-seed7.json', 'reversal-mature-seed7.json', 'reversal-premature-seed8.json', 'reversal-mature-seed8.json'];
    expect(readdirSync(supervised.saveModels!).sort()).toEqual([...names, 'manifest.json'].sort());
    const manifest = JSON.parse(readFileSync(join(supervised.saveModels!, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ command: 'run --save-models', complete: true });
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(names);
    // Where the checkpoints go is not part of the result.
    const [results] = JSON.parse(readFileSync(join(supervised.outputDir, 'results.json'), 'utf8')).results;
    expect(JSON.parse(readFileSync(join(supervised.outputDir, 'results.json'), 'utf8')).command.saveModels).toBeUndefined();
    const { dataset } = comparisonInputs(supervised, TaskType.REVERSAL);
    const split = dataset.split();
    for (const [k, seed] of [7, 8].entries()) {
      for (const stage of ['premature', 'mature'] as const) {
        const { model, metadata } = load(supervised.saveModels!, `reversal-${stage}-seed${seed}.json`);
        const reported = results[stage].runs[k];
        expect(metadata).toMatchObject({ command: 'run', task: 'reversal', stage, seed, trainer: 'supervised', epochsRun: 3, nEpochs: 3, dataset: { nSessions: 10, trialsPerSession: 30, seed: 7 }, evaluation: { nSessions: 4, nTrials: 30 } });
        expect(model.config.stage).toBe(stage);
        // The kept epoch's validation NLL, as the learning curve in results.json has it.
        const validationNll = measureModel(model, dataset, split.validation).testNll;
        expect(validationNll).toBe(reported.learningCurve.validationNll[metadata.keptEpoch]);
        expect(validationNll).toBe(metadata.validationNll);
        expect(measureModel(model, dataset, split.test).testNll).toBe(reported.metrics.testNll);
        const played = evaluateBehaviour(model, TaskType.REVERSAL, metadata.evaluation, seed).metrics;
        for (const metric of ['meanReward', 'pBetterAfterReversal', 'winStay', 'loseShift'] as const) expect(played[metric], metric).toBe(reported.metrics[metric]);
        expect(metadata.metrics).toEqual(reported.metrics);
        // A fresh network of the same seed is not what was saved.
        const fresh = new BrainInspiredRNN(model.config as DevelopmentalConfig, { nInputs: dataset.nInputs, nOutputs: dataset.nActions, seed });
        expect(measureModel(fresh, dataset, split.validation).testNll).not.toBe(validationNll);
      }
    }
  });

  it('brain-rnn run refuses to overwrite checkpoints without --force, saying what to pass; brain-rnn export writes one as safetensors', async () => {
    const file = join(supervised.saveModels!, 'reversal-mature-seed8.json');
    const before = readFileSync(file, 'utf8');
    const refused = await runCli(['run', '--n-epochs', '1', '--n-sessions', '10', '--seeds', '2', '--seed', '7', '--output-dir', join(work, 'other'), '--save-models', supervised.saveModels!, '--no-progress']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`brain-rnn: ${supervised.saveModels} already holds checkpoints (${join(supervised.saveModels!, 'reversal-premature-seed7.json')} and 3 more); pass --force to overwrite them, or another --save-models DIR\n`);
    expect(existsSync(join(work, 'other'))).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);

    const out = join(work, 'mature8.safetensors');
    const exported = await runCli(['export', file, '--format', 'safetensors', '--out', out]);
    expect(exported.stderr).toMatch(/^wrote .*mature8\.safetensors: brain_inspired_rnn, m \[10\]/);
    expect(exported.status).toBe(0);
    // The export is float32 (PyTorch's default dtype): the checkpoint's float64 weights rounded once.
    const back = fromTorchTensors(decodeSafetensors(readFileSync(out))) as BrainInspiredRNN;
    const saved = load(supervised.saveModels!, 'reversal-mature-seed8.json').model;
    expect(back.config).toEqual(saved.config);
    expect(Array.from(back.parameters.data)).toEqual(Array.from(saved.parameters.data, Math.fround));

    await runRunCommand({ ...supervised, outputDir: join(work, 'other'), nEpochs: 1, force: true });
    expect(load(supervised.saveModels!, 'reversal-mature-seed8.json').metadata.epochsRun).toBe(1);
  });

  it('runRunCommand(trainer online, saveModels = the output folder) keeps the A2C networks in the output set, reproducing their closed-loop play', async () => {
    const dir = join(work, 'online');
    const options: RunCommandOptions = { ...tiny(dir, dir), task: 'two_stage', trainer: 'online', episodes: 3, seeds: 1, evalSessions: 8 };
    await runRunCommand(options);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.command).toBe('run');
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['results.json', 'two_stage-premature-seed7.json', 'two_stage-mature-seed7.json']));
    const [results] = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).results;
    for (const stage of ['premature', 'mature'] as const) {
      const { model, metadata } = load(dir, `two_stage-${stage}-seed7.json`);
      expect(metadata).toMatchObject({ task: 'two_stage', stage, seed: 7, trainer: 'online', episodes: 3, blockEpisodes: 50, online: { episodes: 3, taskOptions: { rewardMode: 'state' } } });
      expect(metadata.finalBlockReward).toBeGreaterThan(0);
      expect(model.parameters.dtype).toBe('float32');
      const reported = results[stage].runs[0].metrics;
      const played = evaluateBehaviour(model, TaskType.TWO_STAGE, metadata.evaluation, 7).metrics;
      for (const metric of ['meanReward', 'modelBasedIndex', 'modelFreeIndex'] as const) expect(played[metric], metric).toBe(reported[metric]);
      expect(computeEffectiveRank(model.recurrentWeights())).toBe(reported.effectiveRank);
    }
  });
});

describe('run sweep with saveModels', () => {
  const options = { task: 'reversal', nEpochs: 2, nSessions: 10, trialsPerSession: 20, nHidden: 8, seeds: 2, seed: 3, batchSize: 4, evalSessions: 4, trainer: 'supervised' };
  const base = { name: 'run-keep', kind: 'run', ...options };

  it('expandSweep keeps the cell hashes of a run sweep without saveModels (and with false); true changes them', () => {
    const hashes = (sweep: object) => expandSweep(parseSweep(sweep, work)).cells.map((c) => c.hash);
    expect(hashes({ ...base, saveModels: false })).toEqual(hashes(base));
    expect(hashes({ ...base, saveModels: true })).not.toEqual(hashes(base));
    // precision the same way: float64 (the default written out) keeps them, float32 changes them.
    expect(hashes({ ...base, precision: 'float64' })).toEqual(hashes(base));
    expect(hashes({ ...base, precision: 'float32' })).not.toEqual(hashes(base));
    // Online, float32 is the route's own.
    const online = { ...base, trainer: 'online', episodes: 2 };
    expect(hashes({ ...online, precision: 'float32' })).toEqual(hashes(online));
    expect(() => parseSweep({ ...online, precision: 'float64' }, work)).toThrow('sweep.precision "float64" applies to trainer "supervised" only');
  });

  it('a run sweep with "saveModels": true writes the checkpoints brain-rnn run --save-models writes, byte for byte, beside the same results.json', async () => {
    const dir = join(work, 'sweep');
    const outcome = await runSweep(parseSweep({ ...base, saveModels: true }, work), { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false });
    expect(outcome.failures).toEqual([]);
    const run = join(work, 'sweep-run');
    await runRunCommand({ ...options, episodes: 3000, outputDir: run, saveModels: run, progress: false });
    const names = ['reversal-premature-seed3.json', 'reversal-mature-seed3.json', 'reversal-premature-seed4.json', 'reversal-mature-seed4.json'];
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(names));
    for (const name of ['results.json', ...names]) expect(readFileSync(join(dir, name)).equals(readFileSync(join(run, name))), name).toBe(true);
  });
});
