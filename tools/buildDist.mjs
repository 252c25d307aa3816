// Compiles the TypeScript of src/ and actors/ to JavaScript in dist/ (same layout, one file per
// source file, no bundling), so the `brain-rnn` command starts on plain Node instead of compiling
// TypeScript at every start through tsx (4-5 s then; well under 0.5 s now). `npm ci` runs it as the
// `prepare` script; actors/cli/bin.js runs it again when a source file is newer than the last build,
// so an edited checkout never runs stale code.
//
// Plain JavaScript on purpose: it must run before anything is compiled.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
/** Folders compiled into dist/: the library and the actors (the CLI's whole import graph). */
const SOURCE_DIRS = ['src', 'actors'];
const STAMP = join('dist', '.build-stamp.json');

/** Every .ts/.mjs file under the source folders (assembly sources for asc excluded), with its mtime. */
function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'assembly' && entry.name !== 'node_modules') walk(path);
      } else if ((entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) || entry.name.endsWith('.mjs') || entry.name.endsWith('.js')) {
        files.push({ path, mtimeMs: statSync(path).mtimeMs });
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return files;
}

function fingerprint(files) {
  let newest = 0;
  for (const file of files) newest = Math.max(newest, file.mtimeMs);
  return { newestMtimeMs: newest, files: files.length };
}

/** Whether dist/ holds a build of the current sources (no source newer than it, none added or removed). */
export function isDistCurrent(root = packageRoot) {
  if (!existsSync(join(root, STAMP))) return false;
  try {
    const stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
    const now = fingerprint(sourceFiles(root));
    return stamp.newestMtimeMs >= now.newestMtimeMs && stamp.files === now.files;
  } catch {
    return false;
  }
}

/**
 * Compile every source file into a fresh folder and swap it in for dist/, so a process that starts
 * meanwhile sees either the old build or the new one, never half of one.
 */
export async function buildDist(root = packageRoot) {
  const { transform } = await import('esbuild');
  const dist = join(root, 'dist');
  const files = sourceFiles(root);
  const staging = join(root, `dist.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  try {
    await Promise.all(files.map(async ({ path }) => {
      const target = join(staging, relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      if (!path.endsWith('.ts')) {
        copyFileSync(path, target);
        return;
      }
      const { code } = await transform(readFileSync(path, 'utf8'), {
        loader: 'ts', format: 'esm', target: 'node20', sourcefile: path, sourcemap: 'inline', logLevel: 'silent',
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), code);
    }));
    writeFileSync(join(staging, '.build-stamp.json'), `${JSON.stringify(fingerprint(files))}\n`);
    const old = join(root, `dist.${process.pid}.old`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(staging, dist);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildDist();
  process.stdout.write(`dist/ built from ${SOURCE_DIRS.join(', ')} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
}
