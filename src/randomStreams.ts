/**
 * Named random streams. A generator's `split(k)` hands out streams by position; code that needs
 * several independent streams names each one's purpose here instead, so that two consumers of one
 * seed cannot take the same stream by accident and a reader sees what each stream is for.
 *
 * Stream i of a layout is always `rng.split(n)[i]`: a stream's numbers depend on its position
 * only (split jumps i + 1 times to reach it), never on how many follow. Appending a purpose to a
 * layout therefore leaves the earlier streams, and every seeded result, as they were.
 *
 * The seed-level layout (`SEED_STREAMS`) is shared by everything that derives streams from one
 * experiment seed: a TaskDataset built with seed k, the closed-loop evaluation cohort of seed k and
 * the online training of seed k must not replay each other's draws.
 */
import type { Random } from './random.js';
import { ConfigError } from './validation.js';

/**
 * What each stream of an experiment seed is for, in split order (stream 0 first):
 * - `datasetTask`, `datasetPolicy`, `datasetSplit`: a TaskDataset's task schedule, the behaviour
 *   policy's choices (split again per session) and the train/validation/test shuffle;
 * - `evaluationTask`, `evaluationPlay`: the cohort a frozen network plays in closed-loop
 *   evaluation (evaluateBehaviour) and the actions it samples there;
 * - `onlineTraining`: the developmental comparison's A2C training (trainOnline).
 */
export const SEED_STREAMS = ['datasetTask', 'datasetPolicy', 'datasetSplit', 'evaluationTask', 'evaluationPlay', 'onlineTraining'] as const;
export type SeedStream = (typeof SEED_STREAMS)[number];

/** Check a layout: at least one purpose, no purpose twice. */
function checkLayout(purposes: readonly string[]): void {
  if (purposes.length === 0) throw new ConfigError(['stream purposes must name at least one stream, got none']);
  const seen = new Set<string>();
  for (const purpose of purposes) {
    if (seen.has(purpose)) throw new ConfigError([`stream purposes must be distinct, got ${JSON.stringify(purpose)} twice in [${purposes.join(', ')}]`]);
    seen.add(purpose);
  }
}

/**
 * One independent stream per purpose, stream i being `rng.split(purposes.length)[i]`; `rng` is
 * left unchanged.
 * @example
 * const { task, actions } = allocateStreams(rng, ['task', 'actions']); // = rng.split(2)
 */
export function allocateStreams<const P extends string>(rng: Random, purposes: readonly P[]): Record<P, Random> {
  checkLayout(purposes);
  const streams = rng.split(purposes.length);
  return Object.fromEntries(purposes.map((purpose, i) => [purpose, streams[i]])) as Record<P, Random>;
}

/**
 * Some of the streams of a declared layout, each at its position in the layout; refuses a name
 * the layout does not declare.
 * @example
 * const { evaluationTask, evaluationPlay } = pickStreams(createRandom(seed), SEED_STREAMS, ['evaluationTask', 'evaluationPlay']);
 * // = createRandom(seed).split(5)[3] and [4]
 */
export function pickStreams<const P extends string, const K extends P>(rng: Random, layout: readonly P[], names: readonly K[]): Record<K, Random> {
  checkLayout(layout);
  checkLayout(names);
  const positions = names.map((name) => {
    const index = layout.indexOf(name);
    if (index < 0) throw new ConfigError([`stream ${JSON.stringify(name)} is not declared; expected one of ${layout.join(', ')}`]);
    return index;
  });
  const streams = rng.split(Math.max(...positions) + 1);
  return Object.fromEntries(names.map((name, i) => [name, streams[positions[i]]])) as Record<K, Random>;
}

export interface RepeatedStreamsLayout<S extends string, M extends string> {
  /** Streams drawn once, first. */
  shared: readonly S[];
  /** Streams every member gets, member after member after the shared ones. */
  perMember: readonly M[];
  /** How many members (e.g. the agents of a run). */
  members: number;
}

/**
 * Shared streams followed by one group per member: with `shared` of length s and `perMember` of
 * length g, member m's j-th stream is `rng.split(s + g·members)[s + g·m + j]`.
 * @example
 * const { shared, members } = allocateRepeatedStreams(rng, { shared: ['taskSeeds'], perMember: ['init', 'actions'], members: 3 });
 * members[1].init; // = rng.split(7)[3]
 */
export function allocateRepeatedStreams<const S extends string, const M extends string>(
  rng: Random,
  { shared, perMember, members }: RepeatedStreamsLayout<S, M>,
): { shared: Record<S, Random>; members: Record<M, Random>[] } {
  if (!Number.isInteger(members) || members < 0) throw new ConfigError([`members must be an integer >= 0, got ${members}`]);
  checkLayout([...shared, ...perMember]);
  const streams = rng.split(shared.length + perMember.length * members);
  const take = <N extends string>(names: readonly N[], from: number) =>
    Object.fromEntries(names.map((name, j) => [name, streams[from + j]])) as Record<N, Random>;
  return {
    shared: take(shared, 0),
    members: Array.from({ length: members }, (_, m) => take(perMember, shared.length + perMember.length * m)),
  };
}
