/**
 * Bundle a page's script (web/viewer.ts, web/play/play.ts, and what they import: Observable Plot,
 * d3, zod, the task code of src/) into one ES module in memory with esbuild, once per process and
 * entry: the servers serve it without a build step or a CDN.
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
const cached = new Map<string, Promise<ViewerAssets>>();

async function bundle(htmlPath: string, entry: string): Promise<ViewerAssets> {
  const { build } = await import('esbuild');
  const [html, result] = await Promise.all([
    readFile(`${webDir}${htmlPath}`, 'utf8'),
    build({
      entryPoints: [`${webDir}${entry}`], bundle: true, write: false, format: 'esm', platform: 'browser',
      target: 'es2022', minify: true, legalComments: 'none', logLevel: 'silent',
    }),
  ]);
  return { html, script: result.outputFiles[0].text };
}

/**
 * A page of web/ and its bundled script, paths relative to web/.
 * @example
 * const { html, script } = await pageAssets('play/index.html', 'play/play.ts');
 */
export function pageAssets(htmlPath: string, entry: string): Promise<ViewerAssets> {
  const key = `${htmlPath}\u0000${entry}`;
  let assets = cached.get(key);
  if (!assets) {
    assets = bundle(htmlPath, entry).catch((error: unknown) => {
      cached.delete(key);
      throw new Error(`cannot bundle web/${entry}: ${(error as Error).message}`);
    });
    cached.set(key, assets);
  }
  return assets;
}

/**
 * @example
 * const { html, script } = await viewerAssets();
 */
export function viewerAssets(): Promise<ViewerAssets> {
  return pageAssets('index.html', 'viewer.ts');
}
