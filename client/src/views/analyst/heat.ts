/**
 * The kernel of the heatmap, in metres. deck.gl's HeatmapLayer draws each weighted point as a
 * Gaussian with σ = radiusPixels / 6 (its weights shader: exp(-u² / 0.0555) for u = r / radius),
 * in screen pixels. Fed from a lattice of H3 cell centres, a fixed 40 px radius left every
 * centre a separate dot wherever the cells were more than ≈ 15 px apart on screen — the
 * heatmap of an H3 layer looked like a pin cushion, and changed shape with the zoom. So the
 * radius follows the zoom: σ is half the spacing of neighbouring cell centres, in metres, which
 * blends the lattice into one surface (on a hexagonal lattice the ripple of a Gaussian sum at
 * σ = d/2 is under 1 %) and is still the finest bandwidth the cells can carry.
 */
import { cellToLatLng, getHexagonEdgeLengthAvg, UNITS } from 'h3-js';
import type { H3Cell } from './api.ts';

export interface HeatPoint { position: [number, number]; weight: number }

/** deck.gl's bounds on radiusPixels. */
const MIN_RADIUS = 12;
const MAX_RADIUS = 100;
/** σ = radiusPixels / SIGMA_PER_RADIUS in deck.gl's kernel. */
const SIGMA_PER_RADIUS = 1 / 6;
const EARTH_CIRCUMFERENCE_M = 2 * Math.PI * 6378137;

/** Ground metres per CSS pixel at a MapLibre zoom (512 px tiles) and latitude. */
export function metresPerPixel(zoom: number, lat: number): number {
  return (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** Distance between the centres of neighbouring H3 cells of a resolution, on average (√3 × edge). */
export function cellSpacingMetres(res: number): number {
  return Math.sqrt(3) * getHexagonEdgeLengthAvg(res, UNITS.m);
}

export interface HeatKernel {
  radiusPixels: number;
  /** The kernel's σ on the ground, after deck.gl's bounds on the radius. */
  sigmaMetres: number;
}

/** The radius that gives σ = half the cell spacing at this zoom, within deck.gl's bounds. */
export function heatKernel(res: number, zoom: number, lat: number): HeatKernel {
  const mpp = metresPerPixel(zoom, lat);
  const wanted = cellSpacingMetres(res) / 2 / SIGMA_PER_RADIUS / mpp;
  const radiusPixels = Math.round(Math.min(MAX_RADIUS, Math.max(MIN_RADIUS, wanted)));
  return { radiusPixels, sigmaMetres: radiusPixels * SIGMA_PER_RADIUS * mpp };
}

/** Cell centres weighted by their count (or rate); empty cells add nothing. */
export function heatPoints(cells: H3Cell[], metric: 'count' | 'rate'): HeatPoint[] {
  const points: HeatPoint[] = [];
  for (const c of cells) {
    const w = metric === 'rate' ? c.rate : c.count;
    if (!w) continue;
    const [lat, lng] = cellToLatLng(c.cell);
    points.push({ position: [lng, lat], weight: w });
  }
  return points;
}
