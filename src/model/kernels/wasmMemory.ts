/**
 * What the two WebAssembly SIMD kernels (lowRankWasmKernel.ts, gruWasmKernel.ts) share about their
 * modules and linear memory: compiling an embedded module, typed views that follow the memory when
 * it grows, and the lane-group arithmetic of their layouts (four sessions per f32x4 vector).
 */
import type { Real } from '../parameters.js';

/** Bytes before the first region a kernel lays out (AssemblyScript's stub runtime keeps low memory). */
export const WASM_BASE = 1024;

/** `bytes` rounded up to a whole number of 16-byte vectors. */
export const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Session-steps a batch region holds: sessions padded to whole lane groups of 4, times trials. */
export function paddedSteps(nSessions: number, nTrials: number): number {
  return 4 * Math.ceil(nSessions / 4) * nTrials;
}

/**
 * The bits of the parameter values a kernel last loaded, so that closed-loop play, which steps once
 * per trial with unchanged weights, skips the reload. The values are compared as 32-bit integers: one
 * monomorphic loop whether the parameters are float32 or float64 (an element-wise float compare of
 * a Float32Array against a float64 copy cost about as much as a 64-session trial of a small network).
 * NaN counts as unchanged and −0 as changed from +0: a reload then is only wasted, never wrong.
 */
export class LoadedBits {
  private copy: Int32Array | undefined;
  private source: Real | undefined;
  private view: Int32Array | undefined;

  /** Whether `values` holds exactly the bits last remembered. */
  same(values: Real): boolean {
    const { copy } = this;
    if (copy === undefined) return false;
    const bits = this.bitsOf(values);
    if (bits.length !== copy.length) return false;
    for (let i = 0; i < copy.length; i++) if (bits[i] !== copy[i]) return false;
    return true;
  }

  /** Remember the bits of `values` as loaded. */
  remember(values: Real): void {
    this.copy = this.bitsOf(values).slice();
  }

  /** Nothing counts as loaded. */
  forget(): void {
    this.copy = undefined;
  }

  private bitsOf(values: Real): Int32Array {
    if (values !== this.source) {
      this.source = values;
      this.view = new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
    }
    return this.view!;
  }
}

/**
 * The compiled module of base64-embedded wasm bytes, or null where this runtime cannot run it
 * (no WebAssembly, no SIMD, or synchronous compilation refused, as on a browser's main thread for
 * large modules).
 * @example
 * const module = compileEmbeddedWasm(lowRankSimdWasmBase64);
 */
export function compileEmbeddedWasm(base64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * float32 and float64 views of a wasm memory, made again after the memory grows (growing detaches
 * the old buffer).
 * @example
 * const views = new WasmViews(instance.memory);
 * views.growTo(1 << 20);
 * views.f64().set(inputs, pointer / 8);
 */
export class WasmViews {
  private float32 = new Float32Array(0);
  private float64 = new Float64Array(0);

  constructor(readonly memory: WebAssembly.Memory) {}

  /** Grow the memory to hold at least `bytes` bytes. */
  growTo(bytes: number): void {
    const pages = Math.ceil(bytes / 65536) - this.memory.buffer.byteLength / 65536;
    if (pages > 0) this.memory.grow(pages);
  }

  f32(): Float32Array {
    if (this.float32.buffer !== this.memory.buffer) this.float32 = new Float32Array(this.memory.buffer);
    return this.float32;
  }

  f64(): Float64Array {
    if (this.float64.buffer !== this.memory.buffer) this.float64 = new Float64Array(this.memory.buffer);
    return this.float64;
  }
}
