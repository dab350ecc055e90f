import { api } from './client.ts';

export interface TierInfo {
  level: number;
  name: string;
  nameEn: string;
}

export interface JurisdictionInfo {
  id: number;
  name: string;
  nameEn?: string;
  tiers: TierInfo[];
}

/** The jurisdiction the map shows: the first one the server lists (the demo, on a fresh install). */
export async function loadJurisdiction(token: string | null): Promise<JurisdictionInfo | null> {
  const body = await api<unknown>('/api/jurisdictions', { token }).catch(() => null);
  const list = Array.isArray(body) ? body : (body as { jurisdictions?: unknown[]; items?: unknown[] } | null)?.jurisdictions ?? (body as { items?: unknown[] } | null)?.items ?? [];
  const first = list[0] as { id: number; name: string; nameEn?: string; name_en?: string; tiers?: { level: number; name: string; nameEn?: string; name_en?: string }[] } | undefined;
  if (!first) return null;
  return {
    id: first.id,
    name: first.name,
    nameEn: first.nameEn ?? first.name_en,
    tiers: (first.tiers ?? []).map((t) => ({ level: t.level, name: t.name, nameEn: t.nameEn ?? t.name_en ?? t.name })).sort((a, b) => a.level - b.level),
  };
}
