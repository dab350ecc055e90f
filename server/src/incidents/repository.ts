import crypto from 'node:crypto';
import type { AuthUser } from '../core/auth.ts';
import { sqlFile, type Queryable } from '../core/db.ts';
import { HttpError, notFound, unprocessable } from '../core/errors.ts';
import { locatePoints, type ChainLink } from '../grids/locate.ts';
import { deadlinesFor, loadSettings, type IncidentClass } from './settings.ts';
import { allowedActions, type Status } from './workflow.ts';

/** Roles that see a reporter's contact (personal data). */
export const CONTACT_ROLES = ['dispatcher'] as const;
export const seesContact = (user: AuthUser | null) => !!user && (user.roles.includes('admin') || user.roles.includes('dispatcher'));

export const SELECT_INCIDENT = sqlFile(import.meta.url, 'sql/select-incident.sql');

export interface IncidentRow {
  id: number; jurisdiction_id: number; status: Status; class: IncidentClass; category_code: string;
  category_name: string; category_name_en: string; category_parent: string | null; description: string; source: string;
  lng: number; lat: number; grid_code: string | null; grid_chain: ChainLink[]; tier: number | null;
  department_id: number | null; department_code: string | null; department_name: string | null; department_name_en: string | null;
  reported_at: Date; registered_at: Date | null; dispatched_at: Date | null; handled_at: Date | null; closed_at: Date | null;
  evaluated_at: Date | null; parked_at: Date | null;
  handle_warn_at: Date | null; handle_due_at: Date | null; close_warn_at: Date | null; close_due_at: Date | null;
  light: 'green' | 'yellow' | 'red' | 'none'; satisfaction: number | null; rework_count: number; reopen_count: number;
  escalation_count: number; extended: boolean; closed_tier: number | null; closed_department_id: number | null;
  park_reason: string | null; park_approver: string | null; parked_from: Status | null; reject_reason: string | null;
  version: number; synthetic: boolean; reporter_contact: string | null; reported_by: number | null; handled_by: number | null;
  idempotency_key: string | null;
}

export interface Incident {
  id: number; jurisdictionId: number; status: Status; class: IncidentClass;
  category: { code: string; name: string; nameEn: string; parentCode: string | null };
  description: string; source: string; lng: number; lat: number;
  gridCode: string | null; gridChain: ChainLink[]; tier: number | null;
  department: { id: number; code: string; name: string; nameEn: string | null } | null;
  times: Record<string, string | null>;
  deadlines: { handleWarnAt: string | null; handleDueAt: string | null; closeWarnAt: string | null; closeDueAt: string | null };
  light: string; satisfaction: number | null; reworkCount: number; reopenCount: number; escalationCount: number; extended: boolean;
  closedTier: number | null; closedDepartmentId: number | null;
  park: { reason: string | null; approver: string | null; from: string | null } | null;
  rejectReason: string | null; version: number; synthetic: boolean;
  reporterContact?: string | null;
  allowedActions: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toIncident(r: IncidentRow, user: AuthUser | null): Incident {
  const out: Incident = {
    id: r.id, jurisdictionId: r.jurisdiction_id, status: r.status, class: r.class,
    category: { code: r.category_code, name: r.category_name, nameEn: r.category_name_en, parentCode: r.category_parent },
    description: r.description, source: r.source, lng: r.lng, lat: r.lat,
    gridCode: r.grid_code, gridChain: r.grid_chain, tier: r.tier,
    department: r.department_id ? { id: r.department_id, code: r.department_code!, name: r.department_name!, nameEn: r.department_name_en } : null,
    times: {
      reportedAt: iso(r.reported_at), registeredAt: iso(r.registered_at), dispatchedAt: iso(r.dispatched_at),
      handledAt: iso(r.handled_at), closedAt: iso(r.closed_at), evaluatedAt: iso(r.evaluated_at), parkedAt: iso(r.parked_at),
    },
    deadlines: { handleWarnAt: iso(r.handle_warn_at), handleDueAt: iso(r.handle_due_at), closeWarnAt: iso(r.close_warn_at), closeDueAt: iso(r.close_due_at) },
    light: r.light, satisfaction: r.satisfaction, reworkCount: r.rework_count, reopenCount: r.reopen_count,
    escalationCount: r.escalation_count, extended: r.extended, closedTier: r.closed_tier, closedDepartmentId: r.closed_department_id,
    park: r.status === 'parked' || r.park_reason ? { reason: r.park_reason, approver: r.park_approver, from: r.parked_from } : null,
    rejectReason: r.reject_reason, version: r.version, synthetic: r.synthetic,
    allowedActions: user ? allowedActions(r.status, user.roles) : [],
  };
  if (seesContact(user)) out.reporterContact = r.reporter_contact;
  return out;
}

/** A user bound to a jurisdiction sees only its cases; others see all. */
export function jurisdictionScope(user: AuthUser | null): number | null {
  return user?.jurisdictionId ?? null;
}

export async function getIncidentRow(q: Queryable, id: number, now: Date, user: AuthUser | null, lock = false): Promise<IncidentRow> {
  const { rows } = await q.query<IncidentRow>(`${SELECT_INCIDENT} WHERE i.id = $2 AND ($3::int IS NULL OR i.jurisdiction_id = $3::int)${lock ? ' FOR UPDATE OF i' : ''}`,
    [now, id, jurisdictionScope(user)]);
  if (!rows[0]) throw notFound('incident_not_found', `No incident ${id}`);
  return rows[0];
}

export interface HistoryEntry {
  id: number; at: string; userId: number | null; username: string | null; action: string;
  fromStatus: string | null; toStatus: string; note: string | null; data: Record<string, unknown>; attachments: number[];
}

export async function getHistory(q: Queryable, id: number): Promise<HistoryEntry[]> {
  const { rows } = await q.query<{ id: number; at: Date; user_id: number | null; username: string | null; action: string; from_status: string | null; to_status: string; note: string | null; data: Record<string, unknown>; attachments: number[] }>(
    'SELECT id, at, user_id, username, action, from_status, to_status, note, data, attachments FROM incident_history WHERE incident_id = $1 ORDER BY id', [id]);
  return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), userId: r.user_id, username: r.username, action: r.action, fromStatus: r.from_status, toStatus: r.to_status, note: r.note, data: r.data, attachments: r.attachments }));
}

export async function appendHistory(q: Queryable, e: { incidentId: number; at: Date; user: AuthUser | null; action: string; from: string | null; to: string; note?: string | null; data?: Record<string, unknown>; attachments?: number[] }): Promise<void> {
  await q.query(
    `INSERT INTO incident_history (incident_id, at, user_id, username, action, from_status, to_status, note, data, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.incidentId, e.at, e.user?.id ?? null, e.user?.username ?? null, e.action, e.from, e.to, e.note ?? null, JSON.stringify(e.data ?? {}), JSON.stringify(e.attachments ?? [])]);
}

export interface CategoryRow { code: string; parent_code: string | null; class: IncidentClass; handle_limit: string | null; close_limit: string | null; department_code: string | null; active: boolean }

export async function getCategory(q: Queryable, code: string): Promise<CategoryRow> {
  const { rows } = await q.query<CategoryRow>('SELECT code, parent_code, class, handle_limit, close_limit, department_code, active FROM categories WHERE code = $1', [code]);
  if (!rows[0] || !rows[0].active) throw unprocessable('unknown_category', `No category "${code}"; see GET /api/categories`);
  return rows[0];
}

export interface NewIncident {
  lng: number; lat: number; category: string; description: string; source: string; class?: IncidentClass;
  reporterContact?: string; idempotencyKey?: string; jurisdictionId?: number; synthetic?: boolean;
}

/**
 * Writes a report: locates it (the grid chain is kept as it was at report time), works out
 * class and deadlines, and writes its first history line, all in the caller's transaction.
 * Answers the incident id and whether it was a replay of an earlier Idempotency-Key.
 */
export async function createIncident(q: Queryable, input: NewIncident, user: AuthUser | null, now: Date): Promise<{ id: number; replay: boolean; jurisdictionId: number; gridCodes: string[] }> {
  const reporter = user?.id ?? null;
  const fingerprint = input.idempotencyKey ? reportFingerprint(input) : null;
  if (input.idempotencyKey) {
    const prior = await findByKey(q, reporter, input.idempotencyKey);
    if (prior) return { ...sameReport(prior, input.idempotencyKey, fingerprint!), replay: true };
  }
  const category = await getCategory(q, input.category);
  const scope = user?.jurisdictionId ?? input.jurisdictionId;
  const [located] = await locatePoints(q, [{ lng: input.lng, lat: input.lat }], { asOf: now, jurisdictionId: scope ?? undefined });
  if (!located) throw unprocessable('outside_grids', `The point ${input.lng}, ${input.lat} lies in no grid${scope ? ' of your jurisdiction' : ''}`, { lng: input.lng, lat: input.lat });
  const cls = input.class ?? category.class;
  const settings = await loadSettings(q, located.jurisdictionId);
  const d = deadlinesFor(now, cls, category, settings);
  const leaf = located.chain[located.chain.length - 1];
  const { rows } = await q.query<{ id: number }>(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, description, source, grid_code, chain_id, grid_codes, tier,
                            reported_at, reporter_contact, class, handle_warn_at, handle_due_at, close_warn_at, close_due_at,
                            reported_by, idempotency_key, synthetic, idempotency_fingerprint)
     VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, grid_chain_id($8::jsonb), $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
     ON CONFLICT ((COALESCE(reported_by, 0)), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [located.jurisdictionId, input.lng, input.lat, category.code, input.description, input.source, leaf.code, JSON.stringify(located.chain),
      located.chain.map((c) => c.code), leaf.tier, now, input.reporterContact ?? null, cls, d.handleWarnAt, d.handleDueAt, d.closeWarnAt, d.closeDueAt,
      reporter, input.idempotencyKey ?? null, input.synthetic ?? false, fingerprint]);
  if (!rows[0]) {
    // A concurrent retry with the same key committed first: answer its incident.
    const prior = await findByKey(q, reporter, input.idempotencyKey!);
    if (!prior) throw new HttpError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is still in progress; retry');
    return { ...sameReport(prior, input.idempotencyKey!, fingerprint!), replay: true };
  }
  const id = rows[0].id;
  await appendHistory(q, { incidentId: id, at: now, user, action: 'report', from: null, to: 'reported', note: null, data: { source: input.source, category: category.code, class: cls, gridCode: leaf.code } });
  await q.query("SELECT bump_layer_version('incidents')");
  return { id, replay: false, jurisdictionId: located.jurisdictionId, gridCodes: located.chain.map((c) => c.code) };
}

/**
 * What makes two reports the same request: every field the client sent (coordinates after
 * conversion to WGS84). Kept as a sha256 beside the key, so a retry is compared with the
 * request that made the incident, not with the incident as later steps changed it.
 */
export function reportFingerprint(input: NewIncident): string {
  const fields = [input.lng, input.lat, input.category, input.class ?? null, input.description, input.source, input.reporterContact ?? null, input.jurisdictionId ?? null];
  return crypto.createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

interface PriorReport { id: number; jurisdictionId: number; gridCodes: string[]; fingerprint: string | null }

/**
 * A key reused with a different report is a client bug (or two clients sharing a key): answering
 * the first incident would silently drop the second report, so it is refused. Incidents written
 * before fingerprints were kept (null) replay on the key alone, as they did.
 */
function sameReport(prior: PriorReport, key: string, fingerprint: string): Omit<PriorReport, 'fingerprint'> {
  if (prior.fingerprint !== null && prior.fingerprint !== fingerprint) {
    throw unprocessable('idempotency_key_reused', `The Idempotency-Key "${key}" was already used for a different report (incident ${prior.id}); send a new key for a new report`, { incidentId: prior.id });
  }
  return { id: prior.id, jurisdictionId: prior.jurisdictionId, gridCodes: prior.gridCodes };
}

async function findByKey(q: Queryable, reporter: number | null, key: string): Promise<PriorReport | null> {
  const { rows } = await q.query<{ id: number; jurisdiction_id: number; grid_codes: string[]; idempotency_fingerprint: string | null }>(
    'SELECT id, jurisdiction_id, grid_codes, idempotency_fingerprint FROM incidents WHERE COALESCE(reported_by, 0) = $1 AND idempotency_key = $2', [reporter ?? 0, key]);
  return rows[0] ? { id: rows[0].id, jurisdictionId: rows[0].jurisdiction_id, gridCodes: rows[0].grid_codes, fingerprint: rows[0].idempotency_fingerprint } : null;
}
