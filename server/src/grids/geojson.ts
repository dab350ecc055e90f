import type { MultiPolygon, Polygon, Position } from 'geojson';
import { unprocessable } from '../core/errors.ts';

/**
 * The most positions one grid's boundary may have. Real boundaries are far below it: the demo's
 * grids at most 631 (median 48), Chicago's police districts 2,285 per ring, Northumbria's
 * districts 3,237. A 300,000-position ring (under the body limit) was published whole before
 * 2026-12-01 and every later topology check, tile and locate paid for it; such a boundary is an
 * undensified export or a survey trace, to be simplified before it becomes a grid.
 */
export const MAX_GRID_POSITIONS = 100_000;

/** Positions in a geometry's coordinate arrays, at any nesting (closing positions included). */
export function countPositions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0;
  if (typeof coordinates[0] === 'number') return 1;
  let n = 0;
  for (const c of coordinates) n += countPositions(c);
  return n;
}

/**
 * 422 `too_many_positions` for the first grid past MAX_GRID_POSITIONS, before any check or
 * write (publish, the dry-run check): naming the grid by code or its index in the list.
 */
export function assertPositionCap(grids: readonly { code?: string | null; geom: unknown }[]): void {
  grids.forEach((g, index) => {
    const n = countPositions((g.geom as { coordinates?: unknown } | null)?.coordinates);
    if (n > MAX_GRID_POSITIONS) {
      throw unprocessable('too_many_positions', `Grid ${g.code ?? `#${index}`} has ${n.toLocaleString('en')} positions; a grid may have at most ${MAX_GRID_POSITIONS.toLocaleString('en')} (simplify the boundary first)`,
        { index, code: g.code ?? null, positions: n, max: MAX_GRID_POSITIONS });
    }
  });
}

export type AreaGeometry = Polygon | MultiPolygon;

/** A structural problem PostGIS could not even parse, with a repair when one is obvious. */
export interface ShapeProblem {
  reason: string;
  repair?: AreaGeometry;
}

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]);

/**
 * Checks that a value is a GeoJSON Polygon or MultiPolygon PostGIS can read: numeric positions,
 * rings of at least 4 positions, closed. Self-intersections and the like are left to PostGIS's
 * ST_IsValidReason; an unclosed ring is reported here with the closed ring as the repair.
 */
export function checkShape(g: unknown): ShapeProblem | null {
  if (!g || typeof g !== 'object') return { reason: 'geometry is missing' };
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return { reason: `geometry type ${String(type)} is not Polygon or MultiPolygon` };
  if (!Array.isArray(coordinates)) return { reason: 'coordinates are missing' };
  const polygons = (type === 'Polygon' ? [coordinates] : coordinates) as unknown[];
  if (polygons.length === 0) return { reason: 'no polygons' };
  const positions = countPositions(coordinates);
  if (positions > MAX_GRID_POSITIONS) return { reason: `the boundary has ${positions.toLocaleString('en')} positions; a grid may have at most ${MAX_GRID_POSITIONS.toLocaleString('en')} (simplify it first)` };
  let unclosed = false;
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) return { reason: 'a polygon has no rings' };
    for (const ring of poly) {
      if (!Array.isArray(ring) || !ring.every(isPosition)) return { reason: 'a ring holds a position that is not [lng, lat] numbers' };
      // Grids are stored in WGS84: a position past ±180/±90 is a swapped or projected pair, and
      // PostGIS would store it without complaint (found publishing lng 200, lat 95 on 2026-12-01).
      const off = ring.find((p) => Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90);
      if (off) return { reason: `position (${off[0]}, ${off[1]}) is not a longitude/latitude in WGS84 (lng first, within ±180, ±90)` };
      if (ring.length < 3) return { reason: `a ring has ${ring.length} positions; a polygon ring needs at least 4` };
      const [a, z] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== z[0] || a[1] !== z[1]) unclosed = true;
      else if (ring.length < 4) return { reason: `a ring has ${ring.length} positions; a polygon ring needs at least 4` };
    }
  }
  if (unclosed) return { reason: 'a ring is not closed (its last position differs from its first)', repair: closeRings(g as AreaGeometry) };
  return null;
}

/** The same geometry with every ring's first position repeated at its end where missing. */
export function closeRings(g: AreaGeometry): AreaGeometry {
  const close = (ring: Position[]) => {
    const [a, z] = [ring[0], ring[ring.length - 1]];
    return a[0] === z[0] && a[1] === z[1] ? ring : [...ring, a];
  };
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(close) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(close)) };
}

/** [west, south, east, north] of a polygon geometry's positions. */
export function bbox(g: AreaGeometry): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const poly of polys) for (const ring of poly) for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}
