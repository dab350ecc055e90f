import { cellToBoundary, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { MultiPolygon, Polygon } from 'geojson';
import { signalOf } from './abort.ts';
import { rng } from './rng.ts';

/**
 * The two baselines a proposal is compared with, on the same input: an H3 tiling at the
 * resolution whose cell count is closest to k, and a household-weighted k-means (the cells are
 * the Voronoi cells of the k centres, clipped to the area in SQL).
 */

/** H3 cells (as GeoJSON polygons) overlapping the area, at the resolution whose count is closest to k. */
export function h3Tiling(area: Polygon | MultiPolygon, k: number): { resolution: number; cells: Polygon[] } {
  const polys = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const cellsAt = (res: number) => {
    const set = new Set<string>();
    for (const p of polys) for (const c of polygonToCellsExperimental(p, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) set.add(c);
    return [...set].sort();
  };
  const signal = signalOf();
  let best: { resolution: number; ids: string[] } | null = null;
  for (let res = 5; res <= 13; res++) {
    signal?.throwIfAborted();
    const ids = cellsAt(res);
    if (!best || Math.abs(Math.log(ids.length / k)) < Math.abs(Math.log(best.ids.length / k))) best = { resolution: res, ids };
    if (ids.length > k * 7) break;
  }
  const ids = best?.ids ?? [];
  return {
    resolution: best?.resolution ?? 0,
    cells: ids.map((id) => ({ type: 'Polygon', coordinates: [cellToBoundary(id, true)] })),
  };
}

export interface WeightedPoint { lng: number; lat: number; w: number }

/** Household-weighted k-means (k-means++ seeding, Lloyd iterations) in local metres; returns the centres. */
export function weightedKMeans(points: WeightedPoint[], k: number, seed: number, iterations = 30, signal = signalOf()): { lng: number; lat: number }[] {
  const pts = points.filter((p) => p.w > 0);
  if (pts.length === 0 || k <= 0) return [];
  k = Math.min(k, pts.length);
  const random = rng(seed);
  const lat0 = pts.reduce((s, p) => s + p.lat, 0) / pts.length;
  const kx = Math.cos((lat0 * Math.PI) / 180);
  const X = pts.map((p) => p.lng * kx);
  const Y = pts.map((p) => p.lat);
  const cx: number[] = [];
  const cy: number[] = [];
  const total = pts.reduce((s, p) => s + p.w, 0);
  let r = random() * total;
  let first = 0;
  for (let i = 0; i < pts.length; i++) { r -= pts[i].w; if (r <= 0) { first = i; break; } }
  cx.push(X[first]); cy.push(Y[first]);
  const d2 = X.map((x, i) => (x - cx[0]) ** 2 + (Y[i] - cy[0]) ** 2);
  while (cx.length < k) {
    signal?.throwIfAborted();
    const sum = d2.reduce((s, d, i) => s + d * pts[i].w, 0);
    let pick = 0;
    let x = random() * sum;
    for (let i = 0; i < pts.length; i++) { x -= d2[i] * pts[i].w; if (x <= 0) { pick = i; break; } }
    cx.push(X[pick]); cy.push(Y[pick]);
    for (let i = 0; i < pts.length; i++) d2[i] = Math.min(d2[i], (X[i] - X[pick]) ** 2 + (Y[i] - Y[pick]) ** 2);
  }
  for (let it = 0; it < iterations; it++) {
    signal?.throwIfAborted();
    const ax = new Float64Array(k); const ay = new Float64Array(k); const aw = new Float64Array(k);
    for (let i = 0; i < pts.length; i++) {
      let best = 0; let bd = Infinity;
      for (let c = 0; c < k; c++) { const d = (X[i] - cx[c]) ** 2 + (Y[i] - cy[c]) ** 2; if (d < bd) { bd = d; best = c; } }
      ax[best] += X[i] * pts[i].w; ay[best] += Y[i] * pts[i].w; aw[best] += pts[i].w;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) if (aw[c] > 0) {
      const nx = ax[c] / aw[c]; const ny = ay[c] / aw[c];
      shift = Math.max(shift, Math.abs(nx - cx[c]) + Math.abs(ny - cy[c]));
      cx[c] = nx; cy[c] = ny;
    }
    if (shift < 1e-9) break;
  }
  return cx.map((x, c) => ({ lng: x / kx, lat: cy[c] }));
}
