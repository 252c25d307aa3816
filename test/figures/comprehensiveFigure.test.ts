import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPREHENSIVE_FIGURE_PANELS, renderComprehensiveFigure } from '../../src/figures/renderComprehensiveFigure.js';
import { canRenderText, createComprehensiveFigure, rasterizeSvg, writeFigure } from '../../actors/io/writeFigure.js';
import { syntheticComparisonResults } from './syntheticResults.js';
import { expectSvgSnapshot } from './svgSnapshot.js';

const results = syntheticComparisonResults();
const directory = mkdtempSync(join(tmpdir(), 'figures-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('renderComprehensiveFigure', () => {
  it('renderComprehensiveFigure(results, { document }) matches its SVG snapshot', () => {
    const { document } = new JSDOM('').window;
    const svg = renderComprehensiveFigure(results, { document });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectSvgSnapshot(svg, 'comprehensiveFigure');
  });

  it('renderComprehensiveFigure composes six titled panels in a 3 × 2 grid under one root', () => {
    const { window } = new JSDOM('');
    const svg = renderComprehensiveFigure(results, { document: window.document, panelWidth: 300, panelHeight: 200 });
    const root = new window.DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
    expect(root.querySelector('parsererror')).toBeNull();
    expect(root.querySelectorAll('svg').length).toBe(0);
    expect(root.querySelectorAll('style').length).toBe(0);
    const titles = Array.from(root.children).filter((e) => e.tagName === 'text').map((e) => e.textContent);
    expect(titles).toEqual([
      'Developmental comparison (reversal)',
      'premature',
      'mature',
      ...COMPREHENSIVE_FIGURE_PANELS.map((p, i) => `${'ABCDEF'[i]}  ${p.title}`),
    ]);
    const offsets = Array.from(root.children)
      .filter((e) => e.tagName === 'g')
      .map((g) => g.getAttribute('transform'));
    // padding 12, title 26, legend 20, panel title 18, cell height 18 + 200 + 12.
    expect(offsets).toEqual([
      'translate(12,76)', 'translate(324,76)', 'translate(636,76)',
      'translate(12,306)', 'translate(324,306)', 'translate(636,306)',
    ]);
    expect(root.getAttribute('width')).toBe(String(12 + 3 * 312));
    expect(root.getAttribute('height')).toBe(String(12 + 26 + 20 + 2 * 230));
  });
});

describe('writeFigure and createComprehensiveFigure', () => {
  it('createComprehensiveFigure(results, "x.png") writes a PNG at twice the SVG size', async () => {
    const path = join(directory, 'nested', 'comparison.png');
    const written = await createComprehensiveFigure(results, path);
    const png = readFileSync(path);
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 2 * 1128, height: 2 * 638 });
    expect(written).toEqual({ path, format: 'png', width: 2256, height: 1276 });
  });

  it('createComprehensiveFigure(results, "x.svg") writes a standalone SVG file', async () => {
    const path = join(directory, 'comparison.svg');
    const written = await createComprehensiveFigure(results, path, { title: '' });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text).not.toContain('Developmental comparison');
    expect(written).toEqual({ path, format: 'svg', width: 1128, height: 612 });
    // The written file rasterises, i.e. it is well-formed XML for resvg.
    expect(rasterizeSvg(text, { scale: 0.5 }).width).toBe(564);
  });

  it('writeFigure rejects paths that are neither .svg nor .png', async () => {
    await expect(writeFigure('<svg xmlns="http://www.w3.org/2000/svg"/>', join(directory, 'figure.pdf'))).rejects.toThrow(
      /figure path must end in \.svg or \.png, got ".*figure\.pdf"/,
    );
  });

  it('rasterizeSvg draws text with the system fonts (no fonts would leave PNG figures without labels)', () => {
    expect(canRenderText()).toBe(true);
    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"></svg>';
    const label = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text x="2" y="15" font-family="system-ui, sans-serif" font-size="12">rank 5</text></svg>';
    const dark = (pixels: Buffer) => {
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) n += 1;
      return n;
    };
    expect(dark(rasterizeSvg(blank, { scale: 1 }).pixels)).toBe(0);
    expect(dark(rasterizeSvg(label, { scale: 1 }).pixels)).toBeGreaterThan(20);
  });

  it('rasterizeSvg validates the scale', () => {
    expect(() => rasterizeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', { scale: 0 })).toThrow('scale must be a number in (0, 16], got 0');
  });
});
