/**
 * Neighbour builders for Gi*: distance band, k nearest neighbours (both on planar metres or on
 * the sphere), and H3 k-rings. Shared-edge contiguity needs polygons and is done in PostGIS
 * (sql/contiguity.sql). All return binary Neighbours without self (gi() adds self for Gi*).
 */
import { gridDisk } from 'h3-js';
import { fromLists, type Neighbours } from './gi.ts';

export type Metric = 'planar' | 'sphere';
const R = 6371008.8; // mean Earth radius (m), as libpysal's arc distances and ArcGIS's chordal ones assume a sphere
const RAD = Math.PI / 180;

/** Great-circle distance in metres between lon/lat degrees (haversine). */
export function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

function distFn(metric: Metric): (x1: number, y1: number, x2: number, y2: number) => number {
  return metric === 'planar' ? (x1, y1, x2, y2) => Math.hypot(x2 - x1, y2 - y1) : haversine;
}

/**
 * Every pair closer than or at `threshold` metres (libpysal's DistanceBand uses ≤). Bucketed so it
 * stays near-linear: buckets of the threshold's size, in metres for planar or degrees for the sphere.
 */
export function distanceBand(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number, metric: Metric): Neighbours {
  const n = xs.length;
  const dist = distFn(metric);
  let maxAbsLat = 0;
  for (let i = 0; i < n; i++) maxAbsLat = Math.max(maxAbsLat, Math.abs(ys[i]));
  const cellY = metric === 'planar' ? threshold : threshold / R / RAD;
  const cellX = metric === 'planar' ? threshold : cellY / Math.max(Math.cos(Math.min(maxAbsLat, 89.9) * RAD), 1e-6);
  const buckets = new Map<string, number[]>();
  const key = (bx: number, by: number) => `${bx}:${by}`;
  for (let i = 0; i < n; i++) {
    const k = key(Math.floor(xs[i] / cellX), Math.floor(ys[i] / cellY));
    const b = buckets.get(k);
    if (b) b.push(i); else buckets.set(k, [i]);
  }
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const bx = Math.floor(xs[i] / cellX);
    const by = Math.floor(ys[i] / cellY);
    const out: number[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of buckets.get(key(bx + dx, by + dy)) ?? []) {
          if (j !== i && dist(xs[i], ys[i], xs[j], ys[j]) <= threshold) out.push(j);
        }
      }
    }
    out.sort((a, b) => a - b);
    lists.push(out);
  }
  return fromLists(lists);
}

/**
 * The k nearest other features of each feature (not symmetrised, as libpysal's KNN and ArcGIS's
 * K_NEAREST_NEIGHBORS); ties go to the lower input index. Brute force: O(n²), fine to ~10k.
 */
export function knn(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, metric: Metric): Neighbours {
  const n = xs.length;
  const kk = Math.min(k, n - 1);
  const dist = distFn(metric);
  const d = new Float64Array(n);
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) { d[j] = j === i ? Number.POSITIVE_INFINITY : dist(xs[i], ys[i], xs[j], ys[j]); }
    // Partial selection of the kk smallest (insertion into a small sorted buffer).
    const best: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (best.length < kk || d[j] < d[best[best.length - 1]]) {
        let pos = best.length;
        while (pos > 0 && d[best[pos - 1]] > d[j]) pos--;
        best.splice(pos, 0, j);
        if (best.length > kk) best.pop();
      }
    }
    lists.push(best.sort((a, b) => a - b));
  }
  return fromLists(lists);
}

/** Neighbours within k rings of each H3 cell, among the given cells only. */
export function kRing(cells: string[], k: number): Neighbours {
  const pos = new Map<string, number>();
  cells.forEach((c, i) => pos.set(c, i));
  const lists = cells.map((c) => {
    const out: number[] = [];
    for (const d of gridDisk(c, k)) {
      const j = pos.get(d);
      if (j !== undefined && d !== c) out.push(j);
    }
    return out.sort((a, b) => a - b);
  });
  return fromLists(lists);
}
