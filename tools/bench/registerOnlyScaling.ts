/**
 * A second reference beside the two-thread ceiling (twoThreadCeiling.ts): what two threads give on
 * this machine for work that never touches memory, a wasm SIMD loop of eight independent f32x4
 * multiply-add chains (16 vector operations per iteration, all in registers). Two halves of one
 * core (SMT siblings) would share its vector units and give well under 2× here; two cores give
 * about 2×. When this reads about 2× in a run whose ceiling (the `train` halves, which stream their
 * BPTT tape through the caches) reads far less, what the threads lose is what they share beyond
 * their cores, not a core: on this VM (docs/benchmarks.md) this read 1.95-1.96× while the ceiling
 * ranged over 0.96-1.56×.
 */
import type { MessagePort } from 'node:worker_threads';
import asc from 'assemblyscript/asc';
import { timeAgainstWorker, type TwoThreadTimes } from './benchWorker.js';

const SOURCE = `
export function chains(n: i32): f32 {
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.1), a2 = f32x4.splat(1.2), a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4), a5 = f32x4.splat(1.5), a6 = f32x4.splat(1.6), a7 = f32x4.splat(1.7);
  const m = f32x4.splat(0.9999999), c = f32x4.splat(1e-7);
  for (let i = 0; i < n; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
}
`;

/** Iterations per call: about 40 ms on one Zen 5 vCPU. */
const ITERATIONS = 20_000_000;

export interface RegisterOnlyWorkerData {
  port: MessagePort;
  entry: string;
  main: 'runRegisterOnlyWorker';
  wasm: Uint8Array<ArrayBuffer>;
}

/** The compiled loop, `chains(n)`, instantiated in this thread. */
function instantiate(wasm: Uint8Array<ArrayBuffer>): (n: number) => number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { abort: () => undefined } });
  return instance.exports.chains as (n: number) => number;
}

/**
 * The worker's loop: each message asks for one call, answered with 'done'.
 * @example
 * runRegisterOnlyWorker(workerData as RegisterOnlyWorkerData); // inside the worker thread
 */
export function runRegisterOnlyWorker({ port, wasm }: RegisterOnlyWorkerData): void {
  const chains = instantiate(wasm);
  port.on('message', () => {
    chains(ITERATIONS);
    port.postMessage('done');
  });
  port.postMessage('ready');
}

/**
 * One thread making two calls against two threads making one each, in turn.
 * @example
 * const { ratio } = await registerOnlyScaling(); // ≈ 2 on two cores, well under on SMT siblings
 */
export async function registerOnlyScaling({ rounds = 15 }: { rounds?: number } = {}): Promise<TwoThreadTimes> {
  const compiled = await asc.compileString({ 'chains.ts': SOURCE }, { optimizeLevel: 3, runtime: 'stub', enable: ['simd'], noAssert: true });
  if (compiled.error || !compiled.binary) throw new Error(`asc failed on the register-only loop: ${compiled.error?.message ?? 'no binary'}`);
  const wasm = new Uint8Array(compiled.binary);
  const chains = instantiate(wasm);
  const source = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./registerOnlyScaling${source}`, import.meta.url).href;
  return timeAgainstWorker((port): RegisterOnlyWorkerData => ({ port, entry, main: 'runRegisterOnlyWorker', wasm }), (ask) => ({
    oneThread: () => {
      chains(ITERATIONS);
      chains(ITERATIONS);
    },
    twoThreads: async () => {
      const done = ask(1);
      chains(ITERATIONS);
      await done;
    },
  }), { rounds, warmup: 2 });
}
