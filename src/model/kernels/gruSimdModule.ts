/**
 * The compiled WebAssembly SIMD module of the TinyGRU kernel (./wasm/assembly/gruSimd.ts, embedded
 * as base64 by tools/buildWasm.ts), and its exports' signatures. Compiled once, synchronously, on
 * first use; `null` where WebAssembly SIMD or synchronous compilation is missing.
 */
import { compileEmbeddedWasm } from './wasmMemory.js';
import { gruSimdWasmBase64 } from './wasm/gruSimd.wasm.js';

/** The exports of one instance (pointers are byte offsets into `memory`). */
export interface GruSimdExports {
  memory: WebAssembly.Memory;
  weightFloats(H: number, nInputs: number, nOutputs: number): number;
  scratchVectors(H: number, nInputs: number): number;
  gradientFloats(H: number, nInputs: number, nOutputs: number): number;
  configure(H: number, nInputs: number, nOutputs: number, weights: number, scratch: number): void;
  pack(src: number, dst: number, nSessions: number, nTrials: number, width: number): void;
  unpack(src: number, dst: number, nSessions: number, nTrials: number, width: number): void;
  forward(nSessions: number, nTrials: number, u: number, h: number, r: number, z: number, c: number, hc: number, logits: number, values: number): void;
  step(nSessions: number, state: number, inputs: number, logits: number, values: number): void;
  backward(
    nSessions: number, nTrials: number, u: number, h: number, r: number, z: number, c: number, hc: number,
    d: number, dl: number, dv: number, dLogits: number, dValues: number, dActivations: number, logitsPacked: number, grads: number,
  ): void;
  crossEntropy(nSessions: number, nTrials: number, logits: number, targets: number, mask: number, dl: number, out: number): void;
  /** σ of n float32 values (n a multiple of 4), for testing the approximation. */
  sigmoidArray(src: number, dst: number, n: number): void;
  /** tanh of n float32 values (n a multiple of 4), for testing the approximation. */
  tanhArray(src: number, dst: number, n: number): void;
  /** ln of n positive float32 values (n a multiple of 4), for testing the approximation. */
  logArray(src: number, dst: number, n: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled module, or null when this runtime cannot run it (no WebAssembly, no SIMD, or
 * synchronous compilation refused).
 * @example
 * if (gruSimdModule() !== null) { ... }
 */
export function gruSimdModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileEmbeddedWasm(gruSimdWasmBase64);
  return compiled;
}

/**
 * Whether the TinyGRU's SIMD kernel can run here.
 * @example
 * const kernel = gruSimdAvailable() ? 'wasm' : 'js';
 */
export function gruSimdAvailable(): boolean {
  return gruSimdModule() !== null;
}

/** A fresh instance with its own memory. Throws when `gruSimdAvailable()` is false. */
export function instantiateGruSimd(): GruSimdExports {
  const module = gruSimdModule();
  if (module === null) throw new Error('WebAssembly SIMD is not available in this runtime');
  return new WebAssembly.Instance(module, {}).exports as unknown as GruSimdExports;
}
