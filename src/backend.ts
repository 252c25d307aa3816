/**
 * The one place that knows about tfjs backends. tfjs is used for autodiff cross-checks and for
 * users who want tfjs tensors; the training hot path runs on our own typed-array kernels.
 *
 * Order of preference: tfjs-node (native, when its optional install succeeded), then wasm (the
 * working default on machines where libtensorflow cannot be downloaded), then the pure-JS cpu
 * backend. `BRAIN_RNN_BACKEND` (passed in by the caller as `requested`) overrides the order.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const KNOWN: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  /** A backend to use instead of the default order (e.g. from the BRAIN_RNN_BACKEND variable). */
  requested?: string;
  /** Where the one-line report of the choice goes (default: nowhere). */
  log?: (message: string) => void;
}

let chosen: Promise<BackendName> | undefined;

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // Optional dependency: absent or unloadable (no libtensorflow) on many machines.
      const moduleName = '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ moduleName);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Initialise and return the first backend that works, without caching (use `initBackend` in
 * applications; this is the uncached step, exported for tests and diagnostics).
 */
export async function chooseBackend({ requested, log }: BackendOptions = {}): Promise<BackendName> {
  if (requested !== undefined && requested !== '') {
    if (!KNOWN.includes(requested as BackendName)) {
      throw new RangeError(`BRAIN_RNN_BACKEND must be one of ${KNOWN.join(', ')}, got ${JSON.stringify(requested)}`);
    }
    if (!(await tryBackend(requested as BackendName))) {
      throw new Error(`the requested tfjs backend "${requested}" could not be initialised`);
    }
    log?.(`tfjs backend: ${requested} (requested)`);
    return requested as BackendName;
  }
  for (const name of KNOWN) {
    if (await tryBackend(name)) {
      log?.(`tfjs backend: ${name}`);
      return name;
    }
  }
  throw new Error('no tfjs backend could be initialised (tried tensorflow, wasm, cpu)');
}

/**
 * Pick the tfjs backend once per process; later calls return the first choice.
 * @example
 * await initBackend({ requested: process.env.BRAIN_RNN_BACKEND, log: console.error });
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  chosen ??= chooseBackend(options);
  return chosen;
}
