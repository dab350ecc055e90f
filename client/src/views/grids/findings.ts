import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { MessageKey } from '../../i18n/index.ts';
import type { Finding, TopologyReport } from './api.ts';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The panel's groups, in the order a planner fixes them; every kind the check reports has one. */
export const GROUPS: { id: string; label: MessageKey; kinds: string[] }[] = [
  { id: 'invalid', label: 'grd_kindInvalid', kinds: ['invalid_geometry'] },
  { id: 'overlap', label: 'grd_kindOverlap', kinds: ['overlap'] },
  { id: 'gap', label: 'grd_kindGap', kinds: ['gap'] },
  { id: 'outside', label: 'grd_kindOutside', kinds: ['outside_parent'] },
  { id: 'codes', label: 'grd_kindCodes', kinds: ['duplicate_code', 'code_not_nested', 'bad_code', 'code_taken'] },
  { id: 'empty', label: 'grd_kindEmpty', kinds: ['empty_grid'] },
  { id: 'band', label: 'grd_kindBand', kinds: ['households_out_of_band'] },
  { id: 'slivers', label: 'grd_kindSlivers', kinds: [] },
];

export interface Numbered extends Finding { n: number }

/** The label of the group a finding's kind belongs to. */
export function findingGroupLabel(kind: string): MessageKey {
  return (GROUPS.find((g) => g.kinds.includes(kind)) ?? GROUPS[0]).label;
}

/** Findings grouped for the panel; `n` numbers them across the report (the map's feature id). */
export function groupFindings(r: TopologyReport): Map<string, Numbered[]> {
  const out = new Map<string, Numbered[]>(GROUPS.map((g) => [g.id, []]));
  let n = 0;
  for (const f of [...r.errors, ...r.warnings]) {
    const g = GROUPS.find((x) => x.kinds.includes(f.kind)) ?? GROUPS[0];
    out.get(g.id)!.push({ ...f, n: n++ });
  }
  for (const f of r.slivers) out.get('slivers')!.push({ ...f, n: n++ });
  return out;
}

/** What to draw for a finding: the offending piece, or where PostGIS found the problem, or the repair. */
export function findingGeometry(f: Finding): Geometry | null {
  return f.geometry ?? f.location ?? f.repair ?? null;
}

/** Every finding that has a geometry, as features for the map (`n` and `selected` in the properties). */
export function findingFeatures(groups: Map<string, Numbered[]>, selected: number | null): FeatureCollection {
  const features: Feature[] = [];
  for (const list of groups.values()) {
    for (const f of list) {
      const geometry = findingGeometry(f);
      if (geometry) features.push({ type: 'Feature', geometry, properties: { n: f.n, kind: f.kind, severity: f.severity, selected: f.n === selected } });
    }
  }
  // The selected one last, so it draws on top.
  features.sort((a, b) => Number(a.properties!.selected) - Number(b.properties!.selected));
  return { type: 'FeatureCollection', features };
}

/**
 * Bounds to fly to for a geometry's bbox: at least `minMetres` across, so that a sliver of a
 * square metre is shown with its surroundings, not at the map's maximum zoom.
 */
export function padBounds(b: [number, number, number, number], minMetres = 300): [number, number, number, number] {
  const [w, s, e, n] = b;
  const lat = (s + n) / 2;
  const dLat = minMetres / 111_320;
  const dLng = minMetres / (111_320 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const hw = Math.max((e - w) / 2, dLng / 2) * 1.2;
  const hh = Math.max((n - s) / 2, dLat / 2) * 1.2;
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}

/**
 * A finding in the reader's language (the server's `message` is English; it stays in the
 * tooltip). Code problems and households out of the band are said with the figures the server
 * sends as data (`detail`); a report without them (an older server) falls back to the message.
 */
export function describeFinding(f: Pick<Finding, 'kind' | 'codes' | 'message' | 'detail'> & { reason?: string | null }, t: Translate): string {
  const codes = f.codes.filter(Boolean).join(' · ');
  const d = f.detail;
  switch (d?.code) {
    case 'duplicate_code': return t('grd_findDuplicate', { code: f.codes.find(Boolean) ?? '', n: d.grids });
    case 'code_not_nested': return t('grd_findNotNested', { codes, parent: d.parent });
    case 'bad_code': return t('grd_findBadCode', { codes });
    case 'code_taken': return t('grd_findCodeTaken', { codes, tier: d.tier, name: d.name });
    case 'households_out_of_band': return t('grd_findBand', { codes, min: d.min, max: d.max });
  }
  switch (f.kind) {
    case 'gap': return t('grd_findGap');
    case 'overlap': return t('grd_findOverlap', { codes });
    case 'outside_parent': return t('grd_findOutside', { codes });
    case 'invalid_geometry': return `${codes}: ${f.reason ?? ''}`;
    case 'empty_grid': return t('grd_findEmpty', { codes });
    case 'households_out_of_band': return codes;
    default: return `${codes}: ${f.message}`;
  }
}
