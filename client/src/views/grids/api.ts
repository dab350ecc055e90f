import type { FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { api, ApiError } from '../../api/client.ts';

/** What the grids view reads from the server (docs/grids.md). */

export interface Tier { level: number; name: string; nameEn: string; grids?: number }

export interface Jurisdiction {
  id: number;
  name: string;
  nameEn: string | null;
  householdsMin: number | null;
  householdsMax: number | null;
  sliverM2: number | null;
  tiers: Tier[];
}

export interface GridProps {
  jurisdictionId: number;
  code: string;
  name: string;
  nameEn: string | null;
  tier: number;
  tierName: string | null;
  parentCode: string | null;
  households: number;
  population: number | null;
  areaM2: number;
  densityPerKm2: number;
  version: number;
  validFrom: string;
}

export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProps>;

export interface ChainLink { code: string; name: string; nameEn?: string | null; tier: number; tierName?: string | null; tierNameEn?: string | null }

export interface StaffMember { role: 'head' | 'officer'; name: string; phone?: string | null; publicContact?: string | null }

export interface GridDetail extends GridProps {
  householdsDerived: number;
  householdsOverride: number | null;
  householdsOverrideReason: string | null;
  children: number;
  chain: ChainLink[];
  staff: StaffMember[];
  incidents: { open: number; overdue: number; closedThisPeriod: number; total: number; periodStart: string; per100Households: number | null };
}

export type Severity = 'error' | 'warning' | 'sliver';

export interface Finding {
  kind: string;
  severity: Severity;
  codes: (string | null)[];
  message: string;
  geometry: Geometry | null;
  areaM2: number | null;
  reason?: string | null;
  repair?: Geometry | null;
  location?: Geometry | null;
  households?: number;
  /** The message's figures as data, for the kinds whose figures no other field holds (server: topology.ts FindingDetail). */
  detail?: FindingDetail;
}

export type FindingDetail =
  | { code: 'duplicate_code'; grids: number }
  | { code: 'code_not_nested'; parent: string }
  | { code: 'bad_code' }
  | { code: 'code_taken'; tier: number; name: string }
  | { code: 'households_out_of_band'; households: number; min: number; max: number };

export interface TopologyReport {
  jurisdictionId: number;
  parentCode: string | null;
  tier: number;
  checkedGrids: number;
  sliverM2: number;
  householdsBand: { min: number; max: number } | null;
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  slivers: Finding[];
}

export interface ImportJob {
  id: number;
  kind: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileName: string | null;
  progress: { stage?: string; done?: number; total?: number } | null;
  report: {
    format?: string; crs?: string; features?: number; accepted?: number;
    rejected?: { ref: number; reason: string }[];
    written?: Record<string, number>;
    changeSets?: number[];
    topology?: TopologyReport;
  } | null;
  error: { code: string; message: string } | null;
}

export async function listJurisdictions(token: string | null): Promise<Jurisdiction[]> {
  const body = await api<Jurisdiction[] | { jurisdictions: Jurisdiction[] }>('/api/jurisdictions', { token });
  const list = Array.isArray(body) ? body : body.jurisdictions;
  return list.map((j) => ({ ...j, tiers: [...j.tiers].sort((a, b) => a.level - b.level) }));
}

/** The grids of one tier (or one parent's children), lightly simplified: the figures and outlines for the list and the bounds. */
export function listGrids(token: string | null, q: { jurisdiction: number; tier?: number; parent?: string; simplify?: number }, signal?: AbortSignal): Promise<GridCollection> {
  const p = new URLSearchParams({ jurisdiction: String(q.jurisdiction) });
  if (q.tier) p.set('tier', String(q.tier));
  if (q.parent) p.set('parent', q.parent);
  if (q.simplify) p.set('simplify', String(q.simplify));
  return api<GridCollection | null>(`/api/grids?${p}`, { token, signal }).then((fc) => {
    // api() answers null when the body could not be read, as when the request is aborted mid-body.
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (!fc || !Array.isArray(fc.features)) throw new Error('/api/grids: no FeatureCollection in the answer');
    return fc;
  });
}

export function gridDetail(token: string | null, code: string, jurisdiction: number, signal?: AbortSignal): Promise<GridDetail> {
  return api<GridDetail>(`/api/grids/${encodeURIComponent(code)}?jurisdiction=${jurisdiction}`, { token, signal });
}

/** The topology check of a parent's children, or of the jurisdiction's top tier when parent is null. */
export function validate(token: string | null, jurisdiction: number, parent: string | null): Promise<TopologyReport> {
  const p = new URLSearchParams({ jurisdiction: String(jurisdiction) });
  if (parent) p.set('parent', parent);
  return api<TopologyReport>(`/api/grids/validate?${p}`, { token });
}

/**
 * Starts an import job. Plain fetch, not api(): api() labels every body JSON, and a multipart
 * body needs the boundary the browser writes into its own content-type.
 */
export async function startImport(token: string | null, form: FormData): Promise<{ id: number }> {
  const res = await fetch('/api/imports', { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }
  return body as { id: number };
}

export function importJob(token: string | null, id: number): Promise<ImportJob> {
  return api<ImportJob>(`/api/imports/${id}`, { token });
}

export type ExportFormat = 'geojson' | 'shapefile' | 'geopackage';

/** The server's export route (public): a tier, or a parent's children. */
export function exportUrl(q: { jurisdiction: number; tier?: number; parent?: string; format: ExportFormat }): string {
  const p = new URLSearchParams({ jurisdiction: String(q.jurisdiction), format: q.format });
  if (q.tier) p.set('tier', String(q.tier));
  if (q.parent) p.set('parent', q.parent);
  return `/api/grids/export?${p}`;
}
