import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index.js';

describe('initBackend(options)', () => {
  it('uses the requested backend, logs the choice once, and keeps it for later calls', async () => {
    const messages: string[] = [];
    const chosen = await initBackend({ requested: 'cpu', log: (m) => messages.push(m) });
    expect(chosen).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ requested: 'wasm', log: (m) => messages.push(m) })).toBe('cpu');
    expect(messages).toEqual(['tfjs backend: cpu (requested)']);
  });
});

describe('chooseBackend(options)', () => {
  it('prefers a native or wasm backend over the pure-JS cpu one when nothing is requested', async () => {
    expect(['tensorflow', 'wasm']).toContain(await (await import('../src/index.js')).chooseBackend({}));
  });

  it('rejects an unknown backend name, listing the allowed ones', async () => {
    const { chooseBackend } = await import('../src/index.js');
    await expect(chooseBackend({ requested: 'gpu' })).rejects.toThrow('BRAIN_RNN_BACKEND must be one of tensorflow, wasm, cpu, got "gpu"');
  });
});
