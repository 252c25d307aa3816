/**
 * The BullMQ executor against a real Redis (Debian's redis-server, started here on 127.0.0.1 at a
 * free port and stopped by its PID) with real `brain-rnn worker` processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../actors/sweep/localExecutor.js';
import { PACKAGE_VERSION } from '../actors/sweep/packageVersion.js';
import { runSweep } from '../actors/sweep/runSweep.js';
import { parseSweep } from '../actors/sweep/sweepFile.js';
import { readCellRecord, readPlan } from '../actors/sweep/sweepFolder.js';
import { root, runCli } from './io/cli.js';
import { sharedDataPath } from './sharedData.js';
import { freePort, startRedisServer, type RedisServer } from '../tools/localServers.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-bullmq-'));
const prefix = `test-${process.pid}`;
/**
 * Cells 0-2 fit the model-free two-step model, 3-8 a TinyGRU. A worker must be killed in the middle
 * of a cell, so the test kills it in a model-free cell (3-5 s on this data); a TinyGRU cell takes
 * 0.2-0.6 s with today's kernels, too short to be sure a signal lands before it ends (with PRL
 * data it took 0.05 s, and the test failed whenever one worker had taken every cell first).
 */
const sweepBody = { name: 'two-step-bullmq', kind: 'fit', data: sharedDataPath('hartley_online_two_step.csv'), models: ['model_free', 'tinygru:1'], folds: 3, seeds: 2, seed: 1, nEpochs: 60, restarts: 1 };
const sweepFile = join(work, 'two-step.json');
writeFileSync(sweepFile, JSON.stringify(sweepBody));

let redisServer: RedisServer | undefined;
let url: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  url = redisServer.url;
});

afterAll(() => redisServer?.stop());

/** Every worker a test started, and what the coordinator of the sweep has written to stderr so far. */
interface StartedWorker {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** The next log line matching `pattern` (or an earlier one). */
  next: (pattern: RegExp) => Promise<string>;
}
const workers: StartedWorker[] = [];
let coordinatorLog = '';
/** A worker left running by a failed test would take the next test's cells. */
afterEach(() => {
  for (const { child } of workers.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** What every worker and the coordinator logged: the message of a wait that runs out. */
const everyLog = () => [...workers.map(({ child, lines }) => `worker ${child.pid} (exit ${child.exitCode ?? child.signalCode}):\n  ${lines.join('\n  ')}`), `coordinator:\n${coordinatorLog}`].join('\n');

/** Long enough for a worker's start on a loaded machine; a wait that runs out says what the worker logged. */
const LINE_TIMEOUT_MS = 90_000;

/**
 * A `brain-rnn worker --verbose` with a 2 s job lock, started as a user starts it (actors/cli/bin.js, the
 * compiled build); `lines` collects its log.
 */
function startWorker(): StartedWorker {
  const child = spawn(process.execPath, ['actors/cli/bin.js', 'worker', '--redis', url, '--prefix', prefix, '--lock-seconds', '2', '--verbose'], { cwd: root });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stderr!.on('data', (chunk) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.splice(0)) (w.pattern.test(line) ? w.resolve(line) : waiters.push(w));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The next log line matching `pattern` (or an earlier one); rejects with the log so far if none comes. */
  const next = (pattern: RegExp) => new Promise<string>((resolve, reject) => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return resolve(seen);
    const timer = setTimeout(() => {
      reject(new Error(`worker ${child.pid} logged no line matching ${pattern} in ${LINE_TIMEOUT_MS / 1000} s; the logs:\n${everyLog()}`));
    }, LINE_TIMEOUT_MS);
    waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
  });
  const worker = { child, lines, exited, next };
  workers.push(worker);
  return worker;
}

const withoutSeconds = (path: string) => readFileSync(path, 'utf8').replace(/\n "seconds": [0-9.e+-]+,\n/, '\n');

describe('brain-rnn sweep --executor bullmq', () => {
  it('two workers, one SIGKILLed mid-cell and one SIGTERMed: the cell is retried and counted once, and the reduced files equal the local executor\'s', async () => {
    const local = join(work, 'local');
    await runSweep(parseSweep(sweepBody, work), { outputDir: local, executor: new LocalExecutor({ workers: 2 }), progress: false });

    const dir = join(work, 'bullmq');
    coordinatorLog = '';
    const coordinator = runCli(['sweep', sweepFile, '--executor', 'bullmq', '--redis', url, '--prefix', prefix, '--output-dir', dir, '--no-progress'], {
      timeoutMs: 180_000, onSpawn: (child) => child.stderr!.on('data', (chunk) => (coordinatorLog += chunk)),
    });
    // Worker A is ready before B starts, so it takes one of the three long cells, whoever queues first.
    const a = startWorker();
    await a.next(/worker on/);
    const b = startWorker();
    const killedLine = await a.next(/cell \d+ \(model_free_two_step .*\) started/);
    a.child.kill('SIGKILL');
    const killedCell = Number(/cell (\d+)/.exec(killedLine)![1]);
    const termLine = await b.next(new RegExp(`cell (?!${killedCell} )\\d+ \\(model_free_two_step .*\\) started`));
    const termCell = Number(/cell (\d+)/.exec(termLine)![1]);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    // SIGTERM let the cell in hand finish before the worker left.
    expect(b.lines).toContainEqual(expect.stringMatching(new RegExp(`cell ${termCell} \\(.*\\) done in`)));
    // --verbose logged the job's taking and finishing with times.
    expect(b.lines).toContainEqual(expect.stringMatching(new RegExp(`^\\S+ \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: took job \\S+ \\(cell ${termCell}\\)$`)));
    expect(b.lines).toContainEqual(expect.stringMatching(/Z: finished job \S+$/));
    const c = startWorker();
    const result = await coordinator;
    c.child.kill('SIGTERM');
    await c.exited;
    expect(result.hung).toBe(false);
    expect(result.stderr).not.toContain('brain-rnn:');
    expect(result.status).toBe(0);

    const plan = readPlan(dir);
    const doneFiles = readdirSync(join(dir, 'cells')).filter((f) => /^[0-9a-f]{20}\.json$/.test(f));
    expect(doneFiles).toHaveLength(plan.cells.length);
    // The killed worker's cell was run again by another worker (stalled-job check), once.
    const retried = readCellRecord(dir, plan.cells[killedCell])!;
    expect(retried.worker).not.toBe(a.lines[0].split(': ')[0]);
    expect([...b.lines, ...c.lines].filter((l) => new RegExp(`cell ${killedCell} \\(.*\\) done in`).test(l))).toHaveLength(1);
    expect(readFileSync(join(dir, 'table.md'), 'utf8')).toBe(readFileSync(join(local, 'table.md'), 'utf8'));
    expect(withoutSeconds(join(dir, 'results.json'))).toBe(withoutSeconds(join(local, 'results.json')));
    // The sweep's own keys are gone from Redis.
    const redis = new Redis(url);
    expect(await redis.keys(`${prefix}:sweep:*`)).toEqual([]);
    redis.disconnect();
  });

  it('brain-rnn worker refuses a cell queued by another package version, naming both, and stops', async () => {
    const worker = startWorker();
    await worker.next(/worker on/);
    const queue = new Queue('cells', { connection: { url }, prefix });
    await queue.add('cell', { planId: 'elsewhere', index: 0, hash: 'x', version: '0.0.9' });
    expect(await worker.exited).toBe(1);
    expect(worker.lines.join('\n')).toMatch(new RegExp(`refused cell 0: worker \\S+ runs brain-rnn ${PACKAGE_VERSION.replaceAll('.', '\\.')} but the coordinator of this sweep runs brain-rnn 0\\.0\\.9; install the same version on both`));
    const failed = await queue.getFailed();
    expect(failed.map((j) => j.failedReason)).toEqual([expect.stringContaining('brain-rnn 0.0.9')]);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('brain-rnn sweep and brain-rnn worker name an unreachable Redis and exit 1 instead of waiting', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['sweep', sweepFile, '--executor', 'bullmq', '--redis', closed, '--output-dir', join(work, 'never'), '--no-progress'], ['worker', '--redis', closed]]) {
      const result = await runCli(args, { timeoutMs: 30_000 });
      expect(result.hung).toBe(false);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`brain-rnn: cannot reach Redis at ${closed}: connect ECONNREFUSED ${closed.slice('redis://'.length)} (is redis-server running there and listening on that address?)\n`);
    }
  });
});
