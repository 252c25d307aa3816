import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLive } from '../../actors/io/liveRun.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { parseScenario } from '../../actors/system/scenario.js';
import { errorLines, runCli, type CliResult } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-record-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Q-learner on the reversal task: `episodes` of 50 trials × 8 sessions (2000 trials ≈ 1.8 MB recorded). */
const scenarioJson = (episodes: number) => ({
  name: 'record-errors', seed: 3,
  task: { type: 'reversal', options: { blockLengthMin: 5, blockLengthMax: 10 } },
  trialsPerEpisode: 50,
  agents: [{ id: 'q', nSessions: 8, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0 } } }],
  phases: [{ name: 'train', episodes, learning: true }],
  run: { trialsPerTick: 10 },
});
const tiny = join(dir, 'tiny.json');
const long = join(dir, 'long.json');
writeFileSync(tiny, JSON.stringify(scenarioJson(2)));
writeFileSync(long, JSON.stringify(scenarioJson(400)));

const live = (scenario: string, record: string, ...flags: string[]) => ['live', scenario, '--exit', '--no-serve', '--record', record, ...flags];
const withViewer = (scenario: string, record: string, ...flags: string[]) => ['live', scenario, '--exit', '--port', '0', '--record', record, ...flags];

/** Exit 1, not hung, no stack trace, and exactly one error line, which is returned. */
function refusedOnce(result: CliResult): string {
  expect(result.hung).toBe(false);
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/node:events|Unhandled 'error'|^\s+at /m);
  const lines = errorLines(result);
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('brain-rnn live --record: a path that cannot be written is refused before the run', () => {
  it('brain-rnn live --record missing-dir/x.ndjson (plain; .gz with the viewer) exits 1 naming the directory', async () => {
    const missing = join(dir, 'missing-dir');
    const cases = [join(missing, 'x.ndjson'), join(missing, 'x.ndjson.gz')];
    const results = await Promise.all([runCli(live(tiny, cases[0])), runCli(withViewer(tiny, cases[1]))]);
    results.forEach((result, k) => {
      expect(refusedOnce(result)).toBe(`brain-rnn: cannot write the recording ${cases[k]}: the directory ${missing} does not exist (create it first: mkdir -p ${missing})`);
    });
    expect(existsSync(missing)).toBe(false);
  });

  it('brain-rnn live --record DIRECTORY --force exits 1 saying it is a directory', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const result = await runCli(live(tiny, folder, '--force'));
    expect(refusedOnce(result)).toBe(`brain-rnn: cannot write the recording ${folder}: it is a directory (give a file name, e.g. ${join(folder, 'run.ndjson')})`);
    expect(statSync(folder).isDirectory()).toBe(true);
  });

  it('brain-rnn live --record /dev/full --force (plain; .gz with the viewer) exits 1 with ENOSPC; an unwritable path with its code', async () => {
    // /dev/full.gz cannot be made, so the .gz case writes through a symlink to /dev/full.
    const fullGz = join(dir, 'full.ndjson.gz');
    execFileSync('ln', ['-s', '/dev/full', fullGz]);
    const [plain, gz, readOnly] = await Promise.all([
      runCli(live(tiny, '/dev/full', '--force')),
      runCli(withViewer(tiny, fullGz, '--force')),
      runCli(live(tiny, '/proc/version', '--force')),
    ]);
    expect(refusedOnce(plain)).toBe('brain-rnn: cannot write the recording /dev/full: ENOSPC: no space left on device');
    expect(refusedOnce(gz)).toBe(`brain-rnn: cannot write the recording ${fullGz}: ENOSPC: no space left on device`);
    // Root may open /proc/version and fail on the write (EIO); anyone else is refused at the open.
    expect(refusedOnce(readOnly)).toMatch(/^brain-rnn: cannot write the recording \/proc\/version: E[A-Z]+: /);
  });
});

describe('brain-rnn live --record: a write error during the run ends it cleanly', () => {
  it('a recording that hits the file-size limit mid-run (plain, .gz, with the viewer) exits 1 naming the file; the partial recording replays', async () => {
    // `ulimit -f 64`: writes past 64 KiB fail with EFBIG, the way a disk that fills up mid-run fails.
    const paths = ['efbig.ndjson', 'efbig.ndjson.gz', 'efbig-viewer.ndjson'].map((name) => join(dir, name));
    const shellPrefix = 'ulimit -f 64';
    const results = await Promise.all([
      runCli(live(long, paths[0]), { shellPrefix }),
      runCli(live(long, paths[1]), { shellPrefix }),
      runCli(withViewer(long, paths[2]), { shellPrefix }),
    ]);
    for (const [k, result] of results.entries()) {
      const line = refusedOnce(result);
      expect(line).toMatch(new RegExp(`^brain-rnn: cannot write the recording ${paths[k]}: EFBIG: file too large \\(the run was stopped after \\d+ trials; what was written before the error replays\\)$`));
      expect(Number(/after (\d+) trials/.exec(line)![1])).toBeLessThan(20_000);
      const warnings: string[] = [];
      const replay = await runReplay(paths[k], { warn: (m) => warnings.push(m) });
      expect(replay.header.scenario).toMatchObject({ name: 'record-errors' });
      expect(replay.events).toBeGreaterThan(20);
      expect(replay.truncated).toBe(true);
    }
  });

  it('a recording removed during the run stops the run with exit 1 and a message naming the file', async () => {
    const path = join(dir, 'removed.ndjson');
    const result = await runCli(live(long, path), {
      onSpawn: () => {
        // Remove the file once the run has written some of it.
        const poll = setInterval(() => {
          if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > 20_000) {
            clearInterval(poll);
            unlinkSync(path);
          }
        }, 5);
      },
    });
    expect(refusedOnce(result)).toMatch(new RegExp(`^brain-rnn: cannot write the recording ${path}: the file was removed during the run \\(the run was stopped after \\d+ trials\\)$`));
  });
});

describe('runLive with a recording whose stream fails', () => {
  /** A FIFO whose only reader takes `bytes` bytes and leaves: the next writes fail with EPIPE. */
  function brokenPipe(name: string, bytes: number): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    spawn('head', ['-c', String(bytes), path], { stdio: 'ignore' });
    return path;
  }

  it('runLive(scenario, { record }) rejects with the file and EPIPE once the reader is gone, and stops the run', async () => {
    const path = brokenPipe('pipe.ndjson', 4096);
    const scenario = parseScenario(scenarioJson(400));
    let played = 0;
    await expect(runLive(scenario, { record: path, force: true, onProgress: (n) => (played = n) }))
      .rejects.toThrow(new RegExp(`^cannot write the recording ${path}: EPIPE: broken pipe \\(the run was stopped after \\d+ trials`));
    expect(played).toBeLessThan(20_000);
  }, 30_000);

  it('runLive rejects even while the run is paused: the flush that fails stops it', async () => {
    const path = brokenPipe('paused.ndjson', 1);
    const scenario = parseScenario(scenarioJson(400));
    await expect(runLive(scenario, { record: path, force: true, onStart: (system) => system.pause() }))
      .rejects.toThrow(`cannot write the recording ${path}: EPIPE: broken pipe`);
  }, 30_000);
});
