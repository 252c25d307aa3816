import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFitCommand } from '../actors/cli/fitRun.js';
import { runRunCommand } from '../actors/cli/run.js';
import { LocalExecutor } from '../actors/sweep/localExecutor.js';
import { runSweep } from '../actors/sweep/runSweep.js';
import { loadSweepFile, parseSweep, type FitSweep } from '../actors/sweep/sweepFile.js';
import { readPlan, sweepStatus } from '../actors/sweep/sweepFolder.js';
import { expandSweep } from '../actors/sweep/expandSweep.js';
import { createQLearningModel } from '../src/cognitive/models/qLearning.js';
import { simulateBlockedReversal } from '../src/cognitive/simulateBlockedReversal.js';
import { formatTrialsCsv } from '../src/data/trialsCsv.js';
import { createRandom } from '../src/random.js';
import { configRefusal } from './configRefusal.js';
import { runCli } from './io/cli.js';
import { sharedDataDir, sharedDataPath } from './sharedData.js';
import { staticImports } from './staticImports.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-'));
const prl = sharedDataPath('hbayesdm_prl.csv');
/** A small fit sweep: 2 models × 3 folds (× 2 seeds for the network) = 9 cells. */
const small = { name: 'prl-small', kind: 'fit', data: prl, models: ['q_learning', 'tinygru:1'], folds: 3, seeds: 2, seed: 1, nEpochs: 8, restarts: 1 };

function writeSweep(name: string, body: object): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

/** results.json with its wall-clock `seconds` (the one value two runs of the same fit never share) removed. */
const withoutSeconds = (path: string) => readFileSync(path, 'utf8').replace(/\n "seconds": [0-9.e+-]+,\n/, '\n');

describe('parseSweep', () => {
  it('loadSweepFile accepts the minimal fit form of the issue as written, data relative to the sweep file', () => {
    // <work>/shared/data is the real data folder, so "../shared/data/..." from <work>/sweeps/ reaches it.
    mkdirSync(join(work, 'sweeps'));
    symlinkSync(join(sharedDataDir, '..'), join(work, 'shared'));
    const file = join(work, 'sweeps', 'prl.json');
    writeFileSync(file, '{"name": "prl", "kind": "fit", "data": "../shared/data/hbayesdm_prl.csv", "models": ["q_learning", "tinygru:1"], "folds": 5, "seeds": 2, "seed": 1}');
    const sweep = loadSweepFile(file);
    expect(sweep).toMatchObject({ kind: 'fit', data: join(work, 'shared', 'data', 'hbayesdm_prl.csv'), folds: 5, seeds: 2, seed: 1, restarts: 5, objective: 'stage1', encoding: 'task' });
    const plan = expandSweep(sweep);
    // q_learning: 5 folds; tiny_gru:1: 5 folds × 2 seeds.
    expect(plan.cells).toHaveLength(15);
    expect(plan.cells[5].key).toEqual({ model: 'tiny_gru:1', fold: 0, run: 0 });
    expect(new Set(plan.cells.map((c) => c.hash)).size).toBe(15);
    expect(expandSweep({ ...(sweep as FitSweep), seed: 2 }).cells[0].hash).not.toBe(plan.cells[0].hash);
  });

  it('parseSweep names the path of an unknown key, an empty axis and a bad kind; expandSweep refuses more cells than the limit unless raised', () => {
    expect(configRefusal(() => parseSweep({ ...small, model: ['q_learning'] }, work))).toBe('sweep has unknown field(s) "model"');
    expect(configRefusal(() => parseSweep({ ...small, models: [] }, work))).toBe('sweep.models must list at least 1 model entry');
    expect(configRefusal(() => parseSweep({ ...small, folds: 1 }, work))).toBe('sweep.folds must be an integer in [2, 1000], got 1');
    expect(configRefusal(() => parseSweep({ ...small, kind: 'grid' }, work))).toBe('sweep.kind must be one of "fit", "run", "live", got "grid"');
    const sweep = parseSweep(small, work);
    expect(configRefusal(() => expandSweep(sweep, { maxCells: 8 }))).toBe('sweep "prl-small" expands into 9 cells, more than the limit of 8; pass --max-cells 9 to run it');
    expect(expandSweep(sweep, { maxCells: 9 }).cells).toHaveLength(9);
  });
});

describe('cell processes', () => {
  it('load no kind before their first cell, and a fit cell none of the run and live kinds, the model barrel or tfjs', () => {
    // A cell process (local executor, BullMQ worker, sweep cell) starts with localWorkerProcess.ts;
    // every kind statically imported there cost 1.4 s of start-up on a Zen 1 core.
    const start = [...staticImports('actors/sweep/localWorkerProcess.ts'), ...staticImports('actors/sweep/runCellInFolder.ts')];
    for (const kind of ['actors/sweep/sweepKinds.ts', 'actors/sweep/fitSweep.ts', 'actors/sweep/runSweepKind.ts', 'actors/sweep/liveSweepKind.ts']) {
      expect(start, kind).not.toContain(kind);
    }
    const fit = staticImports('actors/sweep/fitSweep.ts');
    expect(fit).toContain('src/experiments/fitCells.ts');
    for (const heavy of ['actors/sweep/sweepKinds.ts', 'actors/sweep/runSweepKind.ts', 'actors/sweep/liveSweepKind.ts', 'src/index.ts', 'src/backend.ts']) {
      expect(fit, heavy).not.toContain(heavy);
    }
    // The coordinator still reaches every kind (it expands and reduces them all).
    expect(staticImports('actors/sweep/runSweep.ts')).toContain('actors/sweep/liveSweepKind.ts');
  });
});

describe('brain-rnn sweep (local executor)', () => {
  it('brain-rnn sweep FILE --workers 2 then sweep reduce write the table.md and results.json that brain-rnn fit writes for the same options', async () => {
    const dir = join(work, 'local');
    const swept = await runCli(['sweep', writeSweep('small', small), '--output-dir', dir, '--workers', '2'], { timeoutMs: 120_000 });
    expect(swept.stderr).not.toContain('brain-rnn:');
    expect(swept.status).toBe(0);
    expect(readdirSync(join(dir, 'cells')).filter((f) => /^[0-9a-f]{20}\.json$/.test(f))).toHaveLength(9);
    const fit = join(work, 'fit');
    runFitCommand({ data: prl, models: small.models, folds: 3, seeds: 2, seed: 1, nEpochs: 8, restarts: 1, objective: 'stage1', outputDir: fit, progress: false, print: () => {} });
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(readFileSync(join(fit, 'table.md'), 'utf8'));
    expect(withoutSeconds(join(dir, 'results.json'))).toBe(withoutSeconds(join(fit, 'results.json')));
    expect(swept.stdout).toContain('winner: q_learning');

    const status = await runCli(['sweep', 'status', dir]);
    expect(status.stdout).toBe('prl-small (fit): 9 cells: 9 done, 0 running, 0 failed, 0 pending\n');
    // `sweep cell` leaves a done cell as it is; `sweep reduce` rewrites the same bytes.
    const table = readFileSync(join(dir, 'table.md'), 'utf8');
    const cell = await runCli(['sweep', 'cell', dir, '--index', '4']);
    expect(cell.stderr).toContain('cell 4 (tiny_gru:1 fold 0 run 1) is already done');
    const reduced = await runCli(['sweep', 'reduce', dir]);
    expect(reduced.status).toBe(0);
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(table);
  });

  it('runSweep reruns only the missing cells, keeps a cell whose worker was SIGKILLed as failed without stopping the others, and --retry-failed reruns only it', async () => {
    const dir = join(work, 'resume');
    const sweep = parseSweep({ ...small, nEpochs: 60 }, work);
    const first = await runSweep(sweep, { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false });
    expect(first.ran).toBe(9);
    const plan = readPlan(dir);
    const table = readFileSync(join(dir, 'table.md'), 'utf8');
    rmSync(join(dir, 'cells', `${plan.cells[2].hash}.json`));
    const second = await runSweep(sweep, { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false });
    expect(second.ran).toBe(1);
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(table);

    // Kill the worker of the first network cell that starts running; the rest go on.
    for (const cell of plan.cells.slice(3)) rmSync(join(dir, 'cells', `${cell.hash}.json`));
    // A network cell takes 0.02-0.25 s, so the cell whose marker was read may have finished before
    // the signal lands; the failed cell is then the worker's next one, named by the failure.
    const killed = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const running = readdirSync(join(dir, 'cells')).find((f) => f.endsWith('.running.json'));
        if (!running) return;
        let worker: string;
        try {
          ({ worker } = JSON.parse(readFileSync(join(dir, 'cells', running), 'utf8')) as { worker: string });
        } catch {
          return; // the cell ended between the listing and the read
        }
        clearInterval(poll);
        process.kill(Number(worker.split(':').at(-1)), 'SIGKILL');
        resolve();
      }, 5);
    });
    const third = await runSweep(sweep, { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false });
    await killed;
    expect(third.ran).toBe(6);
    expect(third.failures).toHaveLength(1);
    expect(third.failures[0]).toMatch(/^cell \d+ \(tiny_gru:1 fold \d run \d\): worker process .* exited \(SIGKILL\) while running the cell$/);
    const victim = Number(/^cell (\d+)/.exec(third.failures[0])![1]);
    expect(victim).toBeGreaterThanOrEqual(3);
    expect(third.reduced).toBeUndefined();
    expect(sweepStatus(dir)).toMatchObject({ done: 8, failed: 1, pending: 0 });
    const status = await runCli(['sweep', 'status', dir]);
    expect(status.stdout).toContain(`failed: cell ${victim}: worker process`);
    // Without --retry-failed a rerun leaves the failure; with it only that cell runs.
    const fourth = await runSweep(sweep, { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false });
    expect(fourth.ran).toBe(0);
    expect(fourth.failures).toHaveLength(1);
    const fifth = await runSweep(sweep, { outputDir: dir, executor: new LocalExecutor({ workers: 2 }), progress: false, retryFailed: true });
    expect(fifth.ran).toBe(1);
    expect(fifth.failures).toEqual([]);
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(table);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });

  it('a fit sweep with cv, resetOn and level (blocks as folds and episodes, hierarchical cognitive fits) reduces to every file brain-rnn fit writes, checkpoints included', async () => {
    // 2 simulated subjects × 1 session × 6 reversal blocks: few subjects, so blocks are the units.
    const truth = [{ alpha: 0.45, beta: 3, kappa: 0.5 }, { alpha: 0.3, beta: 3.5, kappa: 0.3 }];
    const { sessions } = simulateBlockedReversal({ model: createQLearningModel(), subjects: truth, sessionsPerSubject: 1, blocksPerSession: 6, trialsPerBlock: 40, reversalTrials: [15, 25], rng: createRandom(3) });
    const data = join(work, 'blocks.csv');
    writeFileSync(data, formatTrialsCsv(sessions));
    const options = { models: ['q_learning', 'tinygru:1'], folds: 3, seeds: 1, seed: 1, nEpochs: 3, restarts: 1 };
    const body = { name: 'blocks', kind: 'fit', data, ...options, cv: 'block', resetOn: 'block', level: 'hierarchical' };
    const plan = expandSweep(parseSweep(body, work));
    // q_learning: 3 folds and its fit to all data; tiny_gru:1: 3 folds × 1 seed.
    expect(plan.cells.map((c) => c.key)).toEqual([
      { model: 'q_learning', fold: 0 }, { model: 'q_learning', fold: 1 }, { model: 'q_learning', fold: 2 }, { model: 'q_learning', level: 'hierarchical' },
      { model: 'tiny_gru:1', fold: 0, run: 0 }, { model: 'tiny_gru:1', fold: 1, run: 0 }, { model: 'tiny_gru:1', fold: 2, run: 0 },
    ]);
    // The options are the cells' configuration, so they are in every hash.
    const hashOf = (variant: object, key: object) => expandSweep(parseSweep({ ...body, ...variant }, work)).cells.find((c) => JSON.stringify(c.key) === JSON.stringify(key))!.hash;
    const gru = { model: 'tiny_gru:1', fold: 0, run: 0 };
    expect(hashOf({}, gru)).toBe(plan.cells[4].hash);
    expect(hashOf({ level: 'population' }, gru)).not.toBe(plan.cells[4].hash);
    expect(hashOf({ level: 'individual' }, plan.cells[0].key)).not.toBe(plan.cells[0].hash);
    expect(hashOf({ resetOn: undefined }, gru)).not.toBe(plan.cells[4].hash);

    const dir = join(work, 'blocks-sweep');
    const swept = await runCli(['sweep', writeSweep('blocks', body), '--output-dir', dir, '--workers', '2', '--no-progress'], { timeoutMs: 120_000 });
    expect(swept.stderr).not.toContain('brain-rnn:');
    expect(swept.status).toBe(0);
    const fit = join(work, 'blocks-fit');
    let printed = '';
    runFitCommand({ data, ...options, cv: 'block', resetOn: 'block', level: 'hierarchical', objective: 'stage1', outputDir: fit, progress: false, print: (text) => (printed += text) });
    const files = readdirSync(fit).filter((f) => f !== 'manifest.json').sort();
    expect(files).toEqual(['checkpoint-tiny_gru_1-fold0.json', 'checkpoint-tiny_gru_1-fold1.json', 'checkpoint-tiny_gru_1-fold2.json', 'results.json', 'table.md']);
    for (const name of files) {
      if (name === 'results.json') expect(withoutSeconds(join(dir, name))).toBe(withoutSeconds(join(fit, name)));
      else expect(readFileSync(join(dir, name)).equals(readFileSync(join(fit, name))), name).toBe(true);
    }
    // What fit prints (behaviour line, table, iBIC table, winner) is what the sweep prints, but the wall-clock time.
    expect(printed).toMatch(/^behaviour: 12 reversals .*\nblocks.csv: reversal, 2 subjects, 2 sessions, 12 episodes, 480 first-stage choices, 3-fold CV over blocks/);
    expect(`${swept.stdout}`).toContain(printed.replace(/, [0-9.]+ s\n$/, ''));
  });

  it('brain-rnn sweep exits 1 with one line for a sweep file with an unknown key', async () => {
    const bad = await runCli(['sweep', writeSweep('bad', { ...small, sed: 3 }), '--output-dir', join(work, 'never')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('brain-rnn: sweep has unknown field(s) "sed"\n');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('a run sweep (seed × stage cells) reduces to the results.json, report.md and figures brain-rnn run writes for the same options (float32 networks here; float64 in runSaveModels.test.ts)', async () => {
    const options = { task: 'two_stage', nEpochs: 2, nSessions: 8, trialsPerSession: 20, nHidden: 8, seeds: 2, seed: 42, batchSize: 16, evalSessions: 4, trainer: 'supervised', precision: 'float32' };
    const dir = join(work, 'run-sweep');
    const swept = await runCli(['sweep', writeSweep('run', { name: 'run-small', kind: 'run', ...options }), '--output-dir', dir, '--workers', '2', '--no-progress'], { timeoutMs: 120_000 });
    expect(swept.stderr).not.toContain('brain-rnn:');
    expect(readPlan(dir).cells.map((c) => c.key)).toEqual([{ seed: 42, stage: 'premature' }, { seed: 42, stage: 'mature' }, { seed: 43, stage: 'premature' }, { seed: 43, stage: 'mature' }]);
    const run = join(work, 'run');
    await runRunCommand({ ...options, episodes: 3000, outputDir: run, progress: false });
    for (const name of ['results.json', 'report.md', 'figure_two_stage.svg', 'figure_two_stage.png']) {
      expect(readFileSync(join(dir, name)).equals(readFileSync(join(run, name))), name).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).results[0].precision).toBe('float32');
  });
});

describe('brain-rnn sweep (live kind)', () => {
  it('a live sweep runs seeds × overrides of a scenario, keeps each recording, equals brain-rnn live\'s metrics per cell, and tables the cells', async () => {
    const { runLive } = await import('../actors/io/liveRun.js');
    const { parseScenario } = await import('../actors/system/scenario.js');
    const { gunzipSync } = await import('node:zlib');
    const scenario = {
      name: 'tiny-reversal', seed: 1, task: { type: 'reversal', options: {} }, trialsPerEpisode: 20,
      agents: [{ id: 'premature', nSessions: 4, model: { kind: 'low_rank', stage: 'premature', nHidden: 8 }, trainer: { mode: 'a2c' } }, { id: 'wsls', nSessions: 4, model: { kind: 'cognitive', model: 'wsls', parameters: { pWinStay: 0.9, pLoseShift: 0.8 } } }],
      phases: [{ name: 'train', episodes: 3, learning: true }, { name: 'test', episodes: 2, learning: false }],
    };
    writeFileSync(join(work, 'tiny-reversal.json'), JSON.stringify(scenario));
    const dir = join(work, 'live-sweep');
    const overrides = [{}, { phases: [{ name: 'train', episodes: 5, learning: true }, { name: 'test', episodes: 2, learning: false }] }];
    const swept = await runCli(['sweep', writeSweep('live', { name: 'tiny-live', kind: 'live', scenario: 'tiny-reversal.json', seeds: [1, 2], overrides }), '--output-dir', dir, '--workers', '2', '--no-progress'], { timeoutMs: 120_000 });
    expect(swept.stderr).not.toContain('brain-rnn:');
    expect(swept.status).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(saved.cells.map((c: { seed: number; override: number }) => [c.seed, c.override])).toEqual([[1, 0], [2, 0], [1, 1], [2, 1]]);
    const direct = await runLive(parseScenario(scenario), { seed: 2 });
    expect(saved.cells[1].metrics).toEqual(JSON.parse(JSON.stringify(direct.metrics)));
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    // 4 cells × 2 agents × 2 phases, after the header and the rule.
    expect(summary.split('\n').filter((l) => l.startsWith('| '))).toHaveLength(2 + 16);
    const recording = gunzipSync(readFileSync(join(dir, 'recording_3.ndjson.gz'))).toString('utf8').split('\n');
    expect(JSON.parse(recording[0])).toMatchObject({ type: 'recording.header' });
    // With "record": false a cell carries its metrics only.
    const { liveSweepKind } = await import('../actors/sweep/liveSweepKind.js');
    const sweep = parseSweep({ name: 'tiny-live', kind: 'live', scenario, seeds: [2], record: false }, work) as Parameters<typeof liveSweepKind.prepare>[0];
    const cell = (await liveSweepKind.runCell(liveSweepKind.prepare(sweep), { seed: 2, override: 0 })) as { recording?: string; metrics: unknown };
    expect(cell.recording).toBeUndefined();
    expect(JSON.parse(JSON.stringify(cell.metrics))).toEqual(saved.cells[1].metrics);
  });

  it('parseSweep refuses a live override that breaks the scenario, naming the override', () => {
    const body = { name: 'bad-live', kind: 'live', scenario: { name: 'x', seed: 1, task: { type: 'reversal' }, trialsPerEpisode: 10, agents: [{ id: 'a', nSessions: 1, model: { kind: 'cognitive', model: 'wsls', parameters: { pWinStay: 0.9, pLoseShift: 0.8 } } }], phases: [{ name: 'p', episodes: 1, learning: false }] }, seeds: [1], overrides: [{}, { trialsPerEpisode: 0 }] };
    expect(configRefusal(() => expandSweep(parseSweep(body, work)))).toBe('sweep.overrides.1.trialsPerEpisode must be an integer in [1, 100000], got 0');
    expect(configRefusal(() => parseSweep({ ...body, seeds: [] }, work))).toBe('sweep.seeds must list at least 1 seed');
  });
});
