// Compiles the TypeScript of src/ and actors/ to JavaScript in dist/ (same layout, one file per
// source file, no bundling), so the `brain-rnn` command starts on plain Node instead of compiling
// TypeScript at every start through tsx (4-5 s then; well under 0.5 s now). `npm ci` runs it as the
// `prepare` script; actors/cli/bin.js runs it again when a source file is newer than the last build,
// so an edited checkout never runs stale code. `dist` is a symbolic link to the newest build in
// dist.builds/ (see buildDist).
//
// Plain JavaScript on purpose: it must run before anything is compiled.
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
/** Folders compiled into dist/: the library and the actors (the CLI's whole import graph). */
const SOURCE_DIRS = ['src', 'actors'];
const STAMP = join('dist', '.build-stamp.json');
/** Where the builds live; `dist` is a symbolic link to the newest. */
const BUILDS = 'dist.builds';
/** Builds kept besides the newest: a process still running an older one may import from it later. */
const KEEP_BUILDS = 3;
/** Builds younger than this are never removed (ms). */
const KEEP_YOUNGER_MS = 60 * 60 * 1000;
let buildsStarted = 0;

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
 * Compile every source file into a fresh build folder under dist.builds/ and point the `dist`
 * link at it, so a process that starts meanwhile sees either the old build or the new one, never
 * half of one and never none: replacing a symbolic link by rename is atomic, where swapping two
 * directories takes two renames with no dist/ between them (two `brain-rnn` processes starting
 * after an edit, e.g. a sweep's workers, each rebuild). Node resolves the link to the build's real
 * path, so a running process keeps importing from its own build: the last few are kept. Where no
 * symbolic link can be made, dist/ is a plain folder swapped in by the two renames.
 */
export async function buildDist(root = packageRoot) {
  const { transform } = await import('esbuild');
  const files = sourceFiles(root);
  // Unique even for two builds started in the same millisecond by one process.
  const id = `${Date.now()}-${process.pid}-${++buildsStarted}`;
  const build = join(root, BUILDS, id);
  rmSync(build, { recursive: true, force: true });
  try {
    await Promise.all(files.map(async ({ path }) => {
      const target = join(build, relative(root, path));
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
    writeFileSync(join(build, '.build-stamp.json'), `${JSON.stringify(fingerprint(files))}\n`);
    publish(root, build, id);
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    throw error;
  }
  pruneBuilds(root, build);
}

/** Point `dist` at `build`. */
function publish(root, build, id) {
  const dist = join(root, 'dist');
  const link = join(root, `dist.${id}.link`);
  rmSync(link, { force: true });
  try {
    symlinkSync(relative(root, build), link, 'dir');
  } catch {
    // No symbolic links here: a plain dist/ folder, swapped in by two renames.
    const old = join(root, `dist.${id}.old`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(build, dist);
    rmSync(old, { recursive: true, force: true });
    return;
  }
  // A dist/ folder of an older build (before the link) moves among the builds once.
  if (isRealDirectory(dist)) renameSync(dist, join(root, BUILDS, `folder-${id}`));
  renameSync(link, dist);
}

function isRealDirectory(path) {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Remove builds other than the newest few and `current`, unless they are younger than an hour. */
function pruneBuilds(root, current) {
  const dir = join(root, BUILDS);
  let builds;
  try {
    builds = readdirSync(dir).map((name) => ({ path: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }));
  } catch {
    return;
  }
  builds.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const now = Date.now();
  builds.forEach(({ path, mtimeMs }, rank) => {
    if (path === current || rank <= KEEP_BUILDS || now - mtimeMs < KEEP_YOUNGER_MS) return;
    rmSync(path, { recursive: true, force: true });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildDist();
  process.stdout.write(`dist/ built from ${SOURCE_DIRS.join(', ')} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
}
