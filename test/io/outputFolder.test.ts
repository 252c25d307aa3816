import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFitCommand } from '../../actors/cli/fitRun.js';
import { runRunCommand, type RunCommandOptions } from '../../actors/cli/run.js';
import { OutputFolder } from '../../actors/io/outputFolder.js';
import { formatTrialsCsv, parseTrialsCsv } from '../../src/data/trialsCsv.js';
import { readSharedData } from '../sharedData.js';
import { runCli, type CliResult } from './cli.js';
import { checkFolder, isMixed, type FolderVerdict } from './folderCheck.js';

const work = mkdtempSync(join(tmpdir(), 'brain-rnn-output-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUN_SET = ['figure_reversal.png', 'figure_reversal.svg', 'report.md', 'results.json'];
const runFlags = (outputDir: string, seed: number, ...more: string[]) => [
  'run', '--seeds', '1', '--n-epochs', '1', '--n-sessions', '8', '--trials-per-session', '20', '--eval-sessions', '2',
  '--n-hidden', '4', '--batch-size', '4', '--seed', String(seed), '--output-dir', outputDir, '--no-progress', ...more,
];
const tiny = (outputDir: string, overrides: Partial<RunCommandOptions> = {}): RunCommandOptions => ({
  task: 'reversal', outputDir, nEpochs: 1, nSessions: 8, trialsPerSession: 20, nHidden: 4, seeds: 1, seed: 1,
  batchSize: 4, evalSessions: 2, trainer: 'supervised', progress: false, ...overrides,
});

/** mulberry32: the kill moments are drawn from a fixed seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type KillAt = { afterSpawnMs: number } | { atWriteEvent: number };

/**
 * `brain-rnn run --force` over `dir`, killed with SIGKILL either some milliseconds after it starts,
 * or at the n-th file event of its writing phase (counted from the first write of manifest.json).
 */
function runAndKill(dir: string, seed: number, killAt: KillAt): Promise<CliResult & { killed: boolean }> {
  let killed = false;
  let watcher: ReturnType<typeof watch> | undefined;
  return runCli(runFlags(dir, seed, '--force'), {
    onSpawn: (child) => {
      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
      };
      if ('afterSpawnMs' in killAt) {
        setTimeout(kill, killAt.afterSpawnMs);
        return;
      }
      let seen = -1;
      watcher = watch(dir, (_event, name) => {
        if (seen < 0 && !String(name).startsWith('.manifest.json.tmp')) return;
        seen += 1;
        if (seen === killAt.atWriteEvent) kill();
      });
    },
  }).then((result) => {
    watcher?.close();
    return { ...result, killed };
  });
}

describe('brain-rnn run writes its output folder as one set', () => {
  it('brain-rnn run killed with SIGKILL at 8 seeded moments leaves the previous complete set or a folder marked incomplete, never a mix', async () => {
    // The previous result every killed run writes over with --force (seed 1).
    const older = join(work, 'older');
    const first = await runCli(runFlags(older, 1));
    expect(first.status).toBe(0);
    const olderCheck = checkFolder(older);
    expect(olderCheck.verdict).toBe('complete');
    expect(olderCheck.files).toEqual(RUN_SET);

    const random = seededRandom(10);
    // Two kills anywhere in the run (mostly while it computes); six inside its ~30 file events of
    // writing, one in each sixth of them (so the first and the last writes are always tried).
    const moments: KillAt[] = [
      ...Array.from({ length: 2 }, () => ({ afterSpawnMs: Math.floor(500 + random() * 2000) })),
      ...Array.from({ length: 6 }, (_, sixth) => ({ atWriteEvent: 5 * sixth + Math.floor(random() * 5) })),
    ];
    const outcomes: { moment: KillAt; killed: boolean; verdict: FolderVerdict; mixed: boolean; problems: string[]; stillOlder: boolean; leftovers: number }[] = [];
    // Two at a time: the machine has two cores.
    for (let k = 0; k < moments.length; k += 2) {
      const batch = moments.slice(k, k + 2).map(async (moment, j) => {
        const dir = join(work, `killed-${k + j}`);
        cpSync(older, dir, { recursive: true });
        const result = await runAndKill(dir, 2 + k + j, moment);
        expect(result.hung).toBe(false);
        const check = checkFolder(dir);
        const stillOlder = check.verdict === 'complete' && check.files.every((name) => olderCheck.hashes.get(name) === check.hashes.get(name));
        outcomes.push({ moment, killed: result.killed, verdict: check.verdict, mixed: isMixed(check, olderCheck.hashes), problems: check.problems, stillOlder, leftovers: check.leftovers.length });
      });
      await Promise.all(batch);
    }
    const tally = {
      killed: outcomes.filter((o) => o.killed).length,
      previousSet: outcomes.filter((o) => o.stillOlder).length,
      newSet: outcomes.filter((o) => o.verdict === 'complete' && !o.stillOlder).length,
      incomplete: outcomes.filter((o) => o.verdict === 'incomplete').length,
      mixed: outcomes.filter((o) => o.mixed).length,
      withTemporaryLeftover: outcomes.filter((o) => o.leftovers > 0).length,
    };
    const describe = (o: (typeof outcomes)[number]) => `${'afterSpawnMs' in o.moment ? `${o.moment.afterSpawnMs} ms` : `write event ${o.moment.atWriteEvent}`}: ${o.killed ? 'killed' : 'finished first'}, ${o.stillOlder ? 'previous set' : o.verdict}`;
    console.info(`kill -9 of brain-rnn run: ${JSON.stringify(tally)}\n${outcomes.map(describe).join('\n')}`);
    for (const outcome of outcomes) {
      expect(outcome.problems).toEqual([]);
      expect(['complete', 'incomplete']).toContain(outcome.verdict);
      expect(outcome.mixed).toBe(false);
    }
  });

  it('brain-rnn run into a folder marked incomplete replaces it with a message; into a complete one it refuses without --force', async () => {
    const complete = join(work, 'complete');
    await runRunCommand(tiny(complete));
    const before = checkFolder(complete);
    // A killed run's state: the manifest says complete: false, a new results.json, a temporary file.
    const incomplete = join(work, 'incomplete');
    mkdirSync(incomplete);
    writeFileSync(join(incomplete, 'manifest.json'), JSON.stringify({ format: 'brain-rnn-output', version: 1, command: 'run', complete: false, writtenAt: '', files: [{ name: 'results.json' }] }));
    writeFileSync(join(incomplete, 'results.json'), '{"cut": "off"}');
    writeFileSync(join(incomplete, '.figure_reversal.png.tmp-99999'), 'half a png');
    const [rerun, refused] = await Promise.all([runCli(runFlags(incomplete, 3)), runCli(runFlags(complete, 3))]);
    expect(rerun.status).toBe(0);
    expect(rerun.stderr).toContain(`replacing the incomplete result in ${incomplete} (an earlier run was cut off before it finished)`);
    expect(checkFolder(incomplete)).toMatchObject({ verdict: 'complete', files: RUN_SET, leftovers: [], problems: [] });
    expect(JSON.parse(readFileSync(join(incomplete, 'results.json'), 'utf8')).seeds).toEqual([3]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`brain-rnn: ${join(complete, 'results.json')}, ${join(complete, 'report.md')}, ${join(complete, 'figure_reversal.svg')}, ${join(complete, 'figure_reversal.png')} already exist; pass --force to overwrite`);
    expect(checkFolder(complete).hashes).toEqual(before.hashes);
  });

  it('runRunCommand --force over an older result of another task leaves exactly the new set (no stale figure of the older run)', async () => {
    const dir = join(work, 'force');
    await runRunCommand(tiny(dir, { task: 'two_stage' }));
    expect(checkFolder(dir).files).toEqual(['figure_two_stage.png', 'figure_two_stage.svg', 'report.md', 'results.json']);
    await runRunCommand(tiny(dir, { seed: 2, force: true }));
    const check = checkFolder(dir);
    expect(check).toMatchObject({ verdict: 'complete', files: RUN_SET, problems: [] });
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).seeds).toEqual([2]);
  });

  it('runRunCommand --force over a folder without a manifest (an older version\'s result) removes every file it owns', async () => {
    const dir = join(work, 'legacy');
    mkdirSync(dir);
    for (const name of ['results.json', 'report.md', 'figure_two_stage.png', 'figure_probabilistic_reward.svg', 'notes.txt']) writeFileSync(join(dir, name), 'old');
    await expect(runRunCommand(tiny(dir))).rejects.toThrow(/results\.json, .*report\.md, .* already exist; pass --force to overwrite/);
    await runRunCommand(tiny(dir, { force: true }));
    // notes.txt is not ours: kept, and so not in the manifest.
    expect(checkFolder(dir).files).toEqual([...RUN_SET, 'notes.txt'].sort());
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('old');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['results.json', 'report.md', 'figure_reversal.svg', 'figure_reversal.png']);
  });
});

describe('OutputFolder', () => {
  it('new OutputFolder(dir) never deletes outside the folder, whatever a manifest there lists', () => {
    const dir = join(work, 'hostile');
    mkdirSync(dir);
    const outside = join(work, 'outside.txt');
    writeFileSync(outside, 'keep');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'brain-rnn-output', version: 1, command: 'run', complete: false, writtenAt: '', files: [{ name: '../outside.txt' }, { name: '/etc/hostname' }] }));
    const folder = new OutputFolder(dir, { command: 'fit', ownedFiles: ['table.md'] });
    folder.writeAll([['table.md', 'new']]);
    expect(readFileSync(outside, 'utf8')).toBe('keep');
    expect(checkFolder(dir)).toMatchObject({ verdict: 'complete', files: ['table.md'] });
  });

  it('OutputFolder.ensureWritable() names the folder and the error when it cannot be made', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const folder = new OutputFolder(join(file, 'out'), { command: 'fit', ownedFiles: ['table.md'] });
    expect(() => folder.ensureWritable()).toThrow(`cannot write to the output folder ${join(file, 'out')}: ENOTDIR: not a directory`);
  });

  it('runFitCommand writes results.json and table.md as a set with a complete manifest', () => {
    const data = join(work, 'four.csv');
    writeFileSync(data, formatTrialsCsv(parseTrialsCsv(readSharedData('hbayesdm_two_step.csv')).sessions.slice(0, 4)));
    const outputDir = join(work, 'fit');
    runFitCommand({ data, models: ['model_free'], folds: 2, seeds: 1, seed: 1, restarts: 1, objective: 'stage1', progress: false, outputDir, print: () => {} });
    expect(checkFolder(outputDir)).toMatchObject({ verdict: 'complete', files: ['results.json', 'table.md'], problems: [] });
    expect(existsSync(join(outputDir, 'manifest.json'))).toBe(true);
  });
});
