import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../core/db.ts';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'fixtures');

/** A fixture from fixtures/, named after its case. */
export function fixture(name: string): FeatureCollection<Polygon | MultiPolygon, { name?: string; code?: string }> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.geojson`), 'utf8'));
}

export const square = (x0: number, y0: number, x1: number, y1: number): Polygon =>
  ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

/**
 * A jurisdiction far from the origin (Beijing): tier 1 street 110101001 = the fixtures' parent
 * community square (116.40–116.42 E, 39.90–39.91 N), tier 2 empty; `perHalf` households as
 * points in each half (west, east).
 */
export async function seedStreet(q: Queryable, name: string, opts: { perHalf?: number; min?: number; max?: number } = {}): Promise<number> {
  const { rows } = await q.query<{ id: number }>('INSERT INTO jurisdictions (name, households_min, households_max) VALUES ($1, $2, $3) RETURNING id',
    [name, opts.min ?? 100, opts.max ?? 500]);
  const jid = rows[0].id;
  await q.query("INSERT INTO tiers VALUES ($1, 1, '街道', 'Street'), ($1, 2, '社区', 'Community')", [jid]);
  await q.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, geom, valid_from) VALUES ($1, 1, '110101001', 'East street', ST_Multi(ST_GeomFromGeoJSON($2)), now() - interval '1 day')`,
    [jid, JSON.stringify(square(116.40, 39.90, 116.42, 39.91))]);
  const n = opts.perHalf ?? 150;
  if (n === 0) return jid;
  // One household per point, spread in a line through the middle of each half.
  await q.query(`INSERT INTO households (jurisdiction_id, geom, pt, households)
                 SELECT $1, p, p, 1 FROM (SELECT ST_SetSRID(ST_MakePoint(116.4005 + (i % 2) * 0.01 + (i / 2) * (0.009 / $2::int), 39.905), 4326) AS p
                                            FROM generate_series(0, 2 * $2::int - 1) i) s`, [jid, n]);
  return jid;
}
