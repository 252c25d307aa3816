#!/usr/bin/env node
// The `brain-rnn` command. Runs the JavaScript that tools/buildDist.mjs compiles into dist/ (built by
// `npm ci`/`npm install` through the `prepare` script, and again here when a source file has
// changed since), so a start costs no TypeScript compilation. Where dist/ cannot be written (a
// read-only install), it falls back to compiling the sources on the fly with tsx.
import { buildDist, isDistCurrent } from '../../tools/buildDist.mjs';

let entry = new URL('../../dist/actors/cli/main.js', import.meta.url).href;
if (!isDistCurrent()) {
  try {
    await buildDist();
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    entry = new URL('./main.ts', import.meta.url).href;
  }
}
await import(entry);
