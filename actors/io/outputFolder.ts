/**
 * An output folder written as one set (what `brain-rnn run` and `brain-rnn fit` leave behind).
 * Every file goes to a temporary name in the folder, is synced and renamed into place; a manifest
 * (`manifest.json`: the command, each file with its size and sha256, `complete`) is written last,
 * atomically the same way. Before the first file, the manifest is rewritten with `complete: false`
 * and the previous set's files are removed, so a run killed at any moment leaves either the
 * previous complete set or a folder marked incomplete holding files of this run only, never a
 * mix of two runs. A rerun replaces an incomplete folder (with a message); a complete one only
 * with `force`.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeFileError } from './fileErrors.js';

export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_FORMAT = 'brain-rnn-output';

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface OutputManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  /** The command that wrote the set (`run`, `fit`). */
  command: string;
  /** True once every file listed is in place; false while the set is being written. */
  complete: boolean;
  /** ISO time the manifest was written. */
  writtenAt: string;
  /** The files of the set (complete), or those being written (incomplete). */
  files: ManifestEntry[] | { name: string }[];
}

export interface OutputFolderOptions {
  /** The command writing the set, recorded in the manifest. */
  command: string;
  /** Every file this command may write, in the order a refusal names them (what --force clears in a folder without a manifest). */
  ownedFiles: readonly string[];
  /** Replace a complete set (default false: refuse). */
  force?: boolean;
  /** Builds the refusal when a complete set is there and force is not set (given the existing paths). */
  refuse?: (existing: string[]) => Error;
  /** Receives "replacing an incomplete set" and similar notes. */
  warn?: (message: string) => void;
}

/** What a folder holds, from its manifest. */
export type FolderState = 'empty' | 'complete' | 'incomplete' | 'unmanaged';

/** A name the folder may hold: no directory part, so a foreign manifest cannot make us delete elsewhere. */
const isPlainName = (name: unknown): name is string => typeof name === 'string' && /^[\w][\w.-]*$/.test(name) && !name.includes('..');
const TEMPORARY = /^\.[\w][\w.-]*\.tmp-\d+$/;

/** Whether anything is at `path` (a path through a file is nothing, to be reported when the folder is made). */
function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** Read `dir/manifest.json` if it is one of ours (undefined when absent or foreign). */
export function readManifest(dir: string): OutputManifest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const manifest = json as Partial<OutputManifest> | null;
  if (manifest?.format !== MANIFEST_FORMAT || typeof manifest.complete !== 'boolean' || !Array.isArray(manifest.files)) return undefined;
  return manifest as OutputManifest;
}

/**
 * Write `data` to `dir/name` through a synced temporary file renamed into place, so `dir/name` is
 * never a partial file.
 * @example
 * writeAtomically('results', 'figure.png', pngBytes);
 */
export function writeAtomically(dir: string, name: string, data: string | Uint8Array): void {
  const temporary = join(dir, `.${name}.tmp-${process.pid}`);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  try {
    const fd = openSync(temporary, 'w');
    try {
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
      // Synced before the rename, so the name never points at a file the disk has not got.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, join(dir, name));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`cannot write ${join(dir, name)}: ${describeFileError(error)}`, { cause: error });
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems cannot sync a directory; the renames are still atomic.
  } finally {
    closeSync(fd);
  }
}

/**
 * @example
 * const folder = new OutputFolder('results', { command: 'run', ownedFiles: ['results.json', 'report.md'] });
 * folder.ensureWritable();
 * // ... compute ...
 * folder.write('results.json', json);
 * folder.write('report.md', report);
 * folder.complete();
 */
export class OutputFolder {
  /** What the folder held when it was opened. */
  readonly state: FolderState;
  private readonly previous: OutputManifest | undefined;
  private readonly written: ManifestEntry[] = [];
  private begun = false;

  /** Looks at the folder (creating nothing); refuses a complete set without `force`. */
  constructor(readonly dir: string, private readonly options: OutputFolderOptions) {
    const { ownedFiles, force = false, refuse = (existing) => new Error(`${existing.join(', ')} already exist; pass --force to overwrite`) } = options;
    this.previous = readManifest(dir);
    const listed = (this.previous?.files ?? []).map((f) => f.name).filter(isPlainName);
    const existing = [...new Set([...ownedFiles, ...listed])].filter((name) => exists(join(dir, name)));
    this.state = this.previous ? (this.previous.complete ? 'complete' : 'incomplete') : existing.length > 0 ? 'unmanaged' : 'empty';
    // A folder without our manifest is refused too: it is an older result, or someone else's.
    if ((this.state === 'complete' || this.state === 'unmanaged') && existing.length > 0 && !force) throw refuse(existing.map((name) => join(dir, name)));
  }

  /** Create the folder and check a file can be made in it (before the long part of a run). */
  ensureWritable(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const probe = join(this.dir, `.write-test.tmp-${process.pid}`);
      closeSync(openSync(probe, 'w'));
      rmSync(probe);
    } catch (error) {
      throw new Error(`cannot write to the output folder ${this.dir}: ${describeFileError(error)}`, { cause: error });
    }
  }

  /** Mark the folder incomplete and clear the previous set (and any leftovers of a killed run). */
  private begin(expected: readonly string[]): void {
    this.begun = true;
    // The folder may have gone during a long computation.
    mkdirSync(this.dir, { recursive: true });
    if (this.state === 'incomplete') this.options.warn?.(`replacing the incomplete result in ${this.dir} (an earlier run was cut off before it finished)`);
    writeAtomically(this.dir, MANIFEST_FILE, this.manifestText(false, expected.map((name) => ({ name }))));
    const listed = (this.previous?.files ?? []).map((f) => f.name).filter(isPlainName);
    const names = new Set([...this.options.ownedFiles, ...listed]);
    for (const entry of readdirSync(this.dir)) {
      if (entry !== MANIFEST_FILE && (names.has(entry) || TEMPORARY.test(entry))) rmSync(join(this.dir, entry), { force: true });
    }
  }

  /**
   * Write one file of the set (atomically). The first call marks the folder incomplete and
   * removes the previous set; `expected` names the files of the set for that mark.
   */
  write(name: string, data: string | Uint8Array, expected: readonly string[] = [name]): void {
    if (!isPlainName(name) || name === MANIFEST_FILE) throw new Error(`output file name must be a plain file name other than ${MANIFEST_FILE}, got ${JSON.stringify(name)}`);
    if (!this.begun) this.begin(expected);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    writeAtomically(this.dir, name, bytes);
    this.written.push({ name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }

  /** Write several files as the set, then the complete manifest. */
  writeAll(files: ReadonlyArray<readonly [string, string | Uint8Array]>): void {
    const names = files.map(([name]) => name);
    for (const [name, data] of files) this.write(name, data, names);
    this.complete();
  }

  /** Write the manifest that says the set is complete (last, atomically). */
  complete(): void {
    if (!this.begun) this.begin([]);
    writeAtomically(this.dir, MANIFEST_FILE, this.manifestText(true, this.written));
    syncDirectory(this.dir);
  }

  private manifestText(complete: boolean, files: OutputManifest['files']): string {
    const manifest: OutputManifest = { format: MANIFEST_FORMAT, version: 1, command: this.options.command, complete, writtenAt: new Date().toISOString(), files };
    return `${JSON.stringify(manifest, null, 1)}\n`;
  }
}
