/**
 * The worker threads of the data-parallel engines (ParallelSupervisedStep, ParallelA2C) and their
 * life cycle on the shared control block of sharedStepMemory.ts: starting one on the bootstrap,
 * the worker's loop of steps, telling that one has died, and stopping them all. Failures travel
 * through the control block and the worker's port, because the caller may be blocked in
 * Atomics.wait and cannot see events.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Slot, WorkerState, epochOf } from './sharedStepMemory.js';

export interface PooledWorker {
  worker: Worker;
  /** The caller's end of the worker's channel (failure messages come in on it). */
  port: MessagePort;
  /** Control slot of its WorkerState. */
  stateSlot: number;
  exited: Promise<void>;
}

/**
 * Start worker `w` (1, 2, ...) on shardWorkerBootstrap.mjs with `data` as its workerData, which
 * gets the worker's end of a fresh channel as `port` and its control slot as `stateSlot`.
 * @example
 * const worker = startWorker(1, (port, stateSlot) => ({ worker: 1, model, memory, port, stateSlot, entry, main: 'runA2CWorker' }));
 */
export function startWorker(w: number, data: (port: MessagePort, stateSlot: number) => object): PooledWorker {
  const { port1, port2 } = new MessageChannel();
  const stateSlot = Slot.workers + 2 * (w - 1);
  // No inherited execArgv: the bootstrap registers tsx itself when it has to.
  const worker = new Worker(new URL('./shardWorkerBootstrap.mjs', import.meta.url), { workerData: data(port2, stateSlot), transferList: [port2], execArgv: [] });
  // Failures travel through the shared memory; this listener only keeps them from crashing the process.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A forgotten close() must not keep the process alive.
  worker.unref();
  port1.unref();
  return { worker, port: port1, stateSlot, exited };
}

/**
 * Inside a worker: say it is ready, then call `step(epoch)` for every step the caller opens, until close.
 * @example
 * serveSteps(control, stateSlot, (epoch) => { for (let c = claimChunk(control, epoch); c >= 0; c = claimChunk(control, epoch)) work(c); });
 */
export function serveSteps(control: Int32Array, stateSlot: number, step: (epoch: number) => void): void {
  Atomics.store(control, stateSlot, WorkerState.ready);
  Atomics.notify(control, stateSlot);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, Slot.command, seen);
    seen = Atomics.load(control, Slot.command);
    if (Atomics.load(control, Slot.closing) === 1) return;
    step(epochOf(seen));
  }
}

/** The number (1, 2, ...) of a worker that has exited, or undefined. */
export function stoppedWorker(control: Int32Array, workers: readonly PooledWorker[]): number | undefined {
  const index = workers.findIndex((shard) => Atomics.load(control, shard.stateSlot) === WorkerState.exited);
  return index < 0 ? undefined : index + 1;
}

/** The failure message worker `thread` (1, 2, ...) posted, if any. */
export function workerMessage(workers: readonly PooledWorker[], thread: number): string {
  return (receiveMessageOnPort(workers[thread - 1].port)?.message as string | undefined) ?? 'no message';
}

/**
 * Ask every worker to stop; resolves once they have exited. Workers never keep the process alive
 * on their own, so not awaiting it is safe, only wasteful.
 */
export function closeWorkers(control: Int32Array, workers: readonly PooledWorker[]): Promise<void> {
  Atomics.store(control, Slot.closing, 1);
  Atomics.add(control, Slot.command, 1);
  Atomics.notify(control, Slot.command);
  for (const shard of workers) {
    shard.port.close();
    // Whoever awaits the exit must keep the event loop alive until it comes (it comes promptly).
    shard.worker.ref();
  }
  return Promise.all(workers.map((shard) => shard.exited)).then(() => undefined);
}
