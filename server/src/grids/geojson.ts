import type { MultiPolygon, Polygon, Position } from 'geojson';

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
