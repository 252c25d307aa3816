/**
 * `npm run bench`: the workloads of shared/bench/WORKLOADS.md, measured here and (when
 * /usr/bin/python3 can import torch) in the PyTorch reference in the same run, printed as one JSON
 * line per workload with `trial_steps_per_s`, then the ratios.
 *
 * The main figures ("train", "online") use float32 models on the WebAssembly SIMD kernel; the
 * "(float64 js kernel)" lines run the same workloads on the float64 JavaScript kernel for reference,
 * and "train (wasm simd, 2 threads)" splits the train step's sessions over the calling thread and a
 * worker (actors/parallel). A workload's target is met by its best variant; the last lines say which,
 * and the run ends with one table of every target of issue 14: measured, target, met.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Trainer } from '../../src/index.js';
import { TRAIN_B as B, TRAIN_N as N, TRAIN_RANK as RANK, TRAIN_T as T, trainWorkloadBatch, trainWorkloadModel } from './trainWorkloadData.js';
import { comparePipelineToPlainLoop, runPlainOnlineLoop } from './actorPipelineWorkload.js';
import { runViewerOverheadWorkload } from './viewerOverheadWorkload.js';
import { A2C_B, A2C_T, a2cStepper, a2cWorkload, gruFitWorkload } from './learningWorkloads.js';
import { roundRatioQuartiles, timeInTurnDetailed } from './interleaved.js';
import { runCliStartWorkload } from './cliStartWorkload.js';
import { parallelA2CStepper } from './parallelA2CWorkload.js';
import { printTargetTable, type TargetRow } from './targetTable.js';
import { runSweepWorkload } from './sweepWorkload.js';
import { twoThreadCeiling } from './twoThreadCeiling.js';
import { registerOnlyScaling } from './registerOnlyScaling.js';
import { isaDescription, parseBenchArgs, reexecForIsa, torchEnvironment } from './benchIsa.js';
import type { LowRankKernelName } from '../../src/model/brainInspiredRnn.js';
import { ParallelSupervisedStep } from '../../actors/parallel/parallelSupervisedStep.js';

interface Variant {
  /** Label appended to the workload name ('' for the main figure). */
  label: string;
  kernel: LowRankKernelName;
  dtype: 'float32' | 'float64';
  /** Threads sharing each train step (1: the plain Trainer). */
  threads: number;
}

const { isa, learningOnly } = (() => {
  try {
    return parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
})();
{
  const code = reexecForIsa(isa);
  if (code !== undefined) process.exit(code);
}

const MAIN: Variant = { label: '', kernel: 'wasm', dtype: 'float32', threads: 1 };
const REFERENCE: Variant = { label: ' (float64 js kernel)', kernel: 'js', dtype: 'float64', threads: 1 };
const TWO_THREADS: Variant = { label: ' (wasm simd, 2 threads)', kernel: 'wasm', dtype: 'float32', threads: 2 };

/** The variants that may meet each workload's target (the float64 lines are for reference only). */
const TARGETS: Record<string, { ratio: number; variants: string[] }> = {
  train: { ratio: 5, variants: ['train', `train${TWO_THREADS.label}`] },
  online: { ratio: 2, variants: ['online'] },
  a2c: { ratio: 5, variants: ['a2c', `a2c${TWO_THREADS.label}`] },
  gru_fit: { ratio: 5, variants: ['gru_fit', 'gru_fit (wasm simd float32)'] },
};

function frameworkName({ kernel, dtype }: Variant, loop: string): string {
  return `brain-inspired-rnn (${kernel === 'wasm' ? 'wasm simd' : 'js'} kernel, ${dtype}, ${loop})`;
}

/** A trainer of the `train` workload on `variant`, its workers loaded: `step` takes one step. */
function trainStepper(variant: Variant): { step: () => void; close: () => Promise<void> } {
  const model = trainWorkloadModel(0, variant);
  // Persistent workers, started (like the model is built) before any step: loading them compiles
  // the TypeScript sources again and would otherwise compete with the timed steps for the cores.
  const engine = variant.threads > 1 ? new ParallelSupervisedStep(model, { threads: variant.threads }) : undefined;
  engine?.waitForWorkers();
  const trainer = new Trainer(model, { learningRate: 1e-2, clipNorm: 1, nEpochs: 1, batchSize: B, regularize: true }, { gradientEngine: engine });
  const source = trainWorkloadBatch(1);
  // Trainer.fit slices each step's batch out of the training set, straight into the workers' shared
  // memory when there are workers (GradientEngine.sliceBatch): the workload's one batch is placed
  // there once in the same way, so that no variant pays a per-step copy that fit does not.
  const batch = engine ? engine.sliceBatch(source, Array.from({ length: source.nSessions }, (_, i) => i)) : source;
  return { step: () => void trainer.step(batch, 1), close: async () => void (await engine?.close()) };
}

function trainResult(variant: Variant, step: number, fastest: number) {
  const loop = variant.threads === 1 ? '1 thread' : `${variant.threads} threads`;
  return { workload: `train${variant.label}`, framework: frameworkName(variant, loop), B, T, N, rank: RANK, median_step_s: step, fastest_step_s: fastest, trial_steps_per_s: (B * T) / step };
}

/** Each variant of `variants` timed in turn with the others (see interleaved.ts). */
async function trainWorkloads(variants: Variant[], repeats = 20, warmup = 3) {
  const trainers = variants.map(trainStepper);
  try {
    const { median, fastest, times } = await timeInTurnDetailed(trainers.map((t) => t.step), { repeats, warmup });
    // Beside a later variant, how its round-by-round speed-up over the first spread (quartiles).
    return variants.map((variant, i) => ({ ...trainResult(variant, median[i], fastest[i]), ...(i > 0 && { round_speedup_quartiles: roundRatioQuartiles(times, 0, i).map((q) => Number(q.toFixed(3))) }) }));
  } finally {
    for (const trainer of trainers) await trainer.close();
  }
}

/** The 1-thread A2CTrainer and the 2-thread ParallelA2C, timed in turn. */
async function a2cOneAndTwoThreads(repeats = 200, warmup = 20) {
  const parallel = await parallelA2CStepper({ threads: 2 });
  try {
    const { median: [one, two], fastest, times } = await timeInTurnDetailed([a2cStepper(MAIN), parallel.step], { repeats, warmup });
    const round_speedup_quartiles = roundRatioQuartiles(times, 0, 1).map((q) => Number(q.toFixed(3)));
    const shape = { B: A2C_B, T: A2C_T, N, rank: 5 };
    return [
      { workload: 'a2c', framework: frameworkName(MAIN, 'rollout + A2C update, 1 thread'), ...shape, median_s: one, fastest_s: fastest[0], trial_steps_per_s: (A2C_B * A2C_T) / one },
      { workload: `a2c${TWO_THREADS.label}`, framework: 'brain-inspired-rnn (ParallelA2C: 2 shards of 32 sessions, 2 threads)', ...shape, median_s: two, fastest_s: fastest[1], trial_steps_per_s: (A2C_B * A2C_T) / two, round_speedup_quartiles },
    ];
  } finally {
    await parallel.close();
  }
}

function onlineWorkload(variant: Variant, agents = 64, trials = 1000, repeats = 5) {
  const result = runPlainOnlineLoop({ agents, trials, repeats, model: trainWorkloadModel(0, variant) });
  return { workload: `online${variant.label}`, framework: frameworkName(variant, 'plain batched loop'), agents, trials, ...result };
}

const torchScript = fileURLToPath(new URL('../../../shared/bench/torch_reference.py', import.meta.url));

/** What PyTorch says its ATen kernels use under this run's environment ("AVX2", "NO AVX", ...). */
function torchCapability(): string | undefined {
  try {
    const config = execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__config__.show())'], { encoding: 'utf8', env: torchEnvironment(isa) });
    return /CPU capability usage: (.+)/.exec(config)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** Whether the PyTorch reference can run here (Debian's python3-torch for /usr/bin/python3). */
function torchAvailable(): boolean {
  if (!existsSync('/usr/bin/python3') || !existsSync(torchScript)) return false;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('bench: /usr/bin/python3 cannot import torch; skipping the PyTorch reference\n');
    return false;
  }
}

/**
 * The PyTorch reference of one workload, run right after ours so that both see the same load of a
 * shared machine (running all of PyTorch's at the end let the load drift between the two).
 */
function torchReference(workload: string): { trial_steps_per_s: number } {
  const line = execFileSync('/usr/bin/python3', [torchScript, workload], { encoding: 'utf8', env: torchEnvironment(isa) }).trim().split('\n').at(-1)!;
  process.stdout.write(`${line}\n`);
  return JSON.parse(line) as { trial_steps_per_s: number };
}

const ours: Record<string, { trial_steps_per_s: number; fastest_step_s?: number; fastest_s?: number }> = {};
/** Every target, in the order printed at the end. */
const targetRows: TargetRow[] = [];
const a2c = (variant: Variant) => ({ workload: `a2c${variant.label}`, framework: frameworkName(variant, 'rollout + A2C update, 1 thread'), B: 64, T: 150, N, rank: 5, ...a2cWorkload(variant) });
const gruFit = () => ({ workload: 'gru_fit', framework: 'brain-inspired-rnn (TinyGRU, js kernel, float64, 1 thread)', B: 128, T: 200, H: 4, ...gruFitWorkload() });
const gruFitSimd = () => ({ workload: 'gru_fit (wasm simd float32)', framework: 'brain-inspired-rnn (TinyGRU, wasm simd kernel, float32, fused loss, 1 thread)', B: 128, T: 200, H: 4, ...gruFitWorkload({ kernel: 'wasm', dtype: 'float32' }) });
const withTorch = torchAvailable();
const torch: Record<string, { trial_steps_per_s: number }> = {};
type Result = { workload: string; trial_steps_per_s: number; fastest_step_s?: number; fastest_s?: number };
// Each entry gives one or more results; the variants a target compares (1 and 2 threads) are timed in turn.
const groups: [string, (() => Promise<Result | Result[]> | Result | Result[])[]][] = [
  ['train', [() => trainWorkloads([MAIN, TWO_THREADS], 200, 20), () => trainWorkloads([REFERENCE])]],
  ['online', [() => onlineWorkload(MAIN), () => onlineWorkload(REFERENCE)]],
  ['a2c', [() => a2cOneAndTwoThreads(), () => a2c(REFERENCE)]],
  ['gru_fit', [gruFitSimd, gruFit]],
];
for (const [workload, runs] of groups) {
  for (const run of runs) {
    const produced = await run();
    for (const result of Array.isArray(produced) ? produced : [produced]) {
      ours[result.workload] = result;
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  }
  if (withTorch) torch[workload] = torchReference(workload);
}
// The actor layer's cost: the same online workload through environment, agent, trainer (frozen)
// and analyzer actors, against the plain batched loop measured in alternation with it (same kernel).
if (!learningOnly) {
  const { plain, pipeline, ratio, fastestRatio } = await comparePipelineToPlainLoop();
  process.stdout.write(`${JSON.stringify({ workload: 'online (actor pipeline)', framework: 'brain-inspired-rnn (XState actors + RxJS bus)', ...pipeline })}\n`);
  process.stdout.write(`${JSON.stringify({ workload: 'online (actor pipeline)', ratio_to_plain_loop: Number(ratio.toFixed(3)), fastest_runs_ratio: Number(fastestRatio.toFixed(3)), plain_loop_trial_steps_per_s: plain.trial_steps_per_s, target: 0.5, meets_target: ratio >= 0.5 })}\n`);
  targetRows.push({ target: 'actor pipeline / plain loop (online)', measured: ratio, goal: 0.5, unit: '×', higherIsBetter: true, fastest: fastestRatio });
}

// Two threads against one on the same workload, same run.
{
  const one = ours.train;
  const two = ours[`train${TWO_THREADS.label}`];
  const a2cTwo = ours[`a2c${TWO_THREADS.label}`];
  targetRows.push({ target: 'train: 2 threads / 1 thread', measured: two.trial_steps_per_s / one.trial_steps_per_s, goal: 1.7, unit: '×', higherIsBetter: true, fastest: one.fastest_step_s! / two.fastest_step_s! });
  targetRows.push({ target: 'a2c: 2 threads (ParallelA2C) / 1 thread (A2CTrainer)', measured: a2cTwo.trial_steps_per_s / ours.a2c.trial_steps_per_s, goal: 1.7, unit: '×', higherIsBetter: true, fastest: ours.a2c.fastest_s! / a2cTwo.fastest_s! });
  // What two threads give on this machine with nothing shared: the bound of the two rows above.
  const ceiling = await twoThreadCeiling();
  process.stdout.write(`${JSON.stringify({ workload: 'two-thread ceiling (train halves, independent threads)', ...ceiling })}\n`);
  targetRows.push({ target: 'reference, not ours: the machine\'s two-thread ceiling (two independent train halves / one thread)', measured: ceiling.ratio, goal: 1.7, unit: '×', higherIsBetter: true, fastest: ceiling.fastest_ratio });
  // The same for work that never leaves the registers: about 2× on two cores, well under on SMT siblings.
  const registers = await registerOnlyScaling();
  process.stdout.write(`${JSON.stringify({ workload: 'two-thread scaling of a register-only wasm SIMD loop', ...registers })}\n`);
  targetRows.push({ target: 'reference, not ours: two threads / one on a register-only wasm SIMD loop', measured: registers.ratio, goal: 1.7, unit: '×', higherIsBetter: true, fastest: registers.fastest_ratio });
}

// How long the command line takes to answer (median of 5 starts each).
if (!learningOnly) {
  const starts = await runCliStartWorkload(5);
  for (const start of starts) process.stdout.write(`${JSON.stringify({ workload: 'cli start', ...start, target_s: 0.5, meets_target: start.median_s < 0.5 })}\n`);
  const help = starts.find((start) => start.command === 'brain-rnn --help')!;
  const slowest = starts.reduce((a, b) => (b.median_s > a.median_s ? b : a));
  targetRows.push({ target: '`brain-rnn --help` (median of 5)', measured: help.median_s, goal: 0.5, unit: 's', higherIsBetter: false });
  targetRows.push({ target: `first line of the slowest command (${slowest.command.replace('brain-rnn ', '').split(' ')[0]})`, measured: slowest.median_s, goal: 0.5, unit: 's', higherIsBetter: false });
}

// A viewer attached must not slow the simulation: throughput with one reading WebSocket client
// against none, same frozen actor-pipeline workload.
if (!learningOnly) {
  const viewer = await runViewerOverheadWorkload();
  process.stdout.write(`${JSON.stringify({ workload: 'online (actor pipeline, one viewer attached)', trial_steps_per_s: viewer.with.trial_steps_per_s, without_viewer_trial_steps_per_s: viewer.without.trial_steps_per_s, ratio_to_no_viewer: Number(viewer.ratio.toFixed(3)), fastest_runs_ratio: Number(viewer.fastestRatio.toFixed(3)), target: 0.9, meets_target: viewer.ratio >= 0.9 })}\n`);
  targetRows.push({ target: 'one viewer attached / none (actor pipeline)', measured: viewer.ratio, goal: 0.9, unit: '×', higherIsBetter: true, fastest: viewer.fastestRatio });
}

// Replaying a 1,000,000-trial recording keeps resident memory under 300 MB. The recording is made
// by a first child process; a second, fresh one only replays, so its peak RSS is the replay's own.
if (!learningOnly) {
  const dir = mkdtempSync(join(tmpdir(), 'brain-rnn-bench-'));
  const recording = join(dir, 'million.ndjson.gz');
  const entry = fileURLToPath(new URL('./replayMemoryMain.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  try {
    execFileSync(tsx, [entry, recording], { encoding: 'utf8' });
    const replay = JSON.parse(execFileSync(tsx, [entry, recording], { encoding: 'utf8' }).trim()) as { peakRssMb: number; replayedEvents: number; replaySeconds: number; fileBytes: number };
    process.stdout.write(`${JSON.stringify({ workload: 'replay 1,000,000 trials', ...replay, peakRssMb: Number(replay.peakRssMb.toFixed(1)), target_mb: 300, meets_target: replay.peakRssMb < 300 })}\n`);
    targetRows.push({ target: 'replay of 1,000,000 trials, peak RSS', measured: replay.peakRssMb, goal: 300, unit: 'MB', higherIsBetter: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Sweeps (issue 11): queue overhead of BullMQ against local worker processes, and scaling to 2 workers.
if (!learningOnly) {
  for (const line of await runSweepWorkload()) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if ('ratio' in line && 'target' in line) targetRows.push({ target: line.workload, measured: line.ratio, goal: line.target, unit: '×', higherIsBetter: true });
  }
}

const torchRows: TargetRow[] = [];
if (withTorch) {
  const ratios: Record<string, number> = {};
  for (const [name, result] of Object.entries(ours)) {
    const reference = torch[name.split(' ')[0]];
    if (!reference) continue;
    ratios[name] = result.trial_steps_per_s / reference.trial_steps_per_s;
    process.stdout.write(`${JSON.stringify({ workload: name, ratio_to_torch: Number(ratios[name].toFixed(3)) })}\n`);
  }
  for (const [workload, { ratio: target, variants }] of Object.entries(TARGETS)) {
    const measured = variants.filter((name) => name in ratios);
    if (measured.length === 0) continue;
    const best = measured.reduce((a, b) => (ratios[b] > ratios[a] ? b : a));
    const ratio = Number(ratios[best].toFixed(3));
    process.stdout.write(`${JSON.stringify({ target_workload: workload, best_variant: best, ratio_to_torch: ratio, target, meets_target: ratio >= target })}\n`);
    torchRows.push({ target: `${workload} / PyTorch (best: ${best})`, measured: ratios[best], goal: target, unit: '×', higherIsBetter: true });
  }
}
if (!withTorch) {
  for (const [workload, { ratio }] of Object.entries(TARGETS)) {
    torchRows.push({ target: `${workload} / PyTorch`, measured: undefined, goal: ratio, unit: '×', higherIsBetter: true, note: '/usr/bin/python3 cannot import torch' });
  }
}
printTargetTable([...torchRows, ...targetRows], undefined, isaDescription(isa, withTorch ? torchCapability() : undefined));
