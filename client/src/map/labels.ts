import type { Map as MlMap } from 'maplibre-gl';

export interface GridLabel {
  code: string;
  name: string;
  nameEn?: string;
  tier: number;
  position: [number, number];
}

/** One label per grid from the tiles already loaded (the 'labels' layer repeats in neighbouring tiles' buffers). */
export function collectLabels(map: MlMap): GridLabel[] {
  const byCode = new Map<string, GridLabel>();
  for (const f of map.querySourceFeatures('grids', { sourceLayer: 'labels' })) {
    const p = f.properties as { code?: string; name?: string; name_en?: string; tier?: number };
    if (!p.code || byCode.has(`${p.tier}/${p.code}`) || f.geometry.type !== 'Point') continue;
    byCode.set(`${p.tier}/${p.code}`, { code: p.code, name: p.name ?? p.code, nameEn: p.name_en, tier: Number(p.tier), position: f.geometry.coordinates as [number, number] });
  }
  return [...byCode.values()];
}

export function sameLabels(a: GridLabel[], b: GridLabel[]): boolean {
  if (a.length !== b.length) return false;
  const key = (l: GridLabel) => `${l.tier}/${l.code}@${l.position[0].toFixed(6)},${l.position[1].toFixed(6)}`;
  const seen = new Set(a.map(key));
  return b.every((l) => seen.has(key(l)));
}
