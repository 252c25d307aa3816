/**
 * Options and small pieces shared by every figure panel. The DOM document is a parameter so the
 * same code draws in a browser (`window.document`) and in Node (a jsdom document made at the edge).
 */
import * as Plot from '@observablehq/plot';
import type { ComparisonResults } from './comparisonResults.js';

/** Options of every `plot...` function. */
export interface FigureOptions {
  /** Document the SVG is created in: jsdom's in Node, `window.document` in a browser. */
  document: Document;
  /** Width of the panel in px (default 360). */
  width?: number;
  /** Height of the panel in px (default 260). */
  height?: number;
  /**
   * Font family. A generic family (default 'sans-serif') so that every renderer, including resvg
   * with only the system's fonts, finds a face.
   */
  fontFamily?: string;
  /** Colour of each configuration in `results.configs` order (default: Okabe–Ito colours). */
  colors?: readonly string[];
  /** Draw a legend of the configurations inside the frame (default true; the composite figure draws one legend instead). */
  legend?: boolean;
}

/** Okabe & Ito's colour-blind-safe palette, vermillion (premature) and blue (mature) first. */
export const DEFAULT_FIGURE_COLORS: readonly string[] = ['#D55E00', '#0072B2', '#009E73', '#E69F00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** The options every panel starts from, with defaults filled in. */
export interface ResolvedFigureOptions {
  document: Document;
  width: number;
  height: number;
  fontFamily: string;
  legend: boolean;
  /** Configuration names in drawing order. */
  names: string[];
  /** Colour of each name. */
  colors: string[];
}

export function resolveFigureOptions(results: ComparisonResults, options: FigureOptions): ResolvedFigureOptions {
  const { document, width = 360, height = 260, fontFamily = 'sans-serif', colors = DEFAULT_FIGURE_COLORS, legend = true } = options;
  const names = results.configs.map((config) => config.name);
  return {
    document,
    width,
    height,
    fontFamily,
    legend,
    names,
    colors: names.map((_, i) => colors[i % colors.length]),
  };
}

/** The colour scale shared by the panels: one colour per configuration name. */
export function configColorScale({ names, colors }: ResolvedFigureOptions): Plot.ScaleOptions {
  return { type: 'ordinal', domain: names, range: colors };
}

/** A legend made of text marks stacked in one corner of the frame (Plot's own legends need an HTML <figure>). */
export function frameLegend(
  { names, colors, legend }: ResolvedFigureOptions,
  frameAnchor: 'top-right' | 'bottom-right',
  /** Lines left free above the legend (top-right) for a note. */
  skipLines = 0,
): Plot.Markish[] {
  if (!legend) return [];
  const step = 12;
  return names.map((name, i) =>
    Plot.text([name], {
      frameAnchor,
      textAnchor: 'end',
      dx: -6,
      dy: frameAnchor === 'top-right' ? 6 + (i + skipLines) * step : -6 - (names.length - 1 - i) * step,
      fill: colors[i],
      fontWeight: 'bold',
    }),
  );
}

/** Plot the marks and return the SVG element, with the generic font applied. */
export function renderPlot(resolved: ResolvedFigureOptions, options: Plot.PlotOptions): SVGSVGElement {
  const { document, width, height, fontFamily } = resolved;
  const plot = Plot.plot({ document, width, height, ...options });
  // No figure-level options (title, legend, caption) are used, so Plot returns a bare <svg>.
  if (plot.tagName.toLowerCase() !== 'svg') throw new Error(`expected Plot to return an <svg>, got <${plot.tagName}>`);
  plot.setAttribute('font-family', fontFamily);
  return plot as unknown as SVGSVGElement;
}

/** A panel saying that the results hold no data for it (e.g. reversal curves from a two-stage run). */
export function emptyPanel(resolved: ResolvedFigureOptions, message: string): SVGSVGElement {
  return renderPlot(resolved, {
    axis: null,
    marks: [Plot.frame({ strokeOpacity: 0.2 }), Plot.text([message], { frameAnchor: 'middle', fill: '#666' })],
  });
}

/** The finite number, or undefined: null and NaN mean "no data" in ComparisonResults. */
export function finiteOrUndefined(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Tick labels for integer-valued axes (components, epochs, trial offsets): fractional ticks blank, typographic minus. */
export function integerTickFormat(value: number): string {
  return Number.isInteger(value) ? String(value).replace('-', '−') : '';
}
