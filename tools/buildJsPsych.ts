/**
 * Build the jsPsych plugins (web/jspsych/brainRnnPlugins.ts and the task code it imports) into
 * one ES module, plus jsPsych itself as an ES module and its stylesheet, for a page that loads
 * them with an import map (web/jspsych/example.html):
 *
 *   npx tsx tools/buildJsPsych.ts [outDir]      # default web/jspsych/dist (not committed)
 *
 * brain-rnn-jspsych.js imports `jspsych` and nothing else, so a lab's bundler resolves it to
 * the jsPsych the experiment already uses.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface JsPsychBuild {
  /** The directory written. */
  outDir: string;
  /** Bytes of brain-rnn-jspsych.js. */
  pluginBytes: number;
}

/**
 * @example
 * await buildJsPsychBundle('web/jspsych/dist');
 */
export async function buildJsPsychBundle(outDir = join(root, 'web/jspsych/dist')): Promise<JsPsychBuild> {
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, legalComments: 'none', logLevel: 'silent' } as const;
  const plugin = await build({
    ...common, entryPoints: [join(root, 'web/jspsych/brainRnnPlugins.ts')], outfile: join(outDir, 'brain-rnn-jspsych.js'), external: ['jspsych'], metafile: true,
    // csv-parse's Node build needs Buffer; its browser build is the same parser.
    alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' },
  });
  await build({ ...common, stdin: { contents: "export * from 'jspsych';", resolveDir: root }, outfile: join(outDir, 'jspsych.js') });
  copyFileSync(createRequire(import.meta.url).resolve('jspsych/css/jspsych.css'), join(outDir, 'jspsych.css'));
  const pluginBytes = Object.values(plugin.metafile.outputs)[0].bytes;
  return { outDir, pluginBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, pluginBytes } = await buildJsPsychBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`wrote ${outDir}/brain-rnn-jspsych.js (${(pluginBytes / 1024).toFixed(0)} KiB), jspsych.js, jspsych.css`);
}
