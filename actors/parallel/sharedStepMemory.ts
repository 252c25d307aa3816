/**
 * The memory ParallelSupervisedStep (and ParallelA2C, whose chunks are its shards) shares with its
 * worker threads, and the chunk-claiming protocol on it. A step's batch is cut into chunks of whole lane groups; the caller and the workers claim
 * chunks from one atomic counter until none are left, so a worker that is slow to wake (a loaded
 * machine) simply takes fewer. Each chunk's gradient goes to its own slot and the caller adds the
 * slots in chunk order, so the result does not depend on which thread took which chunk.
 *
 * Everything crosses in SharedArrayBuffers and the threads hand over with Atomics.wait/notify, so a
 * step stays a synchronous call (Node lets the main thread wait). The batch buffers grow by
 * replacement: the caller posts the new ones on each worker's MessagePort and bumps `generation`;
 * a worker takes them with receiveMessageOnPort before its next chunk.
 */

/** Int32 slots of the control block. */
export const Slot = {
  /** The step number (its low bits are the epoch); workers wait on it. */
  command: 0,
  /** epoch << 10 | chunks left; chunks are claimed from the top down. */
  counter: 1,
  /** 1 once close() was called. */
  closing: 2,
  /** Which batch buffers are current. */
  generation: 3,
  /** The batch: sessions, trials per session, bit 0 of flags = has mask (slot 6 is unused). */
  sessions: 4,
  trials: 5,
  flags: 7,
  /** Per worker w = 1, 2, ...: `workers + 2 (w − 1)` holds its WorkerState, the next slot is unused. */
  workers: 8,
} as const;

/** What a worker's control slot says. */
export const WorkerState = { loading: 0, ready: 1, exited: 2 } as const;

/** Float64 slots of the step's weights. */
export const Scalar = { batchCount: 0, regularize: 1, heterogeneityWeight: 2 } as const;

/** Float64 results per chunk, at `3 c + ...`. */
export const ChunkScalar = { totalNll: 0, count: 1, heterogeneity: 2 } as const;

const INDEX_BITS = 10;
/** Most chunks one step may have (they are counted down in INDEX_BITS bits). */
export const MAX_CHUNKS = (1 << INDEX_BITS) - 1;
const EPOCH_MASK = (1 << (31 - INDEX_BITS)) - 1;

/** The fixed-size part, sent once in workerData. */
export interface SharedStepMemory {
  control: SharedArrayBuffer;
  scalars: SharedArrayBuffer;
  /** The model's parameters as float64 (the caller writes, workers read). */
  parameters: SharedArrayBuffer;
  /** Per chunk, three Int32: the epoch it was finished in, the thread that did it, 1 if it failed. */
  chunkState: SharedArrayBuffer;
  chunkScalars: SharedArrayBuffer;
  /** Per chunk, the parameters' float64 layout. */
  chunkGradients: SharedArrayBuffer;
  /** Int32 session bounds: chunk c is sessions [bounds[c], bounds[c + 1]) (the caller writes them). */
  chunkBounds: SharedArrayBuffer;
}

/** The batch part, replaced when a larger batch arrives. */
export interface SharedBatchMemory {
  generation: number;
  /** Session-trials the buffers hold. */
  capacity: number;
  inputs: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  mask: SharedArrayBuffer;
}

export interface SharedStepViews {
  control: Int32Array;
  scalars: Float64Array;
  parameters: Float64Array;
  chunkState: Int32Array;
  chunkScalars: Float64Array;
  chunkGradients: Float64Array;
  chunkBounds: Int32Array;
}

export interface SharedBatchViews {
  generation: number;
  capacity: number;
  inputs: Float64Array;
  targets: Int32Array;
  mask: Uint8Array;
}

/**
 * Fresh fixed-size memory for a model of `nParameters` values, `workers` workers and up to
 * `maxChunks` chunks a step, with `scalarsPerChunk` float64 results per chunk (3: ChunkScalar).
 * @example
 * const views = sharedStepViews(createSharedStepMemory(model.parameters.size, 1, 20));
 */
export function createSharedStepMemory(nParameters: number, workers: number, maxChunks: number, scalarsPerChunk = 3): SharedStepMemory {
  return {
    control: new SharedArrayBuffer(4 * (Slot.workers + 2 * workers)),
    scalars: new SharedArrayBuffer(8 * 3),
    parameters: new SharedArrayBuffer(8 * nParameters),
    chunkState: new SharedArrayBuffer(4 * 3 * maxChunks),
    chunkScalars: new SharedArrayBuffer(8 * scalarsPerChunk * maxChunks),
    chunkGradients: new SharedArrayBuffer(8 * nParameters * maxChunks),
    chunkBounds: new SharedArrayBuffer(4 * (maxChunks + 1)),
  };
}

/**
 * Batch buffers for `capacity` session-trials of `nInputs` inputs.
 * @example
 * const buffers = sharedBatchViews(createSharedBatchMemory(1, B * T, 4));
 */
export function createSharedBatchMemory(generation: number, capacity: number, nInputs: number): SharedBatchMemory {
  return {
    generation,
    capacity,
    inputs: new SharedArrayBuffer(8 * capacity * nInputs),
    targets: new SharedArrayBuffer(4 * capacity),
    mask: new SharedArrayBuffer(capacity),
  };
}

/** Typed views of a SharedStepMemory (each thread makes its own). */
export function sharedStepViews(memory: SharedStepMemory): SharedStepViews {
  return {
    control: new Int32Array(memory.control),
    scalars: new Float64Array(memory.scalars),
    parameters: new Float64Array(memory.parameters),
    chunkState: new Int32Array(memory.chunkState),
    chunkScalars: new Float64Array(memory.chunkScalars),
    chunkGradients: new Float64Array(memory.chunkGradients),
    chunkBounds: new Int32Array(memory.chunkBounds),
  };
}

/** Typed views of a SharedBatchMemory. */
export function sharedBatchViews(memory: SharedBatchMemory): SharedBatchViews {
  return {
    generation: memory.generation,
    capacity: memory.capacity,
    inputs: new Float64Array(memory.inputs),
    targets: new Int32Array(memory.targets),
    mask: new Uint8Array(memory.mask),
  };
}

/**
 * The epoch of step number `step` (never 0, the value of untouched memory).
 * @example
 * const epoch = epochOf(Atomics.load(control, Slot.command));
 */
export function epochOf(step: number): number {
  return (step % EPOCH_MASK) + 1;
}

/**
 * Open a step of `chunks` chunks for claiming (call after every other field is written).
 * @example
 * openChunks(control, epoch, 20);
 */
export function openChunks(control: Int32Array, epoch: number, chunks: number): void {
  Atomics.store(control, Slot.counter, (epoch << INDEX_BITS) | chunks);
}

/**
 * Claim one chunk of step `epoch`: its index, or −1 when none is left or that step is over. A
 * claim cannot succeed on a finished step, so a worker that wakes late never touches the next one.
 * @example
 * for (let chunk = claimChunk(control, epoch); chunk >= 0; chunk = claimChunk(control, epoch)) work(chunk);
 */
export function claimChunk(control: Int32Array, epoch: number): number {
  for (;;) {
    const value = Atomics.load(control, Slot.counter);
    const left = value & MAX_CHUNKS;
    if (value >>> INDEX_BITS !== epoch || left === 0) return -1;
    if (Atomics.compareExchange(control, Slot.counter, value, value - 1) === value) return left - 1;
  }
}

/**
 * Chunks of step `epoch` not claimed yet (0 once that step is over).
 * @example
 * if (chunksLeft(control, epoch) === 0) checkEveryChunkClaimed();
 */
export function chunksLeft(control: Int32Array, epoch: number): number {
  const value = Atomics.load(control, Slot.counter);
  return value >>> INDEX_BITS === epoch ? value & MAX_CHUNKS : 0;
}

/**
 * Mark chunk `chunk` finished in `epoch` by `thread` (0: the caller) and wake the caller.
 * @example
 * finishChunk(views.chunkState, chunk, epoch, 1, false);
 */
export function finishChunk(chunkState: Int32Array, chunk: number, epoch: number, thread: number, failed: boolean): void {
  chunkState[3 * chunk + 1] = thread;
  chunkState[3 * chunk + 2] = failed ? 1 : 0;
  Atomics.store(chunkState, 3 * chunk, epoch);
  Atomics.notify(chunkState, 3 * chunk);
}

/**
 * The calling thread's part of step `epoch`: claim chunks until none is left and `compute` each.
 * Once there is a failure (`failure` passed in, or a `compute` that throws) it keeps claiming
 * without computing, marking each chunk failed, so that no worker starts a chunk of a step that is
 * given up. `onClaim` sees every claimed chunk. Returns the failure, if any.
 * @example
 * const failure = claimOwnChunks(control, views.chunkState, epoch, undefined, (chunk) => work(chunk));
 */
export function claimOwnChunks(control: Int32Array, chunkState: Int32Array, epoch: number, failure: unknown, compute: (chunk: number) => void, onClaim?: (chunk: number) => void): unknown {
  for (let chunk = claimChunk(control, epoch); chunk >= 0; chunk = claimChunk(control, epoch)) {
    onClaim?.(chunk);
    try {
      if (failure === undefined) compute(chunk);
    } catch (error) {
      failure = error;
    }
    finishChunk(chunkState, chunk, epoch, 0, failure !== undefined);
  }
  return failure;
}

/**
 * Block until chunks 0 … chunks − 1 are all finished in `epoch`; every `checkMs` without progress
 * calls `onStall` (which throws if a thread that held chunks has died).
 * @example
 * waitForChunks(views.chunkState, epoch, 20, 250, () => throwIfWorkerStopped());
 */
export function waitForChunks(chunkState: Int32Array, epoch: number, chunks: number, checkMs: number, onStall: () => void): void {
  for (let chunk = 0; chunk < chunks; chunk++) waitForChunk(chunkState, epoch, chunk, checkMs, onStall);
}

/**
 * Block until chunk `chunk` is finished in `epoch` (onStall as in waitForChunks).
 * @example
 * for (let chunk = chunks - 1; chunk >= 0; chunk--) { waitForChunk(views.chunkState, epoch, chunk, 250, check); add(chunk); }
 */
export function waitForChunk(chunkState: Int32Array, epoch: number, chunk: number, checkMs: number, onStall: () => void): void {
  for (;;) {
    const finished = Atomics.load(chunkState, 3 * chunk);
    if (finished === epoch) return;
    if (Atomics.wait(chunkState, 3 * chunk, finished, checkMs) === 'timed-out') onStall();
  }
}
