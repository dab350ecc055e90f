/**
 * POST /api/hotspots/gi: Gi* on the analyst's own points or polygons, so results can be checked
 * against esda, ArcGIS or GeoDa. Geometry work (CRS, centroids, shared edges) is PostGIS's; the
 * statistic is gi.ts.
 */
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { badRequest, unprocessable } from '../core/errors.ts';
import { runGi, type GiRun } from './analysis.ts';
import { fromLists, type Neighbours, type Transform } from './gi.ts';
import { distanceBand, knn, type Metric } from './weights.ts';

export type NeighbourSpec = { type: 'distance'; meters: number } | { type: 'knn'; k: number } | { type: 'contiguity' };

export interface Feature { type: 'Feature'; geometry: { type: string; coordinates?: unknown; geometries?: unknown } | null; properties: Record<string, unknown> | null; [k: string]: unknown }

export interface GiBody {
  crs: string;
  field: string;
  neighbours: NeighbourSpec;
  permutations?: number;
  transform?: Transform;
  fdr?: boolean;
  seed?: number;
  features: { type: 'FeatureCollection'; features: Feature[]; [k: string]: unknown };
}

export const MAX_FEATURES = 10_000;
const POLYGONAL = new Set(['Polygon', 'MultiPolygon']);

/** 'EPSG:4326', 'epsg:3857', 'urn:ogc:def:crs:EPSG::4547', 'OGC:CRS84' → an EPSG code. */
export function parseCrs(crs: string): number | null {
  const s = crs.trim();
  if (/^(urn:ogc:def:crs:)?OGC:(1\.3:)?CRS84$/i.test(s)) return 4326;
  const m = /^(?:urn:ogc:def:crs:)?EPSG:(?:[0-9.]*:)?(\d{4,6})$/i.exec(s);
  return m ? Number(m[1]) : null;
}

export async function giOnFeatures(q: Queryable, body: GiBody): Promise<{ run: GiRun; crs: { srid: number; metric: Metric } }> {
  const features = body.features.features;
  if (features.length < 3) throw unprocessable('too_few_features', `Gi* needs at least 3 features (got ${features.length}); 30 or more are advised`);
  if (features.length > MAX_FEATURES) throw unprocessable('too_many_features', `At most ${MAX_FEATURES} features per request (got ${features.length})`);

  const srid = parseCrs(body.crs);
  if (srid === null) throw badRequest('invalid_crs', `crs must look like "EPSG:4326" (got "${body.crs}")`);
  const { rows: crsRows } = await q.query<{ srid: number; proj4text: string }>(sqlFile(import.meta.url, 'sql/crs.sql'), [srid]);
  if (crsRows.length === 0) throw badRequest('unknown_crs', `EPSG:${srid} is not in PostGIS's spatial_ref_sys`);
  const proj = crsRows[0].proj4text ?? '';
  const geographic = /\+proj=(longlat|latlong)\b/.test(proj);
  const metresCrs = !geographic && /\+units=m\b/.test(proj);

  const values: number[] = [];
  const bad: number[] = [];
  features.forEach((f, i) => {
    const v = f.properties?.[body.field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) bad.push(i);
    values.push(n);
  });
  if (bad.length > 0) throw unprocessable('field_not_numeric', `Property "${body.field}" is missing or not a number in ${bad.length} feature(s)`, { features: bad.slice(0, 50) });
  if (values.every((v) => v === values[0])) throw unprocessable('no_variation', `Property "${body.field}" has the same value in every feature; Gi* is undefined`);
  const missingGeom = features.flatMap((f, i) => (f.geometry ? [] : [i]));
  if (missingGeom.length > 0) throw unprocessable('missing_geometry', `${missingGeom.length} feature(s) have no geometry`, { features: missingGeom.slice(0, 50) });

  const badCoords = features.flatMap((f, i) => (coordinatesOk(f.geometry!.coordinates) ? [] : [i]));
  if (badCoords.length > 0) throw badRequest('invalid_geometry', `${badCoords.length} geometry(ies) have coordinates that are not pairs of finite numbers`, { features: badCoords.slice(0, 50) });
  // Both PostGIS versions must answer alike: 3.3 accepts rings 3.6 refuses, so check here.
  const badRings = features.flatMap((f, i) => (ringsOk(f.geometry!.type, f.geometry!.coordinates) ? [] : [i]));
  if (badRings.length > 0) throw badRequest('invalid_geometry', `${badRings.length} polygon(s) have a ring that is not closed or has fewer than 4 positions`, { features: badRings.slice(0, 50) });
  const geoms = JSON.stringify(features.map((f) => f.geometry));
  let centroids: { i: number; x: number | null; y: number | null; lon: number | null; lat: number | null; valid: boolean; empty: boolean }[];
  try {
    centroids = (await q.query(sqlFile(import.meta.url, 'sql/features.sql'), [geoms, srid])).rows as typeof centroids;
  } catch (err) {
    throw badRequest('invalid_geometry', `A geometry could not be read: ${(err as Error).message.slice(0, 200)}`);
  }
  const empty = centroids.flatMap((c) => (c.empty || c.x === null ? [c.i] : []));
  if (empty.length > 0) throw unprocessable('empty_geometry', `${empty.length} feature(s) have an empty geometry`, { features: empty.slice(0, 50) });
  if (geographic && centroids.some((c) => Math.abs(c.y!) > 90 || Math.abs(c.x!) > 180)) {
    throw unprocessable('coordinates_out_of_range', `Coordinates are outside longitude/latitude ranges; is the crs (EPSG:${srid}) right?`);
  }

  // Projected metres: planar distances in that CRS (what ArcGIS and libpysal do). Degrees, or a
  // projection in other units: great-circle metres on the WGS84 centroids.
  const metric: Metric = metresCrs ? 'planar' : 'sphere';
  const xs = centroids.map((c) => (metric === 'planar' ? c.x! : c.lon!));
  const ys = centroids.map((c) => (metric === 'planar' ? c.y! : c.lat!));

  let w: Neighbours;
  const nb = body.neighbours;
  if (nb.type === 'distance') w = distanceBand(xs, ys, nb.meters, metric);
  else if (nb.type === 'knn') {
    if (nb.k >= features.length) throw unprocessable('k_too_large', `k (${nb.k}) must be smaller than the number of features (${features.length})`);
    w = knn(xs, ys, nb.k, metric);
  } else {
    const notPolygons = features.flatMap((f, i) => (POLYGONAL.has(f.geometry!.type) ? [] : [i]));
    if (notPolygons.length > 0) throw unprocessable('contiguity_needs_polygons', `Shared-edge contiguity needs Polygon or MultiPolygon features; ${notPolygons.length} are not`, { features: notPolygons.slice(0, 50) });
    let rows: { i: number; j: number }[];
    try {
      rows = (await q.query<{ i: number; j: number }>(sqlFile(import.meta.url, 'sql/contiguity.sql'), [geoms, srid])).rows;
    } catch (err) {
      throw badRequest('invalid_geometry', `Shared edges could not be computed: ${(err as Error).message.slice(0, 200)}`);
    }
    const lists: number[][] = features.map(() => []);
    for (const r of rows) { lists[r.i].push(r.j); lists[r.j].push(r.i); }
    w = fromLists(lists.map((l) => l.sort((a, b) => a - b)));
  }
  const run = runGi(values, w, { transform: body.transform, permutations: body.permutations, seed: body.seed, fdr: body.fdr });
  const invalid = centroids.filter((c) => !c.valid).map((c) => c.i);
  if (invalid.length > 0) run.warnings.push(`${invalid.length} geometry(ies) are not valid (first: ${invalid.slice(0, 10).join(', ')}); their centroids and shared edges may be off.`);
  return { run, crs: { srid, metric } };
}

/** Nested arrays whose leaves are positions of 2–4 finite numbers. */
function coordinatesOk(c: unknown): boolean {
  if (!Array.isArray(c) || c.length === 0) return false;
  if (typeof c[0] === 'number' || typeof c[0] === 'string') return c.length >= 2 && c.length <= 4 && c.every((v) => typeof v === 'number' && Number.isFinite(v));
  return c.every(coordinatesOk);
}

/** Polygon rings are closed and have at least 4 positions (RFC 7946 §3.1.6). */
function ringsOk(type: string, c: unknown): boolean {
  const ring = (r: number[][]) => r.length >= 4 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1];
  if (type === 'Polygon') return (c as number[][][]).every(ring);
  if (type === 'MultiPolygon') return (c as number[][][][]).every((p) => p.every(ring));
  return true;
}
