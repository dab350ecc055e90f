import gcoord from 'gcoord';
import type { Queryable } from '../core/db.ts';
import { badRequest } from '../core/errors.ts';
import type { LngLat } from './locate.ts';

/**
 * A declared coordinate reference system. WGS84 and CGCS2000 (EPSG:4490, within centimetres of
 * WGS84 at city scale) pass through; GCJ-02 and BD-09, the offsets Chinese phones and web maps
 * report, go through gcoord; any other EPSG code PostGIS knows (projected ones such as
 * EPSG:27700 or CGCS2000 Gauss–Krüger zones) through ST_Transform.
 */
export type Crs = { kind: 'wgs84' } | { kind: 'gcj02' } | { kind: 'bd09' } | { kind: 'epsg'; srid: number };

export const CRS_PATTERN = '^(?:[Ww][Gg][Ss]-?84|[Cc][Gg][Cc][Ss]2000|[Gg][Cc][Jj]-?02|[Bb][Dd]-?09|(?:[Ee][Pp][Ss][Gg]:)?[0-9]{4,6})$';

export function parseCrs(value: string | undefined | null): Crs {
  if (!value) return { kind: 'wgs84' };
  const v = value.trim().toUpperCase().replace(/[-_ ]/g, '');
  if (v === 'WGS84' || v === 'CGCS2000') return { kind: 'wgs84' };
  if (v === 'GCJ02') return { kind: 'gcj02' };
  if (v === 'BD09') return { kind: 'bd09' };
  const m = /^(?:EPSG:)?(\d{4,6})$/.exec(v);
  if (m) {
    const srid = Number(m[1]);
    return srid === 4326 || srid === 4490 ? { kind: 'wgs84' } : { kind: 'epsg', srid };
  }
  throw badRequest('unknown_crs', `Unknown crs "${value}": use WGS84, CGCS2000, GCJ-02, BD-09 or EPSG:<code>`);
}

/** Points converted to WGS84, in input order; refuses coordinates the declared CRS cannot have. */
export async function toWgs84(q: Queryable, points: LngLat[], crs: Crs): Promise<LngLat[]> {
  let out: LngLat[];
  if (crs.kind === 'epsg') {
    await assertKnownSrid(q, crs.srid);
    const { rows } = await q.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
         SELECT i, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), $3), 4326) AS p
           FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) s ORDER BY i`,
      [points.map((p) => p.lng), points.map((p) => p.lat), crs.srid]);
    out = rows.map((r) => ({ lng: r.x, lat: r.y }));
  } else {
    checkGeographic(points, crs.kind === 'wgs84' ? 'WGS84' : crs.kind === 'gcj02' ? 'GCJ-02' : 'BD-09');
    if (crs.kind === 'wgs84') return points;
    const from = crs.kind === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
    out = points.map((p) => {
      const [lng, lat] = gcoord.transform([p.lng, p.lat], from, gcoord.WGS84) as [number, number];
      return { lng, lat };
    });
  }
  checkGeographic(out, 'WGS84 after conversion');
  return out;
}

export async function assertKnownSrid(q: Queryable, srid: number): Promise<void> {
  const { rows } = await q.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid]);
  if (rows.length === 0) throw badRequest('unknown_crs', `EPSG:${srid} is not a coordinate system PostGIS knows`);
}

function checkGeographic(points: LngLat[], name: string): void {
  const bad = points.findIndex((p) => !(Math.abs(p.lng) <= 180 && Math.abs(p.lat) <= 90));
  if (bad >= 0) {
    const p = points[bad];
    throw badRequest('coordinates_out_of_range', `Point ${bad} (${p.lng}, ${p.lat}) is not a longitude/latitude in ${name}; projected coordinates need their crs declared (e.g. crs=EPSG:27700)`, { index: bad });
  }
}

/** The CRS as users write it, for reports. */
export function crsLabel(crs: Crs): string {
  return crs.kind === 'epsg' ? `EPSG:${crs.srid}` : crs.kind === 'wgs84' ? 'WGS84' : crs.kind === 'gcj02' ? 'GCJ-02' : 'BD-09';
}
