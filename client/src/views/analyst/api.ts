import { api, ApiError } from '../../api/client.ts';
import { addSteps, isoDay, type Step } from './time.ts';

/** The filters every hot-spot request carries (GET /api/hotspots/*). */
export interface Selection {
  from: string | null;
  to: string | null;
  category: string | null;
  grid: string | null;
}

export interface H3Cell { cell: string; count: number; households: number | null; rate: number | null }
export interface H3Answer { jurisdictionId: number; res: number; total: number; cells: H3Cell[] }

export interface GiUnit {
  id: string; name: string | null; count: number; households: number | null; rate: number | null;
  gi_z: number | null; gi_p: number | null; gi_class: number;
}
export interface GiAnswer {
  unit: 'h3' | 'grid'; res?: number; tier?: number; neighbours: string; value: string;
  features: GiUnit[]; warnings: string[];
  summary: { features: number; hot: number; cold: number; islands: number };
}

export interface EmergingUnit { id: string; name: string | null; count: number; category: string; counts: number[]; classes: number[]; hotSteps: number; coldSteps: number }
export interface EmergingAnswer {
  unit: 'h3' | 'grid'; res?: number; tier?: number; step: Step; steps: string[];
  categories: Record<string, number>; features: EmergingUnit[]; warnings: string[];
}

export interface Category { code: string; parentCode: string | null; name: string; nameEn: string; children?: Category[] }

/** Where the analysis runs: H3 cells of a resolution, or the grids of a tier. */
export interface UnitChoice { unit: 'h3' | 'grid'; res: number; tier: number }

export function selectionParams(sel: Selection, extra: Record<string, string | number | null | undefined> = {}): URLSearchParams {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...extra, from: sel.from, to: sel.to, category: sel.category, grid: sel.grid })) {
    if (v !== null && v !== undefined && v !== '') qs.set(k, String(v));
  }
  return qs;
}

const unitParams = (u: UnitChoice) => (u.unit === 'h3' ? { unit: 'h3', res: u.res } : { unit: 'grid', tier: u.tier });

export const h3Url = (sel: Selection, res: number) => `/api/hotspots/h3?${selectionParams(sel, { res })}`;
export const giUrl = (sel: Selection, u: UnitChoice, value: 'count' | 'rate') => `/api/hotspots/gi?${selectionParams(sel, { ...unitParams(u), value })}`;
/** Emerging hot spots always cover the whole span (from the first report to the last). */
export const emergingUrl = (sel: Selection, u: UnitChoice, step: Step) =>
  `/api/hotspots/emerging?${selectionParams({ ...sel, from: null, to: null }, { ...unitParams(u), step })}`;

/** Every request the view sends, for the browser test and for the curious in the console. */
export const requestLog: string[] = [];

export function get<T>(url: string, token: string | null, signal?: AbortSignal): Promise<T> {
  requestLog.push(url);
  if (requestLog.length > 200) requestLog.splice(0, requestLog.length - 200);
  return api<T>(url, { token, signal });
}

/** First and last report among the filtered incidents (the list is newest first). */
export async function dataSpan(sel: Selection, token: string | null, signal?: AbortSignal): Promise<{ first: number; last: number; total: number } | null> {
  const qs = (offset: number) => selectionParams({ ...sel, from: null, to: null }, { limit: 1, offset });
  type Page = { items: { times: { reportedAt: string } }[]; total: number };
  const newest = await get<Page>(`/api/incidents?${qs(0)}`, token, signal);
  if (newest.items.length === 0) return null;
  const oldest = newest.total > 1 ? await get<Page>(`/api/incidents?${qs(newest.total - 1)}`, token, signal) : newest;
  const last = Date.parse(newest.items[0].times.reportedAt);
  const first = Date.parse((oldest.items[0] ?? newest.items[0]).times.reportedAt);
  return { first, last, total: newest.total };
}

/** Grid outlines of a tier, for Gi* and emerging results on grids. */
export interface GridShape { type: 'Feature'; properties: { code: string; name: string; nameEn: string | null }; geometry: unknown }
export async function gridShapes(tier: number, jurisdictionId: number | null, token: string | null, signal?: AbortSignal): Promise<GridShape[]> {
  const qs = new URLSearchParams({ tier: String(tier), simplify: '0.00001' });
  if (jurisdictionId !== null) qs.set('jurisdiction', String(jurisdictionId));
  const fc = await get<{ features: GridShape[] }>(`/api/grids?${qs}`, token, signal);
  return fc.features.filter((f) => f.geometry);
}

export async function categories(): Promise<Category[]> {
  return api<Category[]>('/api/categories');
}

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

/** An error the view shows: the server's code (for a translation) and its English message. */
export function problem(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'network', message: err instanceof Error ? err.message : String(err) };
}

/** Answers already fetched (or on their way), by URL: the chart and the emerging layer share one analysis. */
const cache = new Map<string, Promise<unknown>>();
export function cached<T>(url: string, token: string | null): Promise<T> {
  const key = `${token ?? ''} ${url}`;
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = get<T>(url, token);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
    if (cache.size > 40) cache.delete(cache.keys().next().value!);
  }
  return p;
}

export interface Series { steps: string[]; counts: number[]; source: 'emerging' | 'h3' }

/**
 * Incidents per step for the selection: the sum of the emerging analysis's cube when it can run
 * (one request, shared with the emerging layer); otherwise the totals of the coarsest H3 counts
 * step by step (for selections under 30 units or 4 steps, or cubes over the server's cap).
 */
export async function countSeries(sel: Selection, u: UnitChoice, step: Step, stepStarts: string[], token: string | null): Promise<Series> {
  try {
    const em = await cached<EmergingAnswer>(emergingUrl(sel, u, step), token);
    const counts = em.steps.map((_, i) => em.features.reduce((s, f) => s + (f.counts[i] ?? 0), 0));
    return { steps: em.steps, counts, source: 'emerging' };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 422 || stepStarts.length > 160) throw err;
  }
  const counts = new Array<number>(stepStarts.length).fill(0);
  let next = 0;
  const worker = async () => {
    while (next < stepStarts.length) {
      const i = next++;
      const to = i + 1 < stepStarts.length ? stepStarts[i + 1] : isoDay(addSteps(Date.parse(`${stepStarts[i]}T00:00:00Z`), step, 1));
      counts[i] = (await cached<H3Answer>(h3Url({ ...sel, from: stepStarts[i], to }, 7), token)).total;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { steps: stepStarts, counts, source: 'h3' };
}
