/**
 * The typed columns of a `trial.completed` event, declared once: each column's array type, whether
 * it holds one value per session or one per session and action, and whether every task has it.
 * The event's TypeScript type, its wire schema and the decoder's length checks are all derived
 * from this table, so they cannot disagree.
 */

interface ColumnSpec {
  /** In-process array type. */
  readonly array: Int8ArrayConstructor | Uint8ArrayConstructor | Float32ArrayConstructor;
  /** S × nActions entries (session-major `s * nActions + a`) instead of S. */
  readonly perAction: boolean;
  /** Present only for some tasks or phases. */
  readonly optional: boolean;
}

export const TRIAL_COLUMNS = {
  /** S first-stage actions played. */
  actions: { array: Int8Array, perAction: false, optional: false },
  /** S rewards (0/1). */
  rewards: { array: Float32Array, perAction: false, optional: false },
  /** S×nActions probabilities of the acting agent's policy. */
  policy: { array: Float32Array, perAction: true, optional: false },
  /** S value estimates (0 for agents without a value head). */
  values: { array: Float32Array, perAction: false, optional: false },
  /** S: the action with the higher reward probability. */
  betterAction: { array: Int8Array, perAction: false, optional: false },
  /** S: 1 on the first trial after a reversal / jump / rich-state swap. */
  reversal: { array: Uint8Array, perAction: false, optional: false },
  /** S×nActions latent reward probability of each action. */
  actionRewardProbs: { array: Float32Array, perAction: true, optional: false },
  /** Imitation: S×nActions policy of the learner, whose choices are not the ones played. */
  learnerPolicy: { array: Float32Array, perAction: true, optional: true },
  /** Two-stage: S second-stage states reached. */
  stage2States: { array: Int8Array, perAction: false, optional: true },
  /** Two-stage: S second-stage actions. */
  stage2Actions: { array: Int8Array, perAction: false, optional: true },
  /** Two-stage: S, common (1) or rare (0) transition. */
  common: { array: Uint8Array, perAction: false, optional: true },
  /** Volatile task: S, 1 inside a volatile block. */
  volatile: { array: Uint8Array, perAction: false, optional: true },
} as const satisfies Record<string, ColumnSpec>;

type Specs = typeof TRIAL_COLUMNS;
export type TrialColumnName = keyof Specs;
type Required = { [K in TrialColumnName]: Specs[K]['optional'] extends true ? never : K }[TrialColumnName];
type Optional = Exclude<TrialColumnName, Required>;

type ArrayOf<C> = C extends Int8ArrayConstructor ? Int8Array : C extends Uint8ArrayConstructor ? Uint8Array : Float32Array;

/** The columns as the event carries them in process. */
export type TrialColumns = { [K in Required]: ArrayOf<Specs[K]['array']> } & { [K in Optional]?: ArrayOf<Specs[K]['array']> };

export const TRIAL_COLUMN_NAMES = Object.keys(TRIAL_COLUMNS) as TrialColumnName[];
