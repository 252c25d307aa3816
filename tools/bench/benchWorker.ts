/**
 * What the bench's two-thread references share: one worker thread started through the shard
 * bootstrap (actors/parallel/shardWorkerBootstrap.mjs, which loads TypeScript under tsx), a way to
 * ask it for work and await its answer, and one-thread against two-thread variants timed in turn.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { timeInTurnDetailed } from './interleaved.js';

export interface TwoThreadTimes {
  one_thread_s: number;
  two_threads_s: number;
  /** one / two threads, by medians. */
  ratio: number;
  /** The same from the fastest rounds. */
  fastest_ratio: number;
}

/** Posts `message` to the worker and resolves with its next message. */
export type AskWorker = (message: unknown) => Promise<unknown>;

/**
 * Start a worker whose data `workerData(port)` gives (it must hold `entry` and `main` for the
 * bootstrap, and the worker must post once when loaded), then time the two variants that
 * `variants(ask)` returns in turn, after `warmup` rounds that also compile both threads' code.
 * @example
 * const { ratio } = await timeAgainstWorker((port) => ({ port, entry, main: 'runMyWorker' }), (ask) => ({
 *   oneThread: () => { work(); work(); },
 *   twoThreads: async () => { const done = ask('go'); work(); await done; },
 * }), { rounds: 7, warmup: 1 });
 */
export async function timeAgainstWorker(
  workerData: (port: MessagePort) => { port: MessagePort; entry: string; main: string },
  variants: (ask: AskWorker) => { oneThread: () => unknown; twoThreads: () => Promise<unknown> },
  { rounds, warmup }: { rounds: number; warmup: number },
): Promise<TwoThreadTimes> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('../../actors/parallel/shardWorkerBootstrap.mjs', import.meta.url), { workerData: workerData(port2), transferList: [port2], execArgv: [] });
  const next = () => new Promise<unknown>((resolve, reject) => {
    worker.once('error', reject);
    port1.once('message', (message) => {
      worker.off('error', reject);
      resolve(message);
    });
  });
  const ask: AskWorker = (message) => {
    const answer = next();
    port1.postMessage(message);
    return answer;
  };
  try {
    await next(); // loaded
    const { oneThread, twoThreads } = variants(ask);
    const { median: [oneS, twoS], fastest: [oneFastest, twoFastest] } = await timeInTurnDetailed([oneThread, twoThreads], { repeats: rounds, warmup });
    return { one_thread_s: oneS, two_threads_s: twoS, ratio: oneS / twoS, fastest_ratio: oneFastest / twoFastest };
  } finally {
    port1.close();
    await worker.terminate();
  }
}
