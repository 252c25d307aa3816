import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { plotSingularValueSpectra } from '../../src/figures/plotSingularValueSpectra.js';
import { plotEffectiveRankComparison } from '../../src/figures/plotEffectiveRankComparison.js';
import { plotResponseHeterogeneity } from '../../src/figures/plotResponseHeterogeneity.js';
import { plotLearningCurves } from '../../src/figures/plotLearningCurves.js';
import { plotReversalAdaptation } from '../../src/figures/plotReversalAdaptation.js';
import { plotStayProbabilities } from '../../src/figures/plotStayProbabilities.js';
import { serializeSvg } from '../../src/figures/renderComprehensiveFigure.js';
import type { ComparisonResults } from '../../src/figures/comparisonResults.js';
import type { FigureOptions } from '../../src/figures/figureOptions.js';
import { syntheticComparisonResults } from './syntheticResults.js';
import { expectSvgSnapshot, normalizeSvg } from './svgSnapshot.js';

const { document } = new JSDOM('').window;
const results = syntheticComparisonResults();

type PlotFunction = (results: ComparisonResults, options: FigureOptions) => SVGSVGElement;
const PLOTS: [string, PlotFunction][] = [
  ['plotSingularValueSpectra', plotSingularValueSpectra],
  ['plotEffectiveRankComparison', plotEffectiveRankComparison],
  ['plotResponseHeterogeneity', plotResponseHeterogeneity],
  ['plotLearningCurves', plotLearningCurves],
  ['plotReversalAdaptation', plotReversalAdaptation],
  ['plotStayProbabilities', plotStayProbabilities],
];

/** Text of every <text> element whose parent group has the given aria-label. */
function texts(svg: SVGSVGElement, ariaLabel: string): string[] {
  return Array.from(svg.querySelectorAll(`g[aria-label="${ariaLabel}"] text`)).map((t) => t.textContent ?? '');
}

describe('figure panels', () => {
  for (const [name, plot] of PLOTS) {
    it(`${name}(results, { document }) matches its SVG snapshot`, () => {
      const svg = plot(results, { document });
      expect(svg.tagName).toBe('svg');
      expect(svg.getAttribute('font-family')).toBe('sans-serif');
      expectSvgSnapshot(serializeSvg(document, svg), name);
    });
  }

  it('plotSingularValueSpectra leaves out round-off values below the relative floor', () => {
    const svg = plotSingularValueSpectra(results, { document });
    // Mean dots: ranks 8 and 5 keep 9 and 6 components; the 1e-9 values are dropped.
    expect(svg.querySelectorAll('g[aria-label="dot"] circle').length).toBe(9 + 6);
    const ticks = texts(svg, 'y-axis tick label').filter((t) => t !== '');
    expect(Math.min(...ticks.map(Number))).toBeGreaterThan(0.1);
    const all = plotSingularValueSpectra(results, { document, relativeFloor: 0 });
    expect(all.querySelectorAll('g[aria-label="dot"] circle').length).toBe(16 + 16);
  });

  it('plotEffectiveRankComparison draws one bar per config and one dot per seed', () => {
    const svg = plotEffectiveRankComparison(results, { document });
    expect(svg.querySelectorAll('g[aria-label="bar"] rect').length).toBe(2);
    expect(svg.querySelectorAll('g[aria-label="dot"] circle').length).toBe(8);
    expect(texts(svg, 'x-axis tick label')).toEqual(['premature', 'mature']);
  });

  it('plotStayProbabilities facets by config with the four trial types', () => {
    const svg = plotStayProbabilities(results, { document });
    expect(texts(svg, 'fx-axis tick label')).toEqual(['premature', 'mature']);
    expect(texts(svg, 'x-axis tick label')).toEqual(['C+', 'C−', 'R+', 'R−', 'C+', 'C−', 'R+', 'R−']);
    expect(svg.querySelectorAll('g[aria-label="bar"] rect').length).toBe(8);
  });

  it('plotReversalAdaptation pools seeds by offset and skips missing values', () => {
    const svg = plotReversalAdaptation(results, { document });
    // 26 offsets × 2 configs; seed 1's null at offset −2 leaves the other seeds at that offset.
    expect(svg.querySelectorAll('g[aria-label="dot"] circle').length).toBe(52);
    expect(texts(svg, 'y-axis tick label')[0]).toBe('0.0');
  });

  it('panels without data say so instead of throwing', () => {
    const bare: ComparisonResults = {
      configs: [{ name: 'premature', seeds: [{ seed: 1, singularValues: [1, 0.5], effectiveRank: 1.8, responseHeterogeneity: 0.1 }] }],
    };
    for (const [name, plot] of [
      ['learning curves', plotLearningCurves],
      ['reversal curves', plotReversalAdaptation],
      ['two-stage stay probabilities', plotStayProbabilities],
    ] as const) {
      expect(texts(plot(bare, { document }), 'text')).toEqual([`no ${name}`]);
    }
    expectSvgSnapshot(serializeSvg(document, plotReversalAdaptation(bare, { document })), 'emptyPanel');
  });

  it('the legend follows the colors option and legend: false removes it', () => {
    const svg = plotLearningCurves(results, { document, colors: ['red', 'green'] });
    const legend = Array.from(svg.querySelectorAll('g[aria-label="text"] text')).filter((t) => ['premature', 'mature'].includes(t.textContent!));
    expect(legend.map((t) => t.closest('g')!.getAttribute('fill'))).toEqual(['red', 'green']);
    const without = plotLearningCurves(results, { document, legend: false });
    expect(without.textContent).not.toContain('premature');
  });

  it('normalizeSvg rounds attribute numbers and renumbers clip ids but keeps text', () => {
    const svg = '<svg class="plot-d6a7b5"><clipPath id="plot-clip-17"/><path clip-path="url(#plot-clip-17)" d="M1.23456,-0.001L2,3.999"/><text>0.123456</text></svg>';
    expect(normalizeSvg(svg)).toBe(
      '<svg class="plot">\n<clipPath id="plot-clip-1"/>\n<path clip-path="url(#plot-clip-1)" d="M1.23,0L2,4"/>\n<text>0.123456</text>\n</svg>\n',
    );
  });
});
