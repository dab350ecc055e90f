import { ApiError } from '../../api/client.ts';

/** The partition API as the planner's view uses it (docs/partition.md). */

export type Variant = 'proposal' | 'current' | 'h3' | 'kmeans';
export const VARIANTS: Variant[] = ['proposal', 'current', 'h3', 'kmeans'];
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Summary {
  grids: number; min: number; median: number; max: number;
  bandShare: number; bandShareUnflagged: number; flagged: Record<string, number>;
  meanPolsbyPopper: number; minPolsbyPopper: number; barrierShare: number;
  crossedHard: number; crossedHardReasons: string[];
  /** crossedHardReasons as data (absent in jobs stored before the server sent it). */
  crossedHardDetails?: CrossedHardItem[];
  runtimeMs?: number; units?: number; blocks?: number;
}

/** Why a grid crosses a hard barrier (server: metrics.ts CrossedHardItem). */
export interface CrossedHardItem { grid: string | null; code: 'takes_empty_enclosed' }

/** Why a grid is flagged, as data (server: regionalize.ts FlagDetail, with the band's unit). */
export type FlagDetail = { by?: 'households' | 'people' } & (
  | { code: 'tower'; holds: number; hi: number; cutOff?: number[] }
  | { code: 'enclosed' | 'whole_area'; holds: number; lo: number }
  | { code: 'empty' });

export interface VariantResult { summary: Summary; resolution?: number }

export interface GridProps {
  seq: number; code: string | null; households: number; population: number; areaM2: number | null;
  polsbyPopper: number | null; barrierShare: Record<string, number>; deviation: number | null;
  flag: 'tower' | 'enclosed' | 'empty' | null; flagReason: string | null;
  /** flagReason as data (absent in jobs stored before the server sent it). */
  flagDetail?: FlagDetail | null;
}
export interface GridFeature { type: 'Feature'; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon; properties: GridProps }
export interface GridCollection { type: 'FeatureCollection'; features: GridFeature[] }

export interface BlockProps { id: number; face: number; zone: number; households: number; population: number; gridSeq: number | null }
export interface BlockFeature { type: 'Feature'; geometry: GeoJSON.Polygon; properties: BlockProps }
export interface BlockCollection { type: 'FeatureCollection'; features: BlockFeature[] }

/** What a planner asks for; the same names as POST /api/partitions. */
export interface PartitionParams {
  targetHouseholds?: number | null;
  targetPeople?: number | null;
  tolerance: number;
  hardClasses: string[];
  preferredClasses: string[];
  keepLowerBorders: boolean;
  rural: boolean;
  seed: number;
  baselines?: boolean;
}

export interface Job {
  id: number; jurisdictionId: number; parentCode: string | null; status: JobStatus; stage: string; progress: number;
  params: PartitionParams; createdAt: string; finishedAt: string | null; error: { code?: string; message?: string } | null;
  publishedChangeSetId: number | null;
  result: {
    by: 'households' | 'people'; target: number; band: [number, number];
    metrics: Summary | null; current: VariantResult | null;
    baselines: { h3: VariantResult; kmeans: VariantResult } | null;
    runtimeMs: number;
    /** In one job (GET /api/partitions/:id). */
    grids?: GridCollection;
    /** In the list of recent jobs, instead of the grids. */
    gridCount?: number;
  } | null;
}

export interface Move { block: number; to: number }
export interface AppliedMove extends Move { from: number }
/** The answer to every edit: grids changed, emptied (removed) and created (a split, or an emptied grid brought back), the moves applied. */
export interface MoveResult { changed: number[]; removed: number[]; created: number[]; moves: AppliedMove[]; metrics: Summary | null }

export interface Finding { kind: string; severity: 'error' | 'warning' | 'sliver'; codes: (string | null)[]; message: string; households?: number; areaM2: number | null }
export interface TopologyReport { ok: boolean; checkedGrids: number; errors: Finding[]; warnings: Finding[]; slivers: Finding[]; householdsBand: { min: number; max: number } | null }
export interface PublishResult { changeSetId: number; opened: number; closed: number; report?: TopologyReport }

export interface AreaChoice { code: string; name: string; nameEn: string | null; tier: number; households: number; geometry: GeoJSON.Geometry | null }

/** An API error that keeps the body's details (the publish route's topology report). */
export class PlannerApiError extends ApiError {
  constructor(status: number, code: string, message: string, public details: unknown) {
    super(status, code, message);
  }
}

async function call<T>(path: string, token: string | null, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new PlannerApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`, err?.details ?? null);
  }
  return body as T;
}

/** The grids of one tier that a planner can cut (GET /api/grids, simplified for the picker's outline). */
export async function listAreas(jurisdictionId: number, tier: number, token: string | null): Promise<AreaChoice[]> {
  const qs = new URLSearchParams({ jurisdiction: String(jurisdictionId), tier: String(tier), simplify: '0.00005' });
  const fc = await call<{ features: { properties: { code: string; name: string; nameEn: string | null; tier: number; households: number }; geometry: GeoJSON.Geometry | null }[] }>(`/api/grids?${qs}`, token);
  return fc.features
    .map((f) => ({ code: f.properties.code, name: f.properties.name, nameEn: f.properties.nameEn ?? null, tier: f.properties.tier, households: f.properties.households ?? 0, geometry: f.geometry }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

export type AreaInput = { parentCode: string; jurisdictionId?: number } | { area: GeoJSON.Polygon; jurisdictionId: number };

export function startJob(input: AreaInput, params: PartitionParams, token: string | null): Promise<{ id: number; status: JobStatus }> {
  // The server refuses nulls: a target it was not given is left out.
  const body: Record<string, unknown> = { ...input, ...params };
  for (const k of Object.keys(body)) if (body[k] === null || body[k] === undefined) delete body[k];
  return call('/api/partitions', token, { method: 'POST', body });
}

export const getJob = (id: number, token: string | null, signal?: AbortSignal) => call<Job>(`/api/partitions/${id}`, token, { signal });
export const listJobs = (jurisdictionId: number, token: string | null) => call<Job[]>(`/api/partitions?jurisdiction=${jurisdictionId}`, token);
export const cancelJob = (id: number, token: string | null) => call<{ status: JobStatus }>(`/api/partitions/${id}/cancel`, token, { method: 'POST' });
export const variantGrids = (id: number, variant: Variant, token: string | null) => call<GridCollection>(`/api/partitions/${id}/grids?variant=${variant}`, token);
export const jobBlocks = (id: number, token: string | null) => call<BlockCollection>(`/api/partitions/${id}/blocks`, token);
export const sendMoves = (id: number, moves: Move[], token: string | null) => call<MoveResult>(`/api/partitions/${id}/moves`, token, { method: 'POST', body: { moves } });
export const splitGrid = (id: number, grid: number, token: string | null) => call<MoveResult>(`/api/partitions/${id}/split`, token, { method: 'POST', body: { grid } });
export const redrawEdge = (id: number, from: number, to: number, geometry: GeoJSON.LineString | GeoJSON.Polygon, token: string | null) =>
  call<MoveResult>(`/api/partitions/${id}/redraw`, token, { method: 'POST', body: { from, to, geometry } });
export const publishJob = (id: number, acceptWarnings: boolean, summary: string, token: string | null) =>
  call<PublishResult>(`/api/partitions/${id}/publish`, token, { method: 'POST', body: { acceptWarnings, summary } });

/**
 * The topology check of the edited proposal as publishing would run it, on the stored grids
 * (nothing is written; the grids the client holds are rounded to ~1 cm and would show slivers
 * against the parent that publishing never meets).
 */
export const checkProposal = (jobId: number, token: string | null): Promise<TopologyReport> => call(`/api/partitions/${jobId}/check`, token);

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
});

/** A 5xx or a dropped connection: worth asking again. A 4xx is an answer. */
export const transient = (e: unknown) => (e instanceof ApiError ? e.status >= 500 : e instanceof TypeError);

/** Calls `fn` again after a transient failure (up to `tries` times, waiting longer each time). */
export async function withRetry<T>(fn: () => Promise<T>, signal?: AbortSignal, retryIf: (e: unknown) => boolean = transient, tries = 5, waitMs = 1000): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (signal?.aborted || !retryIf(e) || i >= tries) throw e;
      await sleep(waitMs * i, signal);
    }
  }
}

/**
 * Waits for a job to end, polling; `onJob` sees every state. A server hiccup does not end the
 * wait: on the embedded database a poll during a job's last stages has been answered with a 500
 * or even a 404 for the job just created (seen in the browser tests), so those are asked again.
 */
export async function waitForJob(id: number, token: string | null, onJob: (j: Job) => void, signal: AbortSignal, everyMs = 1000): Promise<Job> {
  const retryIf = (e: unknown) => transient(e) || (e instanceof ApiError && e.status === 404);
  for (;;) {
    const job = await withRetry(() => getJob(id, token, signal), signal, retryIf);
    onJob(job);
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await sleep(everyMs, signal);
  }
}

/** The classes the server uses by default (server/src/partition/params.ts). */
export const DEFAULT_HARD = ['motorway', 'trunk', 'rail', 'light_rail', 'narrow_gauge', 'river', 'canal', 'coastline'];
export const DEFAULT_PREFERRED = [
  'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian',
  'service', 'footway', 'steps', 'path', 'cycleway', 'track', 'tram', 'stream', 'subway', 'monorail', 'funicular', 'drain', 'ditch',
];
export const RURAL_PREFERRED = ['primary', 'secondary', 'tertiary', 'unclassified', 'stream', 'tram'];
export const ALL_CLASSES = [...DEFAULT_HARD, ...DEFAULT_PREFERRED];

export function defaultParams(): PartitionParams {
  return { targetHouseholds: 200, targetPeople: null, tolerance: 0.2, hardClasses: [...DEFAULT_HARD], preferredClasses: [...DEFAULT_PREFERRED], keepLowerBorders: false, rural: false, seed: 1, baselines: true };
}
