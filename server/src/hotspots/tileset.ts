/**
 * The hot-spot cells behind the `hotspots` tileset (migrations 0011, 0014): per scope (the whole
 * jurisdiction or a kiosk token's area, over the whole period or the analyst's filters),
 * jurisdiction and H3 resolution, the incident counts, households, rates and Gi* (k-ring 1,
 * FDR) of GET /api/hotspots/gi with the same filters, computed once per data version when a
 * tile first needs them, and stored with their hexagons.
 */
import { cellToBoundary } from 'h3-js';
import type { Db } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { HttpError } from '../core/errors.ts';
import { cellToBigint } from './h3cells.ts';
import { incidentHotspots } from './service.ts';
import { h3Counts, type Filter } from './units.ts';

/** The H3 resolution a tile at zoom z draws (as hotspot_res in SQL). */
export const hotspotRes = (z: number) => (z <= 10 ? 7 : z <= 12 ? 8 : z <= 14 ? 9 : z === 15 ? 10 : 11);
/** Below this zoom the tiles are empty (cells would be under a pixel). */
export const HOTSPOT_MINZOOM = 6;

interface Extent { id: number; w: number; s: number; e: number; n: number }

/** The analyst's filters on hot-spot tiles, as GET /api/hotspots/* takes them (validated by the tile route). */
export interface TileFilter { from: string | null; to: string | null; category: string | null }

/**
 * The scope key of stored cells: '' (whole jurisdiction) or a kiosk area's grid code for the
 * whole period; "<area>|<from>|<to>|<category>" with filters. Only the category, last, could
 * hold a '|', so the key is unambiguous.
 */
export function cellScope(area: string | null, f: TileFilter | null): string {
  if (!f || (f.from === null && f.to === null && f.category === null)) return area ?? '';
  return `${area ?? ''}|${f.from ?? ''}|${f.to ?? ''}|${f.category ?? ''}`;
}

/**
 * How long a process trusts stored filtered cells it has confirmed at a version without asking
 * again; eviction deletes only scopes unconfirmed for twice as long, so no process draws from
 * rows deleted under it. The whole-period scopes are never evicted (replaced per version).
 */
export const FILTERED_TRUST_MS = 30 * 60 * 1000;
/** Filtered scope × jurisdiction × resolution entries kept beyond those in use (WANGGE has no setting for it yet). */
export const FILTERED_KEEP = 200;

export class HotspotCells {
  /** scope|jurisdiction|res → the version its stored cells were confirmed at, and when. */
  private done = new Map<string, { version: string; at: number }>();
  private inflight = new Map<string, Promise<void>>();
  private extents: { version: string; list: Promise<Extent[]>; resolved?: Extent[] } | null = null;
  private areas = new Map<string, Promise<number[]>>();

  constructor(private db: Db) {}

  /**
   * True when this process already knows that the cells a tile needs are stored at `version`
   * (the case of every tile of a version after its first), answered without a promise or a
   * closure; false when `ensure` must run (first tile of a version, a kiosk area, extents not read
   * yet, filtered cells past their trust). The same conditions as `compute`'s early return.
   */
  ready(tile: { z: number; x: number; y: number }, area: string | null, version: string, filter: TileFilter | null = null): boolean {
    if (tile.z < HOTSPOT_MINZOOM) return true;
    const extents = this.extents;
    if (area !== null || extents?.version !== version || extents.resolved === undefined) return false;
    const scope = cellScope(null, filter);
    const filtered = scope.includes('|');
    const res = hotspotRes(tile.z);
    const [w, s, e, n] = tileBounds(tile.z, tile.x, tile.y);
    for (const j of extents.resolved) {
      if (!(j.w <= e && j.e >= w && j.s <= n && j.n >= s)) continue;
      const known = this.done.get(`${scope}|${j.id}|${res}`);
      if (known?.version !== version || (filtered && Date.now() - known.at >= FILTERED_TRUST_MS)) return false;
    }
    return true;
  }

  /** Makes sure the cells a tile needs are stored at `version` (composite: incidents.households.grids). */
  async ensure(tile: { z: number; x: number; y: number }, area: string | null, version: string, filter: TileFilter | null = null): Promise<void> {
    if (tile.z < HOTSPOT_MINZOOM) return;
    const res = hotspotRes(tile.z);
    let ids = await this.jurisdictionsIn(tile, version);
    if (area) {
      const inArea = await this.jurisdictionsOf(area, version);
      ids = ids.filter((id) => inArea.includes(id));
    }
    await Promise.all(ids.map((id) => this.compute(area, filter, id, res, version)));
  }

  private compute(area: string | null, filter: TileFilter | null, jurisdictionId: number, res: number, version: string): Promise<void> {
    const scope = cellScope(area, filter);
    const filtered = scope.includes('|');
    const key = `${scope}|${jurisdictionId}|${res}`;
    const known = this.done.get(key);
    if (known?.version === version && (!filtered || Date.now() - known.at < FILTERED_TRUST_MS)) return Promise.resolve();
    const running = this.inflight.get(`${key}|${version}`);
    if (running) return running;
    const p = (async () => {
      const at = Date.now();
      // Confirming a scope's version also records that it is in use (used_at: eviction spares it).
      const { rows } = await this.db.query<{ version: string }>(sqlFile(import.meta.url, 'sql/tile-cells-version.sql'), [scope, jurisdictionId, res]);
      if (rows[0]?.version !== version) {
        await storeCells(this.db, scope, jurisdictionId, res, version, { area, ...(filter ?? { from: null, to: null, category: null }) });
        if (filtered) await evictFilteredScopes(this.db, FILTERED_KEEP);
      }
      if (this.done.size > 10_000) this.done.clear();
      this.done.set(key, { version, at });
    })().finally(() => this.inflight.delete(`${key}|${version}`));
    this.inflight.set(`${key}|${version}`, p);
    return p;
  }

  /** Jurisdictions whose current grids reach into the tile (their extents, read once per version). */
  private async jurisdictionsIn(tile: { z: number; x: number; y: number }, version: string): Promise<number[]> {
    if (this.extents?.version !== version) {
      const list = this.db.query<Extent>(sqlFile(import.meta.url, 'sql/tile-extents.sql')).then((r) => r.rows);
      const entry: { version: string; list: Promise<Extent[]>; resolved?: Extent[] } = { version, list };
      list.then((l) => { entry.resolved = l; }, () => { if (this.extents === entry) this.extents = null; });
      this.extents = entry;
    }
    const [w, s, e, n] = tileBounds(tile.z, tile.x, tile.y);
    return (await this.extents.list).filter((j) => j.w <= e && j.e >= w && j.s <= n && j.n >= s).map((j) => j.id);
  }

  private jurisdictionsOf(area: string, version: string): Promise<number[]> {
    const key = `${area}|${version}`;
    let p = this.areas.get(key);
    if (!p) {
      if (this.areas.size > 1000) this.areas.clear();
      p = this.db.query<{ id: number }>('SELECT DISTINCT jurisdiction_id AS id FROM grids WHERE code = $1 AND valid_to IS NULL', [area]).then((r) => r.rows.map((x) => x.id));
      p.catch(() => this.areas.delete(key));
      this.areas.set(key, p);
    }
    return p;
  }
}

/**
 * Filtered scopes beyond the `keep` most recently confirmed, and only those unconfirmed for
 * twice FILTERED_TRUST_MS, are deleted with their cells (one transaction); returns how many
 * scope × jurisdiction × resolution entries went.
 */
export async function evictFilteredScopes(db: Db, keep: number): Promise<number> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ scope: string; jurisdiction_id: number; res: number }>(
      `DELETE FROM hotspot_cell_versions v USING (
         SELECT scope, jurisdiction_id, res FROM hotspot_cell_versions WHERE scope LIKE '%|%'
          ORDER BY used_at DESC OFFSET $1) old
        WHERE v.scope = old.scope AND v.jurisdiction_id = old.jurisdiction_id AND v.res = old.res
          AND v.used_at < now() - make_interval(secs => $2)
        RETURNING v.scope, v.jurisdiction_id, v.res`, [keep, (2 * FILTERED_TRUST_MS) / 1000]);
    if (rows.length > 0) {
      await q.query(
        `DELETE FROM hotspot_cells c USING unnest($1::text[], $2::int[], $3::int[]) AS d (scope, jurisdiction_id, res)
          WHERE c.scope = d.scope AND c.jurisdiction_id = d.jurisdiction_id AND c.res = d.res`,
        [rows.map((r) => r.scope), rows.map((r) => r.jurisdiction_id), rows.map((r) => r.res)]);
    }
    return rows.length;
  });
}

/** Computes one scope × jurisdiction × resolution and replaces its stored cells in one transaction. */
export async function storeCells(db: Db, scope: string, jurisdictionId: number, res: number, version: string,
  spec: { area: string | null } & TileFilter = { area: scope === '' ? null : scope, from: null, to: null, category: null }): Promise<number> {
  const f: Filter = { jurisdictionId, from: spec.from, to: spec.to, category: spec.category, grid: spec.area };
  let cells: { cell: string; count: number; households: number | null; rate: number | null; gi_z: number | null; gi_p: number | null; gi_class: number | null }[];
  let refused: string | null = null;
  try {
    const gi = await incidentHotspots(db, f, { unit: 'h3', res, k: 1, value: 'count', per: 'households', permutations: 0, seed: 12345, fdr: true });
    cells = gi.features.map((c) => ({ cell: c.id, count: c.count, households: c.households, rate: c.rate, gi_z: c.gi_z, gi_p: c.gi_p, gi_class: c.gi_class }));
  } catch (err) {
    // Gi* refused (too few cells, no variation, a study area too large): the counts still draw.
    if (!(err instanceof HttpError) || err.statusCode !== 422) throw err;
    refused = err.code;
    cells = (await h3Counts(db, f, res)).map((c) => ({ ...c, gi_z: null, gi_p: null, gi_class: null }));
  }
  const wkt = cells.map((c) => {
    const ring = cellToBoundary(c.cell, true);
    return `POLYGON((${[...ring, ring[0]].map(([lng, lat]) => `${lng} ${lat}`).join(',')}))`;
  });
  await db.tx(async (q) => {
    // Two processes computing the same cells: one writes after the other, never interleaved.
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hotspot_cells|${scope}|${jurisdictionId}|${res}`]);
    await q.query('DELETE FROM hotspot_cells WHERE scope = $1 AND jurisdiction_id = $2 AND res = $3', [scope, jurisdictionId, res]);
    await q.query(sqlFile(import.meta.url, 'sql/tile-cells-insert.sql'), [
      scope, jurisdictionId, res, cells.map((c) => cellToBigint(c.cell).toString()), wkt,
      cells.map((c) => c.count), cells.map((c) => c.households), cells.map((c) => c.rate),
      cells.map((c) => c.gi_z), cells.map((c) => c.gi_p), cells.map((c) => c.gi_class),
    ]);
    await q.query(
      `INSERT INTO hotspot_cell_versions (scope, jurisdiction_id, res, version, gi_refused) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, jurisdiction_id, res) DO UPDATE SET version = EXCLUDED.version, gi_refused = EXCLUDED.gi_refused, computed_at = now(), used_at = now()`,
      [scope, jurisdictionId, res, version, refused]);
  });
  return cells.length;
}

/** West, south, east, north of a tile in degrees. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  return [(x / n) * 360 - 180, tileLat(y + 1, n), ((x + 1) / n) * 360 - 180, tileLat(y, n)];
}

/** The latitude of tile row edge t of n (a module function: a closure per call is named anew by tsx). */
function tileLat(t: number, n: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * t) / n))) * 180) / Math.PI;
}
