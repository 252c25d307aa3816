/**
 * Parameter initialisers shared by the models: every draw comes from the caller's `Random`, so the
 * same seed gives the same network on every machine.
 */
import type { Random } from '../random.js';
import type { Real } from './parameters.js';

/**
 * Fill `target` with i.i.d. N(0, std²) draws, in index order (float32 storage rounds each draw).
 * @example
 * fillNormal(model.parameters.view('W_out'), rng, 1 / Math.sqrt(32));
 */
export function fillNormal(target: Real, rng: Random, std: number): void {
  for (let i = 0; i < target.length; i++) target[i] = std * rng.normal();
}
