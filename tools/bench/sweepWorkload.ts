/**
 * Sweep engine figures of issue 11, on one `fit` sweep (hartley_online_two_step, tiny_gru:2 and
 * tiny_gru:4, 4 folds × 2 seeds, up to 120 epochs: 16 cells of seconds each, so that a worker
 * process's start-up does not dominate):
 * - queue overhead: wall time through the local executor with 1 worker process against the BullMQ
 *   executor with 1 `brain-rnn worker` on a real redis-server started here (tools/localServers.ts:
 *   127.0.0.1, free port, stopped by PID); ratio local / bullmq, target >= 0.95. Both start cold:
 *   the local executor forks its worker process when the sweep starts, and a fresh `brain-rnn
 *   worker` is started together with each BullMQ sweep (its start-up counts, as the local one's);
 * - scaling: cells per second with 2 local workers against 1, target >= 1.8 on 2 cores.
 * Every run starts from an empty sweep folder; the three runs are interleaved and repeated
 * (REPEATS, default 3; BRAIN_RNN_BENCH_SWEEP_REPEATS) and the medians compared, so that a change
 * in the machine's load hits all three alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BullmqExecutor } from '../../actors/sweep/bullmqExecutor.js';
import { LocalExecutor } from '../../actors/sweep/localExecutor.js';
import { runSweep } from '../../actors/sweep/runSweep.js';
import type { SweepExecutor } from '../../actors/sweep/sweepExecutor.js';
import { parseSweep } from '../../actors/sweep/sweepFile.js';
import { startRedisServer } from '../localServers.js';
import { median } from './interleaved.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DATA = [process.env.BRAIN_RNN_SHARED_DATA, join(root, '..', 'shared', 'data'), '/work/shared/data'].filter((d): d is string => !!d).find((d) => existsSync(join(d, 'hartley_online_two_step.csv')));

async function timeSweep(executor: SweepExecutor, cellsOut: { cells: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-bench-sweep-'));
  try {
    const sweep = parseSweep({ name: 'bench-hartley', kind: 'fit', data: join(DATA!, 'hartley_online_two_step.csv'), models: ['tinygru:2', 'tinygru:4'], folds: 4, seeds: 2, seed: 1, nEpochs: 120 }, root);
    const started = performance.now();
    const outcome = await runSweep(sweep, { outputDir: dir, executor, progress: false });
    if (outcome.failures.length > 0) throw new Error(outcome.failures.join('; '));
    cellsOut.cells = outcome.plan.cells.length;
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const REPEATS = Number(process.env.BRAIN_RNN_BENCH_SWEEP_REPEATS ?? 3);

/** One bench line; the ratio lines carry their target (bench.ts puts them in the target table). */
export type SweepBenchLine =
  | { workload: string; ratio: number; target: number; meets_target: boolean; [field: string]: unknown }
  | { workload: string; skipped?: string; cells?: number; seconds?: number; cells_per_s?: number };

export async function runSweepWorkload(): Promise<SweepBenchLine[]> {
  if (!DATA) return [{ workload: 'sweep', skipped: 'hartley_online_two_step.csv not found (set BRAIN_RNN_SHARED_DATA)' }];
  const counted = { cells: 0 };
  const redis = await startRedisServer();
  const { url } = redis;
  const prefix = `bench-${process.pid}`;
  /** One BullMQ sweep with a worker started at the same moment as the coordinator. */
  const bullmqSweep = async () => {
    const worker = spawn(process.execPath, ['--import', 'tsx', 'actors/cli/main.ts', 'worker', '--redis', url, '--prefix', prefix], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    try {
      return await timeSweep(new BullmqExecutor({ redis: url, prefix }), counted);
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const times = { local1: [] as number[], local2: [] as number[], bullmq1: [] as number[] };
    const loadBefore = loadavg()[0];
    for (let r = 0; r < REPEATS; r++) {
      times.local1.push(await timeSweep(new LocalExecutor({ workers: 1 }), counted));
      times.bullmq1.push(await bullmqSweep());
      times.local2.push(await timeSweep(new LocalExecutor({ workers: 2 }), counted));
    }
    const [local1, local2, bullmq1] = [median(times.local1), median(times.local2), median(times.bullmq1)];
    const load = { repeats: REPEATS, load_average_1min_before: Number(loadBefore.toFixed(2)), load_average_1min_after: Number(loadavg()[0].toFixed(2)) };
    const overhead = local1 / bullmq1;
    const scaling = local1 / local2;
    return [
      { workload: 'sweep fit, local executor, 1 worker', cells: counted.cells, seconds: Number(local1.toFixed(2)), cells_per_s: Number((counted.cells / local1).toFixed(3)) },
      { workload: 'sweep fit, local executor, 2 workers', cells: counted.cells, seconds: Number(local2.toFixed(2)), cells_per_s: Number((counted.cells / local2).toFixed(3)) },
      { workload: 'sweep fit, bullmq executor, 1 worker', cells: counted.cells, seconds: Number(bullmq1.toFixed(2)), cells_per_s: Number((counted.cells / bullmq1).toFixed(3)) },
      { workload: 'sweep queue overhead (local / bullmq wall time, 1 worker)', ratio: Number(overhead.toFixed(3)), target: 0.95, meets_target: overhead >= 0.95, seconds: times, ...load },
      { workload: 'sweep scaling (cells/s, 2 local workers / 1)', ratio: Number(scaling.toFixed(3)), target: 1.8, meets_target: scaling >= 1.8, ...load },
    ];
  } finally {
    redis.stop();
  }
}

// Run on its own: `npx tsx tools/bench/sweepWorkload.ts`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await runSweepWorkload()) process.stdout.write(`${JSON.stringify(line)}\n`);
}
