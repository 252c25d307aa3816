/**
 * The six-panel developmental-comparison figure of the seed (its `create_comprehensive_figure`):
 * spectra, effective rank, response heterogeneity, learning curves, reversal adaptation and
 * two-stage stay probabilities, composed as a grid under one root <svg> with panel titles and a
 * shared legend. Pure: returns the SVG text; writing it (and PNG rasterisation) happens at the
 * edge, in actors/figures/writeFigure.ts.
 */
import type { ComparisonResults } from './comparisonResults.js';
import { DEFAULT_FIGURE_COLORS, resolveFigureOptions, type FigureOptions } from './figureOptions.js';
import { plotSingularValueSpectra } from './plotSingularValueSpectra.js';
import { plotEffectiveRankComparison } from './plotEffectiveRankComparison.js';
import { plotResponseHeterogeneity } from './plotResponseHeterogeneity.js';
import { plotLearningCurves } from './plotLearningCurves.js';
import { plotReversalAdaptation } from './plotReversalAdaptation.js';
import { plotStayProbabilities } from './plotStayProbabilities.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ComprehensiveFigureOptions {
  /** Document the SVG is built in: jsdom's in Node, `window.document` in a browser. */
  document: Document;
  /** Width of each panel in px (default 360). */
  panelWidth?: number;
  /** Height of each panel in px (default 260). */
  panelHeight?: number;
  /** Panels per row (default 3, so two rows). */
  columns?: number;
  /** Figure title (default 'Developmental comparison', plus the task when known). Empty for none. */
  title?: string;
  /** A generic font family (default 'sans-serif'). */
  fontFamily?: string;
  /** Colour of each configuration in `results.configs` order. */
  colors?: readonly string[];
}

/** The panels in reading order with their titles; each draws from the same results. */
export const COMPREHENSIVE_FIGURE_PANELS: readonly { title: string; plot: (results: ComparisonResults, options: FigureOptions) => SVGSVGElement }[] = [
  { title: 'Singular-value spectra', plot: plotSingularValueSpectra },
  { title: 'Effective rank (mean, 95% CI)', plot: plotEffectiveRankComparison },
  { title: 'Response heterogeneity', plot: plotResponseHeterogeneity },
  { title: 'Learning curves', plot: plotLearningCurves },
  { title: 'Reversal adaptation', plot: plotReversalAdaptation },
  { title: 'Two-stage stay probabilities', plot: plotStayProbabilities },
];

function svgElement(document: Document, name: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG_NS, name) as SVGElement;
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function svgText(document: Document, text: string, attributes: Record<string, string | number>): SVGElement {
  const element = svgElement(document, 'text', attributes);
  element.textContent = text;
  return element;
}

/**
 * Move a Plot <svg> into a translated <g>: a nested <svg> would carry Plot's stylesheet
 * (`height: auto; max-width: 100%`), which resizes nested viewports in browsers.
 */
function embedPanel(document: Document, plot: SVGSVGElement, x: number, y: number): SVGElement {
  const group = svgElement(document, 'g', { transform: `translate(${x},${y})` });
  for (const name of ['class', 'fill', 'font-family', 'font-size', 'text-anchor']) {
    const value = plot.getAttribute(name);
    if (value !== null) group.setAttribute(name, value);
  }
  for (const child of Array.from(plot.childNodes)) {
    if ((child as Element).tagName?.toLowerCase() !== 'style') group.appendChild(child);
  }
  return group;
}

/**
 * @example
 * import { JSDOM } from 'jsdom';
 * const svgText = renderComprehensiveFigure(results, { document: new JSDOM('').window.document });
 */
export function renderComprehensiveFigure(results: ComparisonResults, options: ComprehensiveFigureOptions): string {
  const {
    document,
    panelWidth = 360,
    panelHeight = 260,
    columns = 3,
    title = `Developmental comparison${results.task ? ` (${results.task})` : ''}`,
    fontFamily = 'sans-serif',
    colors = DEFAULT_FIGURE_COLORS,
  } = options;
  const resolved = resolveFigureOptions(results, { document, colors, fontFamily });
  const padding = 12;
  const titleHeight = title ? 26 : 0;
  const legendHeight = 20;
  const panelTitleHeight = 18;
  const cellHeight = panelTitleHeight + panelHeight + padding;
  const rows = Math.ceil(COMPREHENSIVE_FIGURE_PANELS.length / columns);
  const width = padding + columns * (panelWidth + padding);
  const height = padding + titleHeight + legendHeight + rows * cellHeight;

  const root = svgElement(document, 'svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'font-family': fontFamily,
    'font-size': 10,
    fill: 'currentColor',
  });
  root.appendChild(svgElement(document, 'rect', { width, height, fill: 'white' }));
  if (title) root.appendChild(svgText(document, title, { x: padding, y: padding + 14, 'font-size': 15, 'font-weight': 'bold' }));

  // Shared legend: a swatch and the name of each configuration.
  let legendX = padding;
  const legendY = padding + titleHeight;
  resolved.names.forEach((name, i) => {
    root.appendChild(svgElement(document, 'rect', { x: legendX, y: legendY + 2, width: 12, height: 10, fill: resolved.colors[i] }));
    root.appendChild(svgText(document, name, { x: legendX + 16, y: legendY + 11, 'font-size': 11 }));
    legendX += 16 + 7 * name.length + 18;
  });

  COMPREHENSIVE_FIGURE_PANELS.forEach(({ title: panelTitle, plot }, index) => {
    const x = padding + (index % columns) * (panelWidth + padding);
    const y = padding + titleHeight + legendHeight + Math.floor(index / columns) * cellHeight;
    const letter = String.fromCharCode(65 + index);
    root.appendChild(svgText(document, `${letter}  ${panelTitle}`, { x, y: y + 12, 'font-size': 12, 'font-weight': 'bold' }));
    const panel = plot(results, { document, width: panelWidth, height: panelHeight, fontFamily, colors, legend: false });
    root.appendChild(embedPanel(document, panel, x, y + panelTitleHeight));
  });
  return serializeSvg(document, root);
}

/** XML serialisation where the document offers it (HTML serialisation may emit `&nbsp;`, which is not XML). */
export function serializeSvg(document: Document, element: Element): string {
  const Serializer = document.defaultView?.XMLSerializer;
  if (Serializer) return new Serializer().serializeToString(element);
  // HTML serialisation leaves out the namespace that standalone SVG files need.
  return element.outerHTML.replace(/^<svg(?![^>]*\sxmlns=)/, `<svg xmlns="${SVG_NS}"`);
}
