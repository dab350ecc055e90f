import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../core/db.ts';
import type { ChainLink, LngLat, Located } from './locate.ts';

interface Entry {
  jurisdictionId: number;
  link: ChainLink;
  parentCode: string | null;
  bbox: [number, number, number, number];
  geom: MultiPolygon;
}

export interface Officer { gridCode: string; role: string; name: string; publicContact: string | null }

/** Current grids in memory, bucketed per tier, for the citizen and hotline locate path. */
export class LocateIndex {
  private byKey = new Map<string, Entry>();
  /** Deepest tier first: a point resolves to the smallest grid that contains it. */
  private tiers: { tier: number; cell: number; buckets: Map<string, Entry[]> }[] = [];
  private officers = new Map<string, Officer>();

  constructor(readonly version: number, entries: Entry[], officers: (Officer & { jurisdictionId: number })[]) {
    for (const e of entries) this.byKey.set(`${e.jurisdictionId}:${e.link.code}`, e);
    for (const o of officers) {
      const key = `${o.jurisdictionId}:${o.gridCode}`;
      if (!this.officers.has(key)) this.officers.set(key, { gridCode: o.gridCode, role: o.role, name: o.name, publicContact: o.publicContact });
    }
    const tiers = [...new Set(entries.map((e) => e.link.tier))].sort((a, b) => b - a);
    for (const tier of tiers) {
      const mine = entries.filter((e) => e.link.tier === tier);
      const sizes = mine.map((e) => Math.max(e.bbox[2] - e.bbox[0], e.bbox[3] - e.bbox[1])).sort((a, b) => a - b);
      // Cells about the size of a typical grid of the tier: each grid lands in a few buckets.
      const cell = Math.max(sizes[Math.floor(sizes.length / 2)] ?? 0.01, 1e-4);
      const buckets = new Map<string, Entry[]>();
      for (const e of mine) {
        for (let x = Math.floor(e.bbox[0] / cell); x <= Math.floor(e.bbox[2] / cell); x++) {
          for (let y = Math.floor(e.bbox[1] / cell); y <= Math.floor(e.bbox[3] / cell); y++) {
            const k = `${x},${y}`;
            const list = buckets.get(k);
            if (list) list.push(e); else buckets.set(k, [e]);
          }
        }
      }
      this.tiers.push({ tier, cell, buckets });
    }
  }

  /** Same answer as locate.sql: the deepest grid containing the point (edges count), lowest code on ties. */
  locate(p: LngLat, jurisdictionId?: number): Located | null {
    for (const t of this.tiers) {
      const list = t.buckets.get(`${Math.floor(p.lng / t.cell)},${Math.floor(p.lat / t.cell)}`);
      if (!list) continue;
      let best: Entry | null = null;
      for (const e of list) {
        if (jurisdictionId !== undefined && e.jurisdictionId !== jurisdictionId) continue;
        if (p.lng < e.bbox[0] || p.lng > e.bbox[2] || p.lat < e.bbox[1] || p.lat > e.bbox[3]) continue;
        if (best && best.jurisdictionId === e.jurisdictionId && best.link.code < e.link.code) continue;
        if (booleanPointInPolygon([p.lng, p.lat], e.geom)) {
          if (!best || e.jurisdictionId < best.jurisdictionId || (e.jurisdictionId === best.jurisdictionId && e.link.code < best.link.code)) best = e;
        }
      }
      if (best) return { jurisdictionId: best.jurisdictionId, chain: this.chain(best) };
    }
    return null;
  }

  /** The responsible officer: of the smallest grid in the chain that has staff. */
  officer(r: Located): Officer | null {
    for (let i = r.chain.length - 1; i >= 0; i--) {
      const o = this.officers.get(`${r.jurisdictionId}:${r.chain[i].code}`);
      if (o) return o;
    }
    return null;
  }

  private chain(e: Entry): ChainLink[] {
    const out: ChainLink[] = [e.link];
    let cur: Entry | undefined = e;
    for (let depth = 0; depth < 10 && cur?.parentCode; depth++) {
      cur = this.byKey.get(`${cur.jurisdictionId}:${cur.parentCode}`);
      if (cur) out.unshift(cur.link);
    }
    return out;
  }
}

let lastLocalEdit = 0;
/** Tells the caches of this process that grids are being edited: they check the version on every use for a while. */
export function gridsChanged(): void {
  lastLocalEdit = Date.now();
}
/** How long an index is trusted without asking the database for the grids version. */
export const CHECK_EVERY_MS = 1000;
const LOCAL_EDIT_WINDOW_MS = 10_000;

/** Above this many vertices the index is not built and locate stays in SQL. */
const MAX_VERTICES = 5_000_000;

/**
 * The in-memory index, rebuilt when the `grids` layer version changes. The version is checked
 * (one tiny query, shared by the requests that arrive while it runs) at most every
 * CHECK_EVERY_MS, and on every use for LOCAL_EDIT_WINDOW_MS after an edit in this process: an
 * edit made here is seen by the next locate, one made by another process within a second.
 */
export class LocateCache {
  private index: LocateIndex | null = null;
  private checking: Promise<LocateIndex | null> | null = null;
  private tooBig = -1;
  private checkedAt = 0;

  constructor(private q: Queryable) {}

  get(): Promise<LocateIndex | null> {
    const now = Date.now();
    if (this.index && now - this.checkedAt < CHECK_EVERY_MS && now - lastLocalEdit > LOCAL_EDIT_WINDOW_MS) return Promise.resolve(this.index);
    this.checking ??= this.refresh(now).finally(() => { this.checking = null; });
    return this.checking;
  }

  private async refresh(startedAt: number): Promise<LocateIndex | null> {
    this.checkedAt = startedAt;
    const { rows } = await this.q.query<{ version: number }>("SELECT coalesce((SELECT version FROM layer_versions WHERE layer = 'grids'), 0) AS version");
    const version = rows[0].version;
    if (this.index?.version === version) return this.index;
    if (this.tooBig === version) return null;
    const { rows: size } = await this.q.query<{ n: number }>('SELECT coalesce(sum(ST_NPoints(geom)), 0)::int AS n FROM grids WHERE valid_to IS NULL');
    if (size[0].n > MAX_VERTICES) { this.tooBig = version; this.index = null; return null; }
    const { rows: grids } = await this.q.query<{ jurisdiction_id: number; tier: number; code: string; name: string; name_en: string | null; parent_code: string | null; tier_name: string | null; tier_name_en: string | null; geom: MultiPolygon; bbox: number[] }>(
      `SELECT g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code, t.name AS tier_name, t.name_en AS tier_name_en,
              ST_AsGeoJSON(g.geom)::json AS geom, ARRAY[ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)] AS bbox
         FROM grids g LEFT JOIN tiers t ON t.jurisdiction_id = g.jurisdiction_id AND t.level = g.tier
        WHERE g.valid_to IS NULL AND g.valid_from <= now()`);
    const { rows: staff } = await this.q.query<{ jurisdiction_id: number; grid_code: string; role: string; name: string; public_contact: string | null }>(
      "SELECT jurisdiction_id, grid_code, role, name, public_contact FROM grid_staff ORDER BY jurisdiction_id, grid_code, role = 'officer' DESC, sort, id");
    this.index = new LocateIndex(version, grids.map((g) => ({
      jurisdictionId: g.jurisdiction_id, parentCode: g.parent_code, bbox: g.bbox as [number, number, number, number], geom: g.geom,
      link: { code: g.code, name: g.name, nameEn: g.name_en, tier: g.tier, tierName: g.tier_name, tierNameEn: g.tier_name_en },
    })), staff.map((s) => ({ jurisdictionId: s.jurisdiction_id, gridCode: s.grid_code, role: s.role, name: s.name, publicContact: s.public_contact })));
    return this.index;
  }
}
