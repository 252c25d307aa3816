/**
 * Figures as files: the edge around the pure renderers in src/figures. Builds a jsdom document,
 * renders, and writes SVG, or PNG rasterised with resvg when the path ends in .png (each file
 * through a temporary name and a rename); or gives the file's bytes for an output folder to write.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError, checkNumber } from '../../src/validation.js';
import type { ComparisonResults } from '../../src/figures/comparisonResults.js';
import { renderComprehensiveFigure, type ComprehensiveFigureOptions } from '../../src/figures/renderComprehensiveFigure.js';
import { writeAtomically } from './outputFolder.js';

/**
 * Face used for the figures' generic `sans-serif` and for any family resvg cannot find: Debian's
 * fonts-dejavu-core, which fontconfig also maps sans-serif to there. When it is missing resvg
 * falls back to the first installed font.
 */
const DEFAULT_SANS_SERIF = 'DejaVu Sans';

export interface RasterizeOptions {
  /** Pixels per SVG px (default 2, for print-quality figures). */
  scale?: number;
  /** Background behind transparent areas (default white). */
  background?: string;
  /** Installed family to draw generic `sans-serif` text with (default 'DejaVu Sans'). */
  sansSerifFamily?: string;
  /** Extra font files to load besides the system fonts. */
  fontFiles?: string[];
}

export interface WrittenFigure {
  path: string;
  format: 'svg' | 'png';
  /** Size in pixels (PNG) or SVG px. */
  width: number;
  height: number;
}

// jsdom and resvg take about half a second to load: they are loaded on the first figure, so
// commands that draw none (and `--help`) do not pay for them. Both are CommonJS, so a synchronous
// require keeps these functions synchronous.
const requireLazily = createRequire(import.meta.url);
let jsdom: typeof import('jsdom') | undefined;
let resvg: typeof import('@resvg/resvg-js') | undefined;

/** A fresh DOM document for Plot in Node. */
export function createFigureDocument(): Document {
  jsdom ??= requireLazily('jsdom') as typeof import('jsdom');
  return new jsdom.JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
}

/**
 * Whether resvg finds any font to draw text with: without one, text is silently left out of PNGs
 * (install e.g. Debian's fonts-dejavu-core, or pass `fontFiles`).
 * @example
 * if (!canRenderText()) console.warn('no fonts: PNG figures will have no text');
 */
export function canRenderText(fontFiles: string[] = []): boolean {
  const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="sans-serif" font-size="14">Ag</text></svg>';
  const { pixels } = rasterizeSvg(probe, { scale: 1, background: 'transparent', fontFiles });
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
  return false;
}

export interface RasterizedFigure {
  png: Buffer;
  /** RGBA bytes, row-major, width × height × 4. */
  pixels: Buffer;
  width: number;
  height: number;
}

/**
 * SVG text → PNG bytes with resvg, using the system fonts (generic `sans-serif` mapped to an
 * installed family).
 * @example
 * const { png } = rasterizeSvg(svgText, { scale: 2 });
 */
export function rasterizeSvg(svg: string, options: RasterizeOptions = {}): RasterizedFigure {
  const { scale = 2, background = 'white', sansSerifFamily = DEFAULT_SANS_SERIF, fontFiles = [] } = options;
  checkNumber('scale', scale, { min: 0, minExclusive: true, max: 16 });
  resvg ??= requireLazily('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const renderer = new resvg.Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background,
    // resvg resolves unknown families (system-ui, a missing face) to the default family.
    font: { loadSystemFonts: true, fontFiles, sansSerifFamily, defaultFontFamily: sansSerifFamily },
    logLevel: 'error',
  });
  const image = renderer.render();
  return { png: image.asPng(), pixels: image.pixels, width: image.width, height: image.height };
}

export interface FigureFile {
  /** The file's bytes: the standalone SVG document, or the PNG. */
  bytes: Buffer;
  format: 'svg' | 'png';
  /** Size in pixels (PNG) or SVG px. */
  width: number;
  height: number;
}

/**
 * The bytes of a figure file, without writing it: SVG text as a standalone document, or
 * rasterised to PNG (so an output folder can render every figure before it writes any file).
 * @example
 * const { bytes } = renderFigureFile(svgText, 'png');
 */
export function renderFigureFile(svg: string, format: 'svg' | 'png', options: RasterizeOptions = {}): FigureFile {
  if (format === 'svg') {
    const match = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    const text = svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
    return { bytes: Buffer.from(text), format, width: Number(match?.[1] ?? NaN), height: Number(match?.[2] ?? NaN) };
  }
  const { png, width, height } = rasterizeSvg(svg, options);
  return { bytes: png, format, width, height };
}

function figureFormat(path: string): 'svg' | 'png' {
  const extension = extname(path).toLowerCase();
  if (extension !== '.svg' && extension !== '.png') {
    throw new ConfigError([`figure path must end in .svg or .png, got ${JSON.stringify(path)}`]);
  }
  return extension === '.svg' ? 'svg' : 'png';
}

/** Write a rendered figure to `path` (parent directories created) through a temporary file and a rename. */
async function writeFigureFile(file: FigureFile, path: string): Promise<WrittenFigure> {
  await mkdir(dirname(path), { recursive: true });
  writeAtomically(dirname(path), basename(path), file.bytes);
  return { path, format: file.format, width: file.width, height: file.height };
}

/**
 * Write SVG text to `path`: as is for .svg, rasterised for .png. Creates the parent directory;
 * writes a temporary file beside `path` and renames it, so `path` is never a partial figure.
 * @example
 * await writeFigure(svgText, 'results/figure.png');
 */
export async function writeFigure(svg: string, path: string, options: RasterizeOptions = {}): Promise<WrittenFigure> {
  return writeFigureFile(renderFigureFile(svg, figureFormat(path), options), path);
}

/**
 * The six-panel figure's file bytes, SVG or PNG, without writing them.
 * @example
 * const { bytes } = renderComprehensiveFigureFile(results, 'png');
 */
export function renderComprehensiveFigureFile(
  results: ComparisonResults,
  format: 'svg' | 'png',
  options: Omit<ComprehensiveFigureOptions, 'document'> & RasterizeOptions = {},
): FigureFile {
  const { scale, background, sansSerifFamily, fontFiles, ...figureOptions } = options;
  const svg = renderComprehensiveFigure(results, { ...figureOptions, document: createFigureDocument() });
  return renderFigureFile(svg, format, { scale, background, sansSerifFamily, fontFiles });
}

/**
 * The seed's `create_comprehensive_figure(results, path)`: the six-panel figure as SVG, or PNG
 * when `path` ends in .png.
 * @example
 * await createComprehensiveFigure(results, 'developmental_comparison.png');
 */
export async function createComprehensiveFigure(
  results: ComparisonResults,
  path: string,
  options: Omit<ComprehensiveFigureOptions, 'document'> & RasterizeOptions = {},
): Promise<WrittenFigure> {
  return writeFigureFile(renderComprehensiveFigureFile(results, figureFormat(path), options), path);
}
