/**
 * What each kind of sweep (fit, run, live) provides to the machinery that is the same for all:
 * the cells' keys, a context built once per process, one cell's computation, and the reduce into
 * the files of the command the sweep stands for.
 */
export interface KindExpansion {
  keys: Record<string, unknown>[];
  /** sha256 of the data file the kind read, if any. */
  dataSha256?: string;
}

export interface ReducedFiles {
  /** What the command would print. */
  summary: string;
  files: [string, string | Uint8Array][];
  /** The command recorded in manifest.json. */
  command: string;
}

export interface SweepKind<Definition, Context> {
  /** Whether cells read the definition's `data` file. */
  readsData: boolean;
  expand(definition: Definition, data?: Uint8Array): KindExpansion;
  prepare(definition: Definition, data?: Uint8Array): Context;
  runCell(context: Context, key: Record<string, unknown>): unknown | Promise<unknown>;
  reduce(definition: Definition, context: Context, results: unknown[], seconds: number): ReducedFiles;
}
