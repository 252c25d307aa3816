import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathArrows, pathDots } from '../../web/charts/pathMarks.js';

const { window } = new JSDOM('');

/** Deterministic scattered data: two facets, three colours, sizes 1..9. */
const rows = Array.from({ length: 90 }, (_, i) => ({
  x: Math.sin(i * 1.7) * 3, y: Math.cos(i * 0.9) * 2, count: 1 + (i * 7) % 9, agent: ['a', 'b', 'c'][i % 3], panel: i % 2 ? 'left' : 'right',
  length: 0.2 + ((i * 13) % 10) / 10, rotate: (i * 37) % 360,
}));
const numbers = (text: string) => (text.match(/-?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? []).map(Number);
const expectClose = (actual: number[][], expected: number[][]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - expected[i][j])).toBeLessThan(0.02)));
};
/** The mark's group (Plot's ARIA label and offset) and its group in each facet. */
const byFacet = (svg: Element, mark: string) => {
  const group = svg.querySelector(`g[aria-label="${mark}"]`)!;
  return { transform: group.getAttribute('transform'), facets: Array.from(group.children) };
};

describe('path marks (jsdom)', () => {
  beforeAll(() => {
    Object.assign(globalThis, { window, document: window.document });
  });

  it('pathDots() draws, facet by facet, exactly the circles Plot.dot draws (centre, radius, fill, opacity, offset), as one path per colour', () => {
    const options = { fx: 'panel', x: 'x', y: 'y', r: 'count', fill: 'agent' } as const;
    const plot = (mark: Plot.Markish) => Plot.plot({ width: 500, height: 300, r: { range: [1, 6] }, marks: [mark], document: window.document }) as unknown as Element;
    const { transform, facets: plain } = byFacet(plot(Plot.dot(rows, { ...options, fillOpacity: 0.6 })), 'dot');
    const paths = byFacet(plot(Plot.dot(rows, { ...options, fillOpacity: 0.6, render: pathDots() })), 'dot');
    expect(paths.transform).toBe(transform);
    expect(paths.facets.length).toBe(2);
    paths.facets.forEach((group, facet) => {
      for (const attribute of ['transform', 'fill-opacity', 'stroke']) expect(group.getAttribute(attribute)).toBe(plain[facet].getAttribute(attribute));
      // One path per agent colour, however many dots.
      expect(group.querySelectorAll('path').length).toBe(3);
      expect(group.querySelectorAll('circle').length).toBe(0);
      type Circle = readonly [string, number, number, number];
      const circles = Array.from(plain[facet].querySelectorAll('circle'), (c): Circle => [c.getAttribute('fill')!, Number(c.getAttribute('cx')), Number(c.getAttribute('cy')), Number(c.getAttribute('r'))]);
      const drawn = Array.from(group.querySelectorAll('path')).flatMap((path) =>
        [...path.getAttribute('d')!.matchAll(/M([^,]+),([^A]+)A([^,]+),/g)].map((m): Circle => [path.getAttribute('fill')!, Number(m[1]) - Number(m[3]), Number(m[2]), Number(m[3])]));
      const sorted = (list: Circle[]) => [...list].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
      expect(sorted(drawn).map((c) => c[0])).toEqual(sorted(circles).map((c) => c[0]));
      expectClose(sorted(drawn).map((c) => c.slice(1) as number[]), sorted(circles).map((c) => c.slice(1) as number[]));
    });
  });

  it('pathArrows() draws, facet by facet, exactly the arrows Plot.vector draws (shaft and wings, rotated and anchored at the middle), as one path', () => {
    const options = { fx: 'panel', x: 'x', y: 'y', length: 'length', rotate: 'rotate' } as const;
    const plot = (mark: Plot.Markish) => Plot.plot({ width: 500, height: 300, length: { range: [2, 14] }, marks: [mark], document: window.document }) as unknown as Element;
    const { transform, facets: plain } = byFacet(plot(Plot.vector(rows, { ...options, stroke: '#bbb', strokeWidth: 1 })), 'vector');
    const paths = byFacet(plot(Plot.vector(rows, { ...options, stroke: '#bbb', strokeWidth: 1, render: pathArrows() })), 'vector');
    expect(paths.transform).toBe(transform);
    expect(paths.facets.length).toBe(2);
    paths.facets.forEach((group, facet) => {
      for (const attribute of ['transform', 'stroke', 'stroke-width', 'fill', 'stroke-linecap']) expect(group.getAttribute(attribute)).toBe(plain[facet].getAttribute(attribute));
      expect(group.querySelectorAll('path').length).toBe(1);
      // Plot: translate(x, y) rotate(θ) translate(0, h) applied to its path's points.
      const expected = Array.from(plain[facet].querySelectorAll('path')).flatMap((path) => {
        const [x, y, angle, , h] = numbers(path.getAttribute('transform')!);
        const c = Math.cos((angle * Math.PI) / 180), s = Math.sin((angle * Math.PI) / 180);
        const local = numbers(path.getAttribute('d')!);
        return Array.from({ length: local.length / 2 }, (_, k) => [x + local[2 * k] * c - (local[2 * k + 1] + h) * s, y + local[2 * k] * s + (local[2 * k + 1] + h) * c]);
      });
      const drawn = numbers(group.querySelector('path')!.getAttribute('d')!);
      expectClose(Array.from({ length: drawn.length / 2 }, (_, k) => [drawn[2 * k], drawn[2 * k + 1]]), expected);
    });
  });
});
