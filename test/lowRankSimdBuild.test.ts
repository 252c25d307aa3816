import { describe, expect, it } from 'vitest';
import { WASM_KERNELS, embeddedModuleIsCurrent } from '../tools/buildWasm.js';

describe('src/model/kernels/wasm/<kernel>.wasm.ts', () => {
  for (const kernel of WASM_KERNELS) {
    it(`${kernel.name}.wasm.ts holds exactly what asc compiles ./assembly/${kernel.name}.ts to (else run npx tsx tools/buildWasm.ts)`, async () => {
      expect(await embeddedModuleIsCurrent(kernel)).toBe(true);
    });
  }
});
