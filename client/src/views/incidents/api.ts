import { api, ApiError } from '../../api/client.ts';
import { saveBlob } from '../../api/download.ts';

export { saveBlob };

/** What the incident centre reads from the server (see docs/incidents.md). */

export const STATUSES = ['reported', 'registered', 'rejected', 'dispatched', 'handled', 'closed', 'evaluated', 'parked'] as const;
export type Status = (typeof STATUSES)[number];
export const LIGHTS = ['red', 'yellow', 'green', 'none'] as const;
export type Light = (typeof LIGHTS)[number];
export const ACTIONS = ['register', 'reject', 'dispatch', 'handle', 'close', 'rework', 'evaluate', 'reopen', 'park', 'unpark', 'escalate', 'extend'] as const;
export type Action = (typeof ACTIONS)[number];
export const SOURCES = ['patrol', 'hotline', 'app', 'open311'] as const;
export const REPORT_CRS = ['WGS84', 'GCJ02'] as const;
export type ReportCrs = (typeof REPORT_CRS)[number];

/** The fields an action needs besides itself (mirrors server/src/incidents/workflow.ts RULES). */
export const ACTION_NEEDS: Record<Action, ('note' | 'department' | 'satisfaction' | 'approver' | 'limit')[]> = {
  register: [], reject: ['note'], dispatch: ['department'], handle: [], close: [], rework: ['note'],
  evaluate: ['satisfaction'], reopen: ['note'], park: ['note', 'approver'], unpark: [], escalate: ['note'], extend: ['note', 'limit'],
};

export interface ChainLink { code: string; name: string; nameEn?: string | null; tier: number; tierName?: string | null; tierNameEn?: string | null }

export interface Incident {
  id: number;
  jurisdictionId: number;
  status: Status;
  class: 'ordinary' | 'immediate' | 'emergency';
  category: { code: string; name: string; nameEn: string; parentCode: string | null };
  description: string;
  source: string;
  lng: number;
  lat: number;
  gridCode: string | null;
  gridChain: ChainLink[];
  tier: number | null;
  department: { id: number; code: string; name: string; nameEn: string | null } | null;
  times: Record<string, string | null>;
  deadlines: { handleWarnAt: string | null; handleDueAt: string | null; closeWarnAt: string | null; closeDueAt: string | null };
  light: Light;
  satisfaction: number | null;
  reworkCount: number;
  escalationCount: number;
  extended: boolean;
  park: { reason: string | null; approver: string | null; from: string | null } | null;
  rejectReason: string | null;
  version: number;
  reporterContact?: string | null;
  allowedActions: Action[];
}

export interface HistoryEntry {
  id: number; at: string; username: string | null; action: string; fromStatus: string | null; toStatus: string;
  note: string | null; data: Record<string, unknown>; attachments: number[];
}

export interface IncidentDetail extends Incident {
  history: HistoryEntry[];
  photos: { id: number; contentType: string; bytes: number; url: string; createdAt: string }[];
}

export interface Category { code: string; parentCode: string | null; name: string; nameEn: string; class: string; children?: Category[] }
export interface Department { id: number; code: string; name: string; nameEn: string | null }

export interface Filters {
  status: string;
  light: string;
  category: string;
  grid: string;
  department: string;
  /** Reported in the last n days ('' = any time), or 'custom' with from/to (yyyy-mm-dd). */
  period: string;
  from: string;
  to: string;
}

export const EMPTY_FILTERS: Filters = { status: '', light: '', category: '', grid: '', department: '', period: '', from: '', to: '' };
export const PAGE_SIZE = 20;

/** The query string of GET /api/incidents for these filters and this page; `now` makes it testable. */
export function listQuery(f: Filters, page: number, now = new Date()): URLSearchParams {
  const qs = new URLSearchParams();
  for (const k of ['status', 'light', 'category', 'grid', 'department'] as const) if (f[k].trim()) qs.set(k, f[k].trim());
  if (f.period === 'custom') {
    // Whole local days: from the start of `from` to the end of `to`.
    if (f.from) qs.set('from', new Date(`${f.from}T00:00:00`).toISOString());
    if (f.to) qs.set('to', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  } else if (f.period) {
    qs.set('from', new Date(now.getTime() - Number(f.period) * 86_400_000).toISOString());
  }
  qs.set('limit', String(PAGE_SIZE));
  qs.set('offset', String(page * PAGE_SIZE));
  return qs;
}

export function listIncidents(f: Filters, page: number, token: string | null, signal?: AbortSignal): Promise<{ items: Incident[]; total: number }> {
  return api(`/api/incidents?${listQuery(f, page)}`, { token, signal });
}

export function getIncident(id: number, token: string | null, signal?: AbortSignal): Promise<IncidentDetail> {
  return api(`/api/incidents/${id}`, { token, signal });
}

export function loadCategories(): Promise<Category[]> {
  return api('/api/categories');
}

export function loadDepartments(token: string | null): Promise<Department[]> {
  return api('/api/departments', { token });
}

/** An action refused by the server, with the actions it allows now (409 illegal_action, 403). */
export class ActionError extends ApiError {
  constructor(status: number, code: string, message: string, public allowed: Action[] | null) {
    super(status, code, message);
  }
}

export interface ActionBody {
  action: Action;
  note?: string;
  department?: string;
  satisfaction?: number;
  approver?: string;
  limit?: string;
  version?: number;
}

/** POST /api/incidents/:id/actions; on 409/403 the error carries `allowed` from the body's details. */
export async function takeAction(id: number, body: ActionBody, token: string | null): Promise<Incident> {
  const res = await fetch(`/api/incidents/${id}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: { allowed?: Action[] } } } | null)?.error;
    throw new ActionError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`, err?.details?.allowed ?? null);
  }
  return data as Incident;
}

/** Which fields of an action form are missing; empty when it can be sent. */
export function missingFields(action: Action, body: Omit<ActionBody, 'action'>): string[] {
  return ACTION_NEEDS[action].filter((k) => {
    const v = body[k];
    if (k === 'satisfaction') return !(typeof v === 'number' && v >= 1 && v <= 5);
    if (k === 'limit') return !(typeof v === 'string' && /^[0-9]+(\.[0-9]+)?(h|d|wh|wd)$/.test(v));
    return typeof v !== 'string' || !v.trim();
  });
}

export interface ReportInput {
  lng: number;
  lat: number;
  crs: ReportCrs;
  category: string;
  description: string;
  source: string;
  reporterContact?: string;
}

/**
 * POST /api/incidents with an Idempotency-Key: the caller keeps the key for one form fill, so
 * a retry after a lost answer returns the same incident instead of a second one.
 */
export function reportIncident(input: ReportInput, key: string, token: string | null): Promise<Incident> {
  const body: Record<string, unknown> = { ...input };
  if (!input.reporterContact) delete body.reporterContact;
  return api('/api/incidents', { method: 'POST', token, headers: { 'idempotency-key': key }, body: JSON.stringify(body) });
}

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** Why a chosen file cannot be a photo (checked before sending; the server checks the bytes again). */
export function photoProblem(file: { size: number; type: string }): 'tooBig' | 'badType' | null {
  if (!PHOTO_TYPES.includes(file.type)) return 'badType';
  if (file.size > PHOTO_MAX_BYTES) return 'tooBig';
  return null;
}

/** POST /api/incidents/:id/photos (multipart, field "file"). */
export async function uploadPhoto(id: number, file: Blob, token: string | null): Promise<{ id: number; url: string }> {
  const form = new FormData();
  form.append('file', file);
  // Not through api(): that would label the body JSON; the browser sets the multipart boundary.
  const res = await fetch(`/api/incidents/${id}/photos`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }
  return body as { id: number; url: string };
}

export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Parses typed coordinates: decimal degrees, "lng, lat" or two fields; null when out of range. */
export function parseCoordinate(text: string, kind: 'lng' | 'lat'): number | null {
  const v = Number(text.trim());
  if (!text.trim() || !Number.isFinite(v)) return null;
  return Math.abs(v) <= (kind === 'lng' ? 180 : 90) ? v : null;
}

export type AssessmentBy = 'grid' | 'department' | 'officer' | 'tier';

export interface Figures {
  key: string | null; name: string | null; rank: number | null;
  due: number; closed: number; onTime: number; reworked: number; extended: number; parked: number;
  closureRate: number | null; onTimeRate: number | null; reworkRate: number | null; extensionRate: number | null;
  avgHandlingHours: number | null; avgSatisfaction: number | null; score: number | null;
  emergencyDue: number; emergencyClosed: number; yellow: number; red: number;
}

export interface Assessment { by: AssessmentBy; from: string; to: string; total: Figures; rows: Figures[] }

export function assessmentQuery(by: AssessmentBy, fromDay: string, toDay: string, format?: 'csv'): string {
  const qs = new URLSearchParams({ by, from: new Date(`${fromDay}T00:00:00`).toISOString(), to: new Date(new Date(`${toDay}T00:00:00`).getTime() + 86_400_000).toISOString() });
  if (format) qs.set('format', format);
  return `/api/assessment?${qs}`;
}

export function loadAssessment(by: AssessmentBy, fromDay: string, toDay: string, token: string | null, signal?: AbortSignal): Promise<Assessment> {
  return api(assessmentQuery(by, fromDay, toDay), { token, signal });
}

/** The server's CSV (UTF-8 with BOM), fetched with the bearer token and handed to the browser as a download. */
export async function downloadAssessmentCsv(by: AssessmentBy, fromDay: string, toDay: string, token: string | null): Promise<void> {
  const res = await fetch(assessmentQuery(by, fromDay, toDay, 'csv'), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, 'http_error', `HTTP ${res.status}`);
  saveBlob(await res.blob(), `assessment-${by}-${fromDay}-${toDay}.csv`);
}


/** yyyy-mm-dd of a date in local time (what <input type="date"> shows). */
export function dayString(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
