import { describe, expect, it } from 'vitest';
import { embeddedModuleIsCurrent } from '../tools/buildWasm.js';

describe('src/model/kernels/wasm/lowRankSimd.wasm.ts', () => {
  it('holds exactly what asc compiles ./assembly/lowRankSimd.ts to (else run npx tsx tools/buildWasm.ts)', async () => {
    expect(await embeddedModuleIsCurrent()).toBe(true);
  });
});
