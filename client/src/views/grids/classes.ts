import type { ExpressionSpecification } from 'maplibre-gl';

/** The figures a grid can be coloured by. */
export type Figure = 'households' | 'density' | 'open100';

/** Sequential palette, light → dark (ColorBrewer YlGnBu without its near-white first step, so class 1 stands off the basemap). */
export const PALETTE = ['#c7e9b4', '#7fcdbb', '#41b6c4', '#2c7fb8', '#253494'] as const;
/** Grids without the figure (e.g. incidents per 100 households of a grid with no households). */
export const NO_DATA = '#bdbdbd';
/** Fill opacity of the choropleth: the basemap still shows through a little. */
export const FILL_OPACITY = 0.85;

export interface Classes {
  /** Upper bounds of each class but the last (ascending, distinct). Class i holds values ≤ breaks[i]. */
  breaks: number[];
  colours: string[];
  min: number;
  max: number;
  /** Grids per class. */
  counts: number[];
}

/**
 * Quantile classes: each class holds about the same number of grids. Breaks are taken at
 * the values at the i/k positions of the sorted list, so equal values never straddle two
 * classes; duplicate breaks are merged, so k can shrink (a tier of 3 grids gets ≤ 3 classes).
 */
export function quantileClasses(values: number[], k = PALETTE.length): Classes | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const breaks: number[] = [];
  for (let i = 1; i < k; i++) {
    const b = v[Math.min(v.length - 1, Math.ceil((i * v.length) / k) - 1)];
    if (b < v[v.length - 1] && (breaks.length === 0 || b > breaks[breaks.length - 1])) breaks.push(b);
  }
  const n = breaks.length + 1;
  // Spread the palette over fewer classes so that the darkest colour always means "highest".
  const colours = Array.from({ length: n }, (_, i) => PALETTE[n === 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (n - 1))]);
  const counts = new Array<number>(n).fill(0);
  for (const x of v) counts[classOf(x, breaks)]++;
  return { breaks, colours, min: v[0], max: v[v.length - 1], counts };
}

export function classOf(x: number, breaks: number[]): number {
  let i = 0;
  while (i < breaks.length && x > breaks[i]) i++;
  return i;
}

/**
 * A fill-color for the grids tiles: a `match` on the grid code, with the colour of each grid's
 * class worked out here (the figures come from /api/grids or the tiles, not all from one place,
 * so the tile property cannot be styled directly). Codes not listed stay transparent.
 */
export function fillColour(values: Map<string, number | null>, classes: Classes | null): ExpressionSpecification | string {
  const pairs: string[] = [];
  for (const [code, x] of values) {
    pairs.push(code, x === null || !classes ? NO_DATA : classes.colours[classOf(x, classes.breaks)]);
  }
  if (pairs.length === 0) return 'rgba(0,0,0,0)';
  return ['match', ['get', 'code'], ...pairs, 'rgba(0,0,0,0)'] as unknown as ExpressionSpecification;
}

/** A legend label for class i: "≤ b0", "b0 – b1", …, "> b(n-2)". */
export function classLabel(c: Classes, i: number, fmt: (x: number) => string): string {
  if (c.breaks.length === 0) return `${fmt(c.min)} – ${fmt(c.max)}`;
  const lo = i === 0 ? c.min : c.breaks[i - 1];
  const hi = i === c.breaks.length ? c.max : c.breaks[i];
  return i === 0 ? `${fmt(lo)} – ${fmt(hi)}` : `> ${fmt(lo)} – ${fmt(hi)}`;
}
