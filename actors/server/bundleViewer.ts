/**
 * Bundle the viewer (web/viewer.ts and what it imports: Observable Plot, d3, zod) into one ES
 * module in memory with esbuild, once per process: the server serves it without a build step or a
 * CDN.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../io/packageRoot.js';

export interface ViewerAssets {
  /** web/index.html. */
  html: string;
  /** The bundled web/viewer.ts. */
  script: string;
}

const webDir = `${join(packageRoot(), 'web')}/`;
let cached: Promise<ViewerAssets> | undefined;

async function bundle(): Promise<ViewerAssets> {
  const { build } = await import('esbuild');
  const [html, result] = await Promise.all([
    readFile(`${webDir}index.html`, 'utf8'),
    build({
      entryPoints: [`${webDir}viewer.ts`], bundle: true, write: false, format: 'esm', platform: 'browser',
      target: 'es2022', minify: true, legalComments: 'none', logLevel: 'silent',
    }),
  ]);
  return { html, script: result.outputFiles[0].text };
}

/**
 * @example
 * const { html, script } = await viewerAssets();
 */
export function viewerAssets(): Promise<ViewerAssets> {
  cached ??= bundle().catch((error: unknown) => {
    cached = undefined;
    throw new Error(`cannot bundle the viewer (web/viewer.ts): ${(error as Error).message}`);
  });
  return cached;
}
