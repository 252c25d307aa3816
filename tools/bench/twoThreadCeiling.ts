/**
 * What two threads can give on this machine at all: the `train` step's work cut in two halves of
 * 40 sessions, each half stepped by its own thread with its own model, no message and no shared
 * memory between them during the timed part, against one thread stepping both halves in turn. The
 * ratio bounds every data-parallel split of the workload (ParallelSupervisedStep, ParallelA2C):
 * what they lose beyond it is theirs; what this loses below 2× is the machine's (two vCPUs that
 * share a physical core, or a busy neighbour).
 */
import type { MessagePort } from 'node:worker_threads';
import { Trainer } from '../../src/index.js';
import { timeAgainstWorker, type TwoThreadTimes } from './benchWorker.js';
import { TRAIN_B, trainWorkloadBatch, trainWorkloadModel } from './trainWorkloadData.js';

export interface CeilingWorkerData {
  port: MessagePort;
  entry: string;
  main: 'runCeilingWorker';
}

/** One half of the train step's batch and the step that trains on it. */
function halfStep(seed: number): () => void {
  const model = trainWorkloadModel(0, { kernel: 'wasm', dtype: 'float32' });
  const batch = trainWorkloadBatch(seed, TRAIN_B / 2);
  const trainer = new Trainer(model, { learningRate: 1e-2, clipNorm: 1, nEpochs: 1, batchSize: TRAIN_B / 2, regularize: true });
  return () => void trainer.step(batch, 1);
}

/**
 * The worker's loop: a message `n` asks for n half-steps, answered with 'done'.
 * @example
 * runCeilingWorker(workerData as CeilingWorkerData); // inside the worker thread
 */
export function runCeilingWorker({ port }: CeilingWorkerData): void {
  const step = halfStep(2);
  port.on('message', (n: number) => {
    for (let i = 0; i < n; i++) step();
    port.postMessage('done');
  });
  port.postMessage('ready');
}

/**
 * @example
 * const { ratio } = await twoThreadCeiling(); // ≈ 2 on two free physical cores
 */
export async function twoThreadCeiling({ steps = 30, rounds = 7 }: { steps?: number; rounds?: number } = {}): Promise<TwoThreadTimes> {
  const source = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./twoThreadCeiling${source}`, import.meta.url).href;
  return timeAgainstWorker((port): CeilingWorkerData => ({ port, entry, main: 'runCeilingWorker' }), (ask) => {
    const own = halfStep(1);
    const other = halfStep(2);
    return {
      oneThread: () => {
        for (let i = 0; i < steps; i++) {
          own();
          other();
        }
      },
      twoThreads: async () => {
        const done = ask(steps);
        for (let i = 0; i < steps; i++) own();
        await done;
      },
    };
  }, { rounds, warmup: 1 });
}
