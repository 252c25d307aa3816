/**
 * Data-parallel supervised steps: the batch's sessions are shared out between the calling thread
 * and persistent worker threads, each with its own model copy (and so its own wasm kernel instance).
 * Every thread runs forward, cross-entropy and BPTT on the chunks it claims (shardGradients.ts,
 * sharedStepMemory.ts); the caller adds the spectral regularisers once, sums the chunks' gradients
 * in chunk order, and the Trainer clips and applies Adam as usual. Results equal Trainer.step's up
 * to float32 summation order, and do not depend on which thread computed which chunk.
 *
 * Chunks are whole groups of four sessions (the wasm kernel's SIMD lanes), so every session is
 * computed exactly as in a single-threaded pass; the last chunk may hold a partial group. Most
 * chunks are pairs of groups (the Trainer's cache block), the last claimed single groups. Claiming
 * chunks rather than fixed halves keeps the step from waiting on a worker that a loaded machine
 * has not scheduled yet: the caller then takes that worker's chunks too.
 */
import { performance } from 'node:perf_hooks';
import { BrainInspiredRNN } from '../../src/model/brainInspiredRnn.js';
import type { ParameterSet } from '../../src/model/parameters.js';
import type { RecurrentModel, SequenceBatch } from '../../src/model/recurrentModel.js';
import { sliceBatch } from '../../src/training/sliceBatch.js';
import type { GradientEngine, StepGradients } from '../../src/training/trainer.js';
import { ConfigError, checkInteger, checkNumber } from '../../src/validation.js';
import { BLOCK_SESSIONS, ShardedStep } from '../../src/training/supervisedShard.js';
import { computeChunk } from './shardGradients.js';
import type { ShardWorkerData } from './shardWorker.js';
import {
  ChunkScalar, Scalar, Slot, WorkerState, claimOwnChunks, createSharedBatchMemory, createSharedStepMemory, epochOf,
  openChunks, sharedBatchViews, sharedStepViews, waitForChunk, waitForChunks, type SharedBatchViews, type SharedStepViews,
} from './sharedStepMemory.js';
import { closeWorkers, startWorker, stoppedWorker, workerMessage, type PooledWorker } from './workerPool.js';

/** Sessions per SIMD vector of the wasm kernel: chunks are cut at multiples of it. */
const LANES = 4;
/** Most chunks per thread and step (each has its own gradient slot, which the caller adds). */
const CHUNKS_PER_THREAD = 10;
/**
 * Lane groups per chunk but in the tail: two, the Trainer's cache block of 8 sessions. On the bench
 * batch, two threads stepped 7-8% faster than with single groups throughout (docs/benchmarks.md).
 */
const BODY_GROUPS = BLOCK_SESSIONS / LANES;
/**
 * Single-group chunks per thread, claimed last: the threads finish at most about one chunk apart,
 * and a worker that a loaded machine schedules late still finds small chunks to even out with.
 */
const TAIL_CHUNKS_PER_THREAD = 4;

/**
 * Session bounds of a step's chunks (chunk c is sessions [bounds[c], bounds[c + 1])): chunks 0 to
 * tail − 1 are single lane groups, the rest BODY_GROUPS groups (more where `maxChunks` would be
 * exceeded). Claims go from the top down, so the single groups are the last claimed.
 * @example
 * chunkBounds(80, 2, 20); // [0, 4, 8, …, 32, 40, 48, …, 80]: 8 single groups, then 6 pairs
 */
export function chunkBounds(nSessions: number, threads: number, maxChunks: number): number[] {
  const groups = Math.ceil(nSessions / LANES);
  const tail = Math.min(groups, TAIL_CHUNKS_PER_THREAD * threads, maxChunks - 1);
  const size = Math.max(BODY_GROUPS, Math.ceil((groups - tail) / (maxChunks - tail)));
  const bounds = [0];
  for (let group = 1; group <= tail; group++) bounds.push(group);
  for (let group = tail; group < groups; group += size) bounds.push(Math.min(groups, group + size));
  return bounds.map((group) => Math.min(nSessions, group * LANES));
}
/** How often a waiting caller checks that the workers are still alive (ms). */
const LIVENESS_CHECK_MS = 250;

export interface ParallelSupervisedStepOptions {
  /** Threads sharing each step, the calling one included, an integer in [1, 64] (default 2: the caller and one worker). */
  threads?: number;
  /**
   * Whether the calling thread computes chunks too (default true). With false it only adds the
   * spectral terms and the sums, and every chunk goes to a worker (needs threads ≥ 2).
   */
  callerComputes?: boolean;
}

/**
 * @example
 * const engine = new ParallelSupervisedStep(model, { threads: 2 });
 * const trainer = new Trainer(model, { batchSize: 80 }, { gradientEngine: engine });
 * trainer.step(batch);
 * await engine.close();
 */
export class ParallelSupervisedStep implements GradientEngine {
  readonly threads: number;
  /** Its ports also carry the batch buffers out. */
  private readonly workers: PooledWorker[] = [];
  private readonly views: SharedStepViews;
  private buffers: SharedBatchViews | undefined;
  private readonly computed: number[];
  private readonly callerComputes: boolean;
  private steps = 0;
  private closed = false;
  /** Why no further step may run (a worker died holding chunks of a step). */
  private broken: string | undefined;

  constructor(readonly model: RecurrentModel, { threads = 2, callerComputes = true }: ParallelSupervisedStepOptions = {}) {
    this.threads = checkInteger('threads', threads, 1, 64);
    if (!callerComputes && threads < 2) {
      throw new ConfigError([`ParallelSupervisedStep with callerComputes false needs threads >= 2, got ${threads}`]);
    }
    this.callerComputes = callerComputes;
    this.computed = new Array<number>(threads).fill(0);
    const memory = createSharedStepMemory(model.parameters.size, threads - 1, threads * CHUNKS_PER_THREAD);
    this.views = sharedStepViews(memory);
    const source = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const entry = new URL(`./shardWorker${source}`, import.meta.url).href;
    const serialized = model.toJSON();
    const kernel = model instanceof BrainInspiredRNN ? model.kernel : undefined;
    for (let w = 1; w < threads; w++) {
      this.workers.push(startWorker(w, (port, stateSlot): ShardWorkerData => ({ worker: w, model: serialized, kernel, memory, port, stateSlot, entry })));
    }
  }

  /** Chunks each thread has computed so far (index 0: the calling thread). */
  get chunkCounts(): readonly number[] {
    return [...this.computed];
  }

  /**
   * Block until every worker has loaded (steps never need this: they start without the workers
   * that are not ready yet). Throws if one failed or `timeoutMs` passed.
   */
  waitForWorkers(timeoutMs = 60_000): void {
    checkNumber('timeoutMs', timeoutMs, { min: 0 });
    const deadline = performance.now() + timeoutMs;
    const { control } = this.views;
    for (const shard of this.workers) {
      while (Atomics.load(control, shard.stateSlot) === WorkerState.loading) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`ParallelSupervisedStep: a worker did not load within ${timeoutMs} ms`);
        Atomics.wait(control, shard.stateSlot, WorkerState.loading, left);
      }
    }
    this.throwIfWorkerStopped();
  }

  accumulate(batch: SequenceBatch, regularizerScale: number, gradients: ParameterSet): StepGradients {
    if (this.closed) throw new Error('ParallelSupervisedStep.accumulate after close()');
    if (this.broken !== undefined) throw new Error(this.broken);
    const { model, views } = this;
    const { nSessions, nTrials, nInputs, inputs, mask } = batch;
    if (nInputs !== model.nInputs || inputs.length !== nSessions * nTrials * nInputs) {
      throw new RangeError(
        `batch must have nInputs ${model.nInputs} and ${nSessions}×${nTrials}×${model.nInputs} inputs, got nInputs ${nInputs} and ${inputs.length}`,
      );
    }
    this.throwIfWorkerStopped();
    const step = new ShardedStep(model, batch, regularizerScale);
    const bounds = chunkBounds(nSessions, this.threads, this.threads * CHUNKS_PER_THREAD);
    const chunks = bounds.length - 1;

    const { control, scalars } = views;
    const epoch = epochOf(++this.steps);
    if (this.workers.length > 0) {
      views.parameters.set(model.parameters.data);
      this.share(batch);
    }
    control[Slot.sessions] = nSessions;
    control[Slot.trials] = nTrials;
    views.chunkBounds.set(bounds);
    control[Slot.flags] = mask ? 1 : 0;
    scalars[Scalar.batchCount] = step.batchCount;
    scalars[Scalar.regularize] = step.lowRank ? 1 : 0;
    scalars[Scalar.heterogeneityWeight] = step.heterogeneityWeight;
    openChunks(control, epoch, chunks);
    if (this.workers.length > 0) {
      Atomics.store(control, Slot.command, this.steps);
      Atomics.notify(control, Slot.command);
    }

    // Once chunks are open, leave only after every claimed one is finished: otherwise a worker
    // could still be writing this step's slots when the next step reuses them.
    let ownFailure: unknown;
    try {
      // The spectral terms depend on W only: added once, while the workers start on their chunks.
      step.addSpectralTerms(gradients);
    } catch (error) {
      ownFailure = error;
    }
    if (this.callerComputes || ownFailure !== undefined) ownFailure = claimOwnChunks(control, views.chunkState, epoch, ownFailure, (chunk) => computeChunk(model, batch, views, chunk));
    if (ownFailure !== undefined) {
      waitForChunks(views.chunkState, epoch, chunks, LIVENESS_CHECK_MS, this.checkWorkers);
      throw ownFailure;
    }

    // Chunks are claimed from the top down, so they finish roughly in that order: summing them in
    // descending order (a fixed order, whoever computed them) overlaps the sum with the chunks a
    // worker is still computing, and only the last chunk's addition waits for the last chunk.
    const failures: string[] = [];
    const size = model.parameters.size;
    const sum = gradients.data;
    for (let chunk = chunks - 1; chunk >= 0; chunk--) {
      waitForChunk(views.chunkState, epoch, chunk, LIVENESS_CHECK_MS, this.checkWorkers);
      const thread = views.chunkState[3 * chunk + 1];
      if (views.chunkState[3 * chunk + 2] !== 0) {
        failures.push(`worker ${thread}: ${this.message(thread)}`);
        continue;
      }
      this.computed[thread] += 1;
      const slot = views.chunkGradients.subarray(chunk * size, (chunk + 1) * size);
      for (let i = 0; i < size; i++) sum[i] += slot[i];
      const result = { totalNll: views.chunkScalars[3 * chunk + ChunkScalar.totalNll], heterogeneity: views.chunkScalars[3 * chunk + ChunkScalar.heterogeneity] };
      step.add(result, bounds[chunk + 1] - bounds[chunk]);
    }
    if (failures.length > 0) throw new Error(`ParallelSupervisedStep: ${failures.join('; ')}`);
    return step.result();
  }

  /**
   * Stop the workers; resolves once they have exited. Idempotent. Workers never keep the process
   * alive on their own, so not awaiting it (or never closing) is safe, only wasteful.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      return closeWorkers(this.views.control, this.workers);
    }
    return Promise.all(this.workers.map((shard) => shard.exited)).then(() => undefined);
  }

  /**
   * The sessions `sessions` of `source`, sliced straight into the memory the workers read: a step on
   * the returned batch does not copy it again (Trainer.fit slices its batches here). Valid until
   * the next call; a later step on another batch overwrites it too.
   * @example
   * const batch = engine.sliceBatch(train, [0, 1, 2, 3]);
   */
  sliceBatch(source: SequenceBatch, sessions: readonly number[]): SequenceBatch {
    if (this.workers.length === 0) return sliceBatch(source, sessions);
    if (source.nInputs !== this.model.nInputs) {
      throw new RangeError(`batch must have nInputs ${this.model.nInputs}, got ${source.nInputs}`);
    }
    return sliceBatch(source, sessions, this.sharedBuffers(sessions.length * source.nTrials));
  }

  /** Place the batch in the shared buffers, unless it already is there (sliced by sliceBatch). */
  private share({ nSessions, nTrials, inputs, targets, mask }: SequenceBatch): void {
    const buffers = this.sharedBuffers(nSessions * nTrials);
    if (!(leads(inputs, buffers.inputs) && leads(targets!, buffers.targets) && (mask === undefined || leads(mask, buffers.mask)))) {
      buffers.inputs.set(inputs);
      buffers.targets.set(targets!);
      if (mask) buffers.mask.set(mask);
    }
    this.views.control[Slot.generation] = buffers.generation;
  }

  /** The shared batch buffers, replaced by larger ones (posted to every worker) when they hold fewer than `rows` session-trials. */
  private sharedBuffers(rows: number): SharedBatchViews {
    if (this.buffers === undefined || this.buffers.capacity < rows) {
      const memory = createSharedBatchMemory((this.buffers?.generation ?? 0) + 1, rows, this.model.nInputs);
      for (const shard of this.workers) shard.port.postMessage(memory);
      this.buffers = sharedBatchViews(memory);
    }
    return this.buffers;
  }

  /** What a caller waiting on a chunk calls when none finished for a while. */
  private readonly checkWorkers = (): void => this.throwIfWorkerStopped();

  private throwIfWorkerStopped(): void {
    const stopped = stoppedWorker(this.views.control, this.workers);
    if (stopped === undefined) return;
    // Chunks it held will never finish: no further step may reuse the shared memory.
    this.broken ??= `ParallelSupervisedStep: worker ${stopped} stopped: ${this.message(stopped)}`;
    throw new Error(this.broken);
  }

  private message(thread: number): string {
    return workerMessage(this.workers, thread);
  }
}

/** Whether `view` is the leading part of `buffer`'s memory (a batch sliceBatch placed there). */
function leads(view: ArrayBufferView, buffer: ArrayBufferView): boolean {
  return view.buffer === buffer.buffer && view.byteOffset === buffer.byteOffset;
}
