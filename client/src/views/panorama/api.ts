import { api } from '../../api/client.ts';

export type Bounds = [number, number, number, number];

/** A grid the search box offers: what a row shows, and the bounds the map flies to. */
export interface GridHit {
  code: string;
  name: string;
  nameEn: string | null;
  tier: number;
  tierName: string | null;
  tierNameEn: string | null;
  bounds: Bounds;
}

/** One link of a located point's chain, top tier first. */
export interface ChainLink {
  code: string;
  name: string;
  nameEn?: string | null;
  tier: number;
  tierName?: string | null;
  tierNameEn?: string | null;
}

/** What GET /api/locate answers: the chain and the responsible officer's public contact (never a private phone). */
export interface Located {
  jurisdictionId: number;
  chain: ChainLink[];
  officer: { gridCode: string; role: string; name: string; publicContact: string | null } | null;
}

interface GridFeature {
  properties: { code: string; name: string; nameEn: string | null; tier: number; tierName: string | null; tierNameEn: string | null };
  geometry: { type: string; coordinates: unknown } | null;
}

export const SEARCH_LIMIT = 8;

/** Grids whose code or name contains the text, best matches first (GET /api/grids?q=, public). */
export async function searchGrids(text: string, opts: { jurisdictionId: number | null; token: string | null; signal?: AbortSignal }): Promise<GridHit[]> {
  const qs = new URLSearchParams({ q: text, limit: String(SEARCH_LIMIT), simplify: '0.00002' });
  if (opts.jurisdictionId !== null) qs.set('jurisdiction', String(opts.jurisdictionId));
  const fc = await api<{ features: GridFeature[] }>(`/api/grids?${qs}`, { token: opts.token, signal: opts.signal });
  return fc.features.flatMap((f) => {
    const bounds = f.geometry ? geometryBounds(f.geometry.coordinates) : null;
    if (!bounds) return [];
    const p = f.properties;
    return [{ code: p.code, name: p.name, nameEn: p.nameEn ?? null, tier: p.tier, tierName: p.tierName ?? null, tierNameEn: p.tierNameEn ?? null, bounds }];
  });
}

/** The smallest grid containing a point, its chain and officer (GET /api/locate, public). */
export function locate(lng: number, lat: number, opts: { jurisdictionId: number | null; token: string | null; signal?: AbortSignal }): Promise<Located> {
  const qs = new URLSearchParams({ lng: lng.toFixed(7), lat: lat.toFixed(7) });
  if (opts.jurisdictionId !== null) qs.set('jurisdiction', String(opts.jurisdictionId));
  return api<Located>(`/api/locate?${qs}`, { token: opts.token, signal: opts.signal });
}

/** [west, south, east, north] of any GeoJSON coordinate nesting; null when there are no positions. */
export function geometryBounds(coords: unknown): Bounds | null {
  const b: Bounds = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
      return;
    }
    for (const x of c) walk(x);
  };
  walk(coords);
  return Number.isFinite(b[0]) ? b : null;
}
