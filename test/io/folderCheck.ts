/**
 * An independent look at an output folder, for the tests: which files are there, their sha256, and
 * whether the folder is a complete set (its manifest lists exactly the files present, sizes and
 * hashes matching), marked incomplete, empty, or neither. Temporary files (`.NAME.tmp-PID`, what a
 * write killed between its open and its rename leaves) are listed apart: they are no file of any
 * set, and the next run into the folder removes them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FolderVerdict = 'empty' | 'complete' | 'incomplete' | 'invalid';

export interface FolderCheck {
  verdict: FolderVerdict;
  /** Every file present except manifest.json and temporary files. */
  files: string[];
  /** Temporary files (`.NAME.tmp-PID`) a killed write left: never part of a set. */
  leftovers: string[];
  /** sha256 of each file present. */
  hashes: Map<string, string>;
  problems: string[];
}

const TEMPORARY = /^\.[\w][\w.-]*\.tmp-\d+$/;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function checkFolder(dir: string): FolderCheck {
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  const leftovers = names.filter((name) => TEMPORARY.test(name));
  const files = names.filter((name) => name !== 'manifest.json' && !TEMPORARY.test(name));
  const hashes = new Map(files.map((name) => [name, sha256(readFileSync(join(dir, name)))]));
  const problems: string[] = [];
  const result = (verdict: FolderVerdict) => ({ verdict, files, leftovers, hashes, problems });
  if (files.length === 0 && !names.includes('manifest.json')) return result('empty');
  if (!names.includes('manifest.json')) return { ...result('invalid'), problems: ['files without a manifest'] };
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (manifest.complete === false) return result('incomplete');
  if (manifest.complete !== true) return { ...result('invalid'), problems: ['manifest without complete: true|false'] };
  const listed = (manifest.files as { name: string; bytes: number; sha256: string }[]);
  const listedNames = listed.map((f) => f.name).sort();
  if (JSON.stringify(listedNames) !== JSON.stringify(files)) problems.push(`manifest lists ${listedNames.join(', ')}; present: ${files.join(', ')}`);
  for (const entry of listed) {
    if (!hashes.has(entry.name)) continue;
    const bytes = readFileSync(join(dir, entry.name));
    if (bytes.length !== entry.bytes) problems.push(`${entry.name}: ${bytes.length} bytes, manifest says ${entry.bytes}`);
    if (sha256(bytes) !== entry.sha256) problems.push(`${entry.name}: sha256 differs from the manifest`);
  }
  return result(problems.length === 0 ? 'complete' : 'invalid');
}

/**
 * Files of two runs side by side: some present file is byte-identical to the older set's file of
 * that name and another is not (temporary files aside).
 */
export function isMixed(check: FolderCheck, older: Map<string, string>): boolean {
  const fromOlder = check.files.filter((name) => older.get(name) === check.hashes.get(name));
  return fromOlder.length > 0 && fromOlder.length < check.files.length;
}
