/**
 * A deep copy of a fold's state that keeps what `structuredClone` drops: the prototypes of class
 * instances (an AnalyzerState copy is still an AnalyzerState, with its methods). Typed arrays,
 * arrays, Maps, Sets and objects are copied; primitives and functions are shared. Cycles are not
 * supported (fold states have none). A replay keeps such copies as snapshots to seek to.
 */

/**
 * @example
 * const saved = cloneState(analyzerState); // later: analyzerState.restoreFrom(saved)
 */
export function cloneState<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): T }).slice();
  if (Array.isArray(value)) return value.map((item) => cloneState(item)) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, cloneState(v)])) as T;
  if (value instanceof Set) return new Set([...value].map((v) => cloneState(v))) as T;
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = cloneState((value as Record<string, unknown>)[key]);
  return copy as T;
}
