/**
 * Cheaper drawings of Plot's dot and vector marks, as their `render` option: the same shapes at
 * the same scaled positions, but one SVG `<path>` per colour instead of one element per datum.
 * A card with a thousand bins or a 15×15 flow field then adds a handful of nodes to the page, not
 * a thousand, which is what made its redraws (creating, styling and laying out every node) the
 * slowest frames of the viewer. The picture is the same, except that overlapping shapes of one
 * colour are filled once (no darker overlap under a fill opacity). The mark keeps its options;
 * only its drawing changes.
 */
import type { ChannelValues, Context, RenderFunction } from '@observablehq/plot';

const SVG = 'http://www.w3.org/2000/svg';
/** Two decimals of a pixel: finer than any screen, and short path text. */
const round = (value: number) => Math.round(value * 100) / 100;

function path(context: Context, d: string, fill?: string): SVGElement {
  const node = context.document.createElementNS(SVG, 'path') as SVGElement;
  if (fill !== undefined) node.setAttribute('fill', fill);
  node.setAttribute('d', d);
  return node;
}

const channel = (values: ChannelValues, name: string) => (values as Record<string, ArrayLike<unknown> | undefined>)[name];

/**
 * The mark's own group, drawn by Plot for no data: its styles (fill, opacity, stroke), the
 * half-pixel offset and its ARIA label, exactly as Plot would give them.
 */
function markGroup(next: RenderFunction | undefined, scales: Parameters<RenderFunction>[1], values: ChannelValues, dimensions: Parameters<RenderFunction>[3], context: Context): SVGElement {
  if (!next) throw new Error('pathDots and pathArrows are the render option of a Plot mark');
  return next([], scales, values, dimensions, context) as SVGElement;
}

/**
 * A dot mark's circles as one path per fill colour (each circle two arcs); the mark's other
 * options (fillOpacity, stroke) apply as they would to its circles.
 * @example
 * Plot.dot(bins, { x: 'logit', y: 'change', r: 'count', fill: 'agent', fillOpacity: 0.6, render: pathDots(2) });
 */
export function pathDots(radius = 3): RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = markGroup(next, scales, values, dimensions, context);
    const X = channel(values, 'x') as ArrayLike<number>;
    const Y = channel(values, 'y') as ArrayLike<number>;
    const R = channel(values, 'r') as ArrayLike<number> | undefined;
    const F = channel(values, 'fill');
    const byFill = new Map<string | undefined, string>();
    for (const i of index) {
      const r = R ? R[i] : radius;
      if (!(r > 0) || !Number.isFinite(X[i]) || !Number.isFinite(Y[i])) continue;
      const x = round(X[i]), y = round(Y[i]), rr = round(r);
      const fill = F ? String(F[i]) : undefined;
      byFill.set(fill, `${byFill.get(fill) ?? ''}M${round(x + rr)},${y}A${rr},${rr},0,1,1,${round(x - rr)},${y}A${rr},${rr},0,1,1,${round(x + rr)},${y}Z`);
    }
    for (const [fill, d] of byFill) g.append(path(context, d, fill));
    return g;
  };
}

/**
 * A vector mark's arrows (anchored at their middle, Plot's default) as one path: Plot's arrow
 * shape, each rotated clockwise from up by its `rotate` degrees; `r` is the mark's head size
 * (Plot's default 3.5: the wings are length × r / 17.5 long).
 * @example
 * Plot.vector(flow, { x: 'z1', y: 'z2', length: 'length', rotate: 'rotate', stroke: '#bbb', render: pathArrows() });
 */
export function pathArrows(r = 3.5): RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = markGroup(next, scales, values, dimensions, context);
    const X = channel(values, 'x') as ArrayLike<number>;
    const Y = channel(values, 'y') as ArrayLike<number>;
    const L = channel(values, 'length') as ArrayLike<number>;
    const A = channel(values, 'rotate') as ArrayLike<number> | undefined;
    let d = '';
    for (const i of index) {
      const length = L[i];
      if (!Number.isFinite(length) || !Number.isFinite(X[i]) || !Number.isFinite(Y[i])) continue;
      const angle = ((A?.[i] ?? 0) * Math.PI) / 180;
      const cos = Math.cos(angle), sin = Math.sin(angle);
      // Local frame: the arrow runs up from (0, l/2) to (0, −l/2); SVG's rotate(θ) maps (u, v) to (u cosθ − v sinθ, u sinθ + v cosθ).
      const at = (u: number, v: number) => `${round(X[i] + u * cos - v * sin)},${round(Y[i] + u * sin + v * cos)}`;
      const wing = (length * r) / 17.5;
      const tip = at(0, -length / 2);
      d += `M${at(0, length / 2)}L${tip}M${at(-wing, wing - length / 2)}L${tip}L${at(wing, wing - length / 2)}`;
    }
    if (d) g.append(path(context, d));
    return g;
  };
}
