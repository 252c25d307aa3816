/**
 * The compiled WebAssembly SIMD module of the low-rank kernel (./wasm/assembly/lowRankSimd.ts,
 * embedded as base64 by tools/buildWasm.ts), and its exports' signatures. Compiled once,
 * synchronously, on first use; `null` where WebAssembly SIMD or synchronous compilation is missing.
 */
import { compileEmbeddedWasm } from './wasmMemory.js';
import { lowRankSimdWasmBase64 } from './wasm/lowRankSimd.wasm.js';

/** The exports of one instance (pointers are byte offsets into `memory`). */
export interface LowRankSimdExports {
  memory: WebAssembly.Memory;
  weightFloats(N: number, k: number, nInputs: number, nOutputs: number): number;
  scratchVectors(N: number, k: number, nInputs: number, nOutputs: number): number;
  accumulatorVectors(N: number, k: number, nInputs: number, nOutputs: number): number;
  configure(N: number, k: number, nInputs: number, nOutputs: number, leak: number, weights: number, scratch: number, acc: number): void;
  pack(src: number, dst: number, nSessions: number, nTrials: number, width: number): void;
  unpack(src: number, dst: number, nSessions: number, nTrials: number, width: number): void;
  forward(
    nSessions: number, nTrials: number, u: number, h: number, x: number, kappa: number,
    logits: number, values: number, het: number, heteroCount: number,
  ): void;
  forwardTrial(
    nSessions: number, nTrials: number, t: number, u: number, h: number, x: number, kappa: number, logits: number, values: number,
  ): void;
  heterogeneity(nSessions: number, nTrials: number, x: number, het: number, heteroCount: number): void;
  step(nSessions: number, state: number, inputs: number, logits: number, values: number): void;
  backward(
    nSessions: number, nTrials: number, u: number, h: number, x: number, kappa: number,
    dLogits: number, dValues: number, dActivations: number, heteroWeight: number, heteroCount: number, grads: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled module, or null when this runtime cannot run it (no WebAssembly, no SIMD, or
 * synchronous compilation refused, as on a browser's main thread for large modules).
 * @example
 * if (lowRankSimdModule() !== null) { ... }
 */
export function lowRankSimdModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileEmbeddedWasm(lowRankSimdWasmBase64);
  return compiled;
}

/**
 * Whether the SIMD kernel can run here.
 * @example
 * const kernel = wasmSimdAvailable() ? 'wasm' : 'js';
 */
export function wasmSimdAvailable(): boolean {
  return lowRankSimdModule() !== null;
}

/** A fresh instance with its own memory. Throws when `wasmSimdAvailable()` is false. */
export function instantiateLowRankSimd(): LowRankSimdExports {
  const module = lowRankSimdModule();
  if (module === null) throw new Error('WebAssembly SIMD is not available in this runtime');
  return new WebAssembly.Instance(module, {}).exports as unknown as LowRankSimdExports;
}
