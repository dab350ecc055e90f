import type { Geometry, Position } from 'geojson';
import { fromGeojsonVt, type GeojsonVtFeature } from 'vt-pbf';
import type { Queryable, DbKind } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';

export const EXTENT = 4096;

export interface TileResult {
  body: Buffer;
  features: number;
  truncated: boolean;
}

export interface TileQuery {
  /** A call of a layer function with $1 z, $2 x, $3 y, $5 its extra argument (from the fixed tileset list). */
  source: string;
  z: number;
  x: number;
  y: number;
  cap: number;
  arg: unknown;
}

const mvtSql = sqlFile(import.meta.url, 'sql/mvt.sql');
const rowsSql = sqlFile(import.meta.url, 'sql/rows.sql');

/**
 * One tile, from the same layer function on both databases: ST_AsMVT on a real PostGIS, the
 * rows in tile coordinates encoded with vt-pbf on the embedded one (built without protobuf).
 */
export async function renderTile(q: Queryable, kind: DbKind, t: TileQuery): Promise<TileResult> {
  // A parameter the statement never uses has no type PostgreSQL can infer: pass $5 only when used.
  const params = t.source.includes('$5') ? [t.z, t.x, t.y, t.cap, t.arg] : [t.z, t.x, t.y, t.cap];
  if (kind === 'postgres') {
    const { rows } = await q.query<{ tile: Buffer; truncated: boolean; features: number }>(mvtSql.replaceAll('{{source}}', t.source), params);
    return { body: rows[0].tile, features: rows[0].features, truncated: rows[0].truncated };
  }
  const { rows } = await q.query<{ layer: string; id: number; geom: Geometry; props: Record<string, unknown> }>(rowsSql.replaceAll('{{source}}', t.source), params);
  const truncated = rows.length > t.cap;
  const kept = truncated ? rows.slice(0, t.cap) : rows;
  return { body: encodeRows(kept), features: kept.length, truncated };
}

/** Rows whose geometry is already in tile coordinates → an MVT (layers in name order, as string_agg orders them). */
export function encodeRows(rows: { layer: string; id: number; geom: Geometry; props: Record<string, unknown> }[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  const layers: Record<string, { features: GeojsonVtFeature[] }> = {};
  for (const name of [...new Set(rows.map((r) => r.layer))].sort()) layers[name] = { features: [] };
  for (const r of rows) {
    const f = toVtFeature(r.geom);
    if (!f) continue;
    layers[r.layer].features.push({ id: r.id, ...f, tags: tags(r.props) });
  }
  return Buffer.from(fromGeojsonVt(layers, { version: 2, extent: EXTENT }));
}

function toVtFeature(g: Geometry): Pick<GeojsonVtFeature, 'type' | 'geometry'> | null {
  switch (g.type) {
    case 'Point': return { type: 1, geometry: [g.coordinates] };
    case 'MultiPoint': return { type: 1, geometry: g.coordinates };
    case 'LineString': return { type: 2, geometry: [g.coordinates] };
    case 'MultiLineString': return { type: 2, geometry: g.coordinates };
    case 'Polygon': return { type: 3, geometry: g.coordinates };
    // MVT holds a multipolygon as its rings in order; exterior rings are told apart by winding.
    case 'MultiPolygon': return { type: 3, geometry: g.coordinates.flat() as Position[][] };
    default: return null;
  }
}

function tags(props: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
  }
  return out;
}
