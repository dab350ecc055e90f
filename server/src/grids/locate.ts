import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';

export interface ChainLink {
  code: string;
  name: string;
  nameEn: string | null;
  tier: number;
  tierName: string | null;
  tierNameEn: string | null;
}

export interface Located {
  jurisdictionId: number;
  /** Top tier first, the smallest grid last. */
  chain: ChainLink[];
}

export interface LngLat {
  lng: number;
  lat: number;
}

/**
 * The grid chain of each point (WGS84), in input order; null where no grid contains it.
 * One statement for the whole batch: 10,000 points are one round trip, not 10,000.
 */
export async function locatePoints(q: Queryable, points: LngLat[], opts: { asOf?: Date; jurisdictionId?: number } = {}): Promise<(Located | null)[]> {
  const results: (Located | null)[] = points.map(() => null);
  if (points.length === 0) return results;
  const { rows } = await q.query<{ kind: 'p' | 'c'; i: number | null; jurisdiction_id: number; leaf: string; tier: number; code: string; name: string; name_en: string | null; tier_name: string | null; tier_name_en: string | null }>(
    sqlFile(import.meta.url, 'sql/locate.sql'),
    [points.map((p) => p.lng), points.map((p) => p.lat), opts.asOf ?? new Date(), opts.jurisdictionId ?? null],
  );
  // Chains are computed once per grid found; points share them (each gets its own copy).
  const chains = new Map<string, ChainLink[]>();
  for (const r of rows) {
    if (r.kind !== 'c') continue;
    const key = `${r.jurisdiction_id}:${r.leaf}`;
    const chain = chains.get(key) ?? [];
    chain.push({ code: r.code, name: r.name, nameEn: r.name_en, tier: r.tier, tierName: r.tier_name, tierNameEn: r.tier_name_en });
    chains.set(key, chain);
  }
  for (const c of chains.values()) c.sort((a, b) => a.tier - b.tier);
  for (const r of rows) {
    if (r.kind !== 'p' || r.i === null) continue;
    results[r.i - 1] = { jurisdictionId: r.jurisdiction_id, chain: (chains.get(`${r.jurisdiction_id}:${r.leaf}`) ?? []).map((l) => ({ ...l })) };
  }
  return results;
}

export async function locatePoint(q: Queryable, point: LngLat, opts: { asOf?: Date; jurisdictionId?: number } = {}): Promise<Located | null> {
  return (await locatePoints(q, [point], opts))[0];
}
