/**
 * The softmax inverse temperature β of the two-option models, P(choose 1) = σ(β · Δ): one spec,
 * so that every model that shares it fits β within the same bounds and from the same starts
 * (qLearning.ts still spells out the same row).
 */
import type { ParameterSpec } from '../cognitiveModel.js';

/** β ≥ 0, starting at 5; random restarts draw from [0.5, 15]. */
export const INVERSE_TEMPERATURE: ParameterSpec = Object.freeze({
  name: 'beta',
  lower: 0,
  upper: Infinity,
  start: 5,
  startRange: Object.freeze([0.5, 15] as const),
});
