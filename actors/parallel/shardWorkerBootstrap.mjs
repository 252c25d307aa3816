// Entry of the worker threads of ParallelSupervisedStep and ParallelA2C. On Node 20 a worker started on a .ts file does
// not get tsx's hooks in time even with `--import tsx`, so this plain module registers tsx (when the
// worker code is TypeScript source) and only then imports it. A failure is reported through the shared
// control block, because the caller may be blocked in Atomics.wait and cannot see events.
import { workerData } from 'node:worker_threads';

const EXITED = 2; // WorkerState.exited of sharedStepMemory.ts

try {
  if (workerData.entry.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const module = await import(workerData.entry);
  module[workerData.main ?? 'runShardWorker'](workerData);
} catch (error) {
  if (workerData.memory === undefined) {
    // Workers without a shared control block (the bench's two-thread ceiling) report on their port.
    workerData.port.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    throw error;
  }
  const control = new Int32Array(workerData.memory.control);
  workerData.port.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
  Atomics.store(control, workerData.stateSlot, EXITED);
  Atomics.notify(control, workerData.stateSlot);
  workerData.port.close();
}
