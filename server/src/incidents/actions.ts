import type { AuthUser } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { badRequest, conflict, HttpError, unprocessable } from '../core/errors.ts';
import { addLimit, parseLimit, isLimit } from './calendar.ts';
import { appendHistory, getCategory, getIncidentRow, type IncidentRow } from './repository.ts';
import { deadlinesFor, loadSettings, type IncidentClass } from './settings.ts';
import { checkAction, RULES, type Action, type Status } from './workflow.ts';

/** The longest extension (延期) one step may grant, in calendar days past the current deadline. */
export const MAX_EXTENSION_DAYS = 366;
const MAX_EXTENSION_MS = MAX_EXTENSION_DAYS * 24 * 3600 * 1000;

export interface ActionBody {
  action: Action;
  note?: string;
  /** dispatch: the department, by code or id. */
  department?: string | number;
  /** evaluate: 1–5 from the call-back. */
  satisfaction?: number;
  /** park: who approved parking the case. */
  approver?: string;
  /** extend: extra time on the close-by deadline, e.g. '3wd'. */
  limit?: string;
  /** register: correct the category or class; deadlines are worked out again. */
  category?: string;
  class?: IncidentClass;
  /** Photo ids (POST /api/incidents/:id/photos) to attach to this step. */
  attachments?: number[];
  /** Act only if the case is still at this version (optimistic check). */
  version?: number;
}

export interface ActionResult { from: Status; to: Status; jurisdictionId: number }

/**
 * Takes one step of the loop on one case. The row is locked (SELECT … FOR UPDATE) for the whole
 * transaction, so of two concurrent actions the second waits and then sees the first's result:
 * it can never act on the status the first one left behind.
 */
export async function performAction(q: Queryable, id: number, body: ActionBody, user: AuthUser, now: Date): Promise<ActionResult> {
  const row = await getIncidentRow(q, id, now, user, true);
  if (body.version !== undefined && body.version !== row.version) {
    throw conflict('version_conflict', `The incident is at version ${row.version}, not ${body.version}; reload it`, { version: row.version, status: row.status });
  }
  const check = checkAction(row.status, body.action, user.roles);
  if (!check.ok) {
    if (check.reason === 'forbidden') throw new HttpError(403, 'forbidden', `"${body.action}" needs one of the roles: ${check.required!.join(', ')}`, { required: check.required, allowed: check.allowed });
    throw conflict('illegal_action', `Cannot "${body.action}" an incident that is ${row.status}`, { status: row.status, allowed: check.allowed });
  }
  for (const need of RULES[body.action].needs ?? []) {
    const value = need === 'note' ? body.note?.trim() : body[need];
    if (value === undefined || value === '') throw badRequest('missing_field', `"${body.action}" needs "${need}"`, { field: need });
  }
  if (body.action === 'handle' && user.departmentId && row.department_id && user.departmentId !== row.department_id && !user.roles.includes('admin') && !user.roles.includes('dispatcher')) {
    throw new HttpError(403, 'other_department', 'This case is dispatched to another department');
  }
  if (body.attachments?.length) {
    const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_photos WHERE incident_id = $1 AND id = ANY($2::bigint[])', [id, body.attachments]);
    if (rows[0].n !== new Set(body.attachments).size) throw unprocessable('unknown_attachment', 'Attachments must be photos uploaded to this incident');
  }

  const set: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  let to: Status = check.to ?? row.status;
  switch (body.action) {
    case 'register': {
      set.registered_at = now;
      if (body.category || body.class) {
        const category = await getCategory(q, body.category ?? row.category_code);
        const cls = body.class ?? (body.category ? category.class : row.class);
        const d = deadlinesFor(row.reported_at, cls, category, await loadSettings(q, row.jurisdiction_id));
        Object.assign(set, { category_code: category.code, class: cls, handle_warn_at: d.handleWarnAt, handle_due_at: d.handleDueAt, close_warn_at: d.closeWarnAt, close_due_at: d.closeDueAt });
        Object.assign(data, { category: category.code, class: cls });
      }
      break;
    }
    case 'reject': set.reject_reason = body.note; break;
    case 'dispatch': {
      const dep = await findDepartment(q, body.department!, row.jurisdiction_id);
      Object.assign(set, { department_id: dep.id, dispatched_at: now });
      Object.assign(data, { department: dep.code, previousDepartmentId: row.department_id });
      break;
    }
    case 'handle': Object.assign(set, { handled_at: now, handled_by: user.id }); break;
    case 'close': Object.assign(set, { closed_at: now, closed_tier: row.tier, closed_department_id: row.department_id }); break;
    case 'rework': Object.assign(set, { handled_at: null, rework_count: row.rework_count + 1 }); break;
    case 'evaluate': Object.assign(set, { satisfaction: body.satisfaction, evaluated_at: now }); data.satisfaction = body.satisfaction; break;
    case 'reopen':
      Object.assign(set, { closed_at: null, evaluated_at: null, handled_at: null, satisfaction: null, closed_tier: null, closed_department_id: null, reopen_count: row.reopen_count + 1 });
      data.satisfaction = row.satisfaction;
      break;
    case 'park': Object.assign(set, { parked_at: now, parked_from: row.status, park_reason: body.note, park_approver: body.approver }); break;
    case 'unpark': {
      to = row.parked_from ?? 'registered';
      // The clock stood still while parked: every deadline moves on by the time spent parked.
      const parkedMs = now.getTime() - (row.parked_at ?? now).getTime();
      const shift = (d: Date | null) => (d ? new Date(d.getTime() + parkedMs) : null);
      Object.assign(set, { parked_at: null, parked_from: null, handle_warn_at: shift(row.handle_warn_at), handle_due_at: shift(row.handle_due_at), close_warn_at: shift(row.close_warn_at), close_due_at: shift(row.close_due_at) });
      data.parkedHours = Math.round(parkedMs / 36e3) / 100;
      break;
    }
    case 'escalate': {
      const tier = row.tier ?? 1;
      if (tier <= 1) throw conflict('top_tier', 'The case is already at the top tier; it cannot be escalated further', { tier });
      Object.assign(set, { tier: tier - 1, escalation_count: row.escalation_count + 1 });
      // The higher tier decides anew where it goes: a dispatched case comes back for dispatch.
      if (row.status === 'dispatched') { to = 'registered'; set.department_id = null; }
      Object.assign(data, { fromTier: tier, toTier: tier - 1 });
      break;
    }
    case 'extend': {
      if (!isLimit(body.limit!)) throw badRequest('bad_limit', `Bad limit "${body.limit}": use <n>h, <n>d, <n>wh or <n>wd`);
      const limit = parseLimit(body.limit!);
      // "0h" would log an extension that moves nothing and still count the case as extended.
      if (!(limit.n > 0)) throw badRequest('bad_limit', `An extension must add time: "${body.limit}" adds none`);
      const r = await loadSettings(q, row.jurisdiction_id);
      const base = new Date(Math.max(now.getTime(), (row.close_due_at ?? now).getTime()));
      // A calendar walk past ten years throws, and a huge "d" gives an invalid date: both were
      // 500s. An extension is capped at a year past the current deadline.
      let due: Date;
      try { due = addLimit(base, limit, r.calendar); } catch { due = new Date(NaN); }
      if (Number.isNaN(due.getTime()) || due.getTime() - base.getTime() > MAX_EXTENSION_MS) {
        throw unprocessable('limit_too_long', `An extension may add at most ${MAX_EXTENSION_DAYS} days to the close-by deadline; "${body.limit}" adds more`, { maxDays: MAX_EXTENSION_DAYS });
      }
      Object.assign(set, { close_due_at: due, close_warn_at: addLimit(base, limit, r.calendar, r.settings.yellowShare), extended: true });
      Object.assign(data, { limit: body.limit, previousCloseDueAt: row.close_due_at?.toISOString() ?? null, closeDueAt: due.toISOString() });
      break;
    }
  }
  set.status = to;
  const cols = Object.keys(set);
  await q.query(`UPDATE incidents SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, version = version + 1 WHERE id = $1`, [id, ...cols.map((c) => set[c])]);
  await appendHistory(q, { incidentId: id, at: now, user, action: body.action, from: row.status, to, note: body.note ?? null, data, attachments: body.attachments ?? [] });
  await q.query("SELECT bump_layer_version('incidents')");
  return { from: row.status, to, jurisdictionId: row.jurisdiction_id };
}

async function findDepartment(q: Queryable, ref: string | number, jurisdictionId: number): Promise<{ id: number; code: string }> {
  const byId = typeof ref === 'number' || /^[0-9]+$/.test(ref);
  // An id past the integer range names no department (and would be a cast error, a 500).
  if (byId && Number(ref) > 2147483647) throw unprocessable('unknown_department', `No department "${ref}" for this jurisdiction; see GET /api/departments`);
  const { rows } = await q.query<{ id: number; code: string }>(
    `SELECT id, code FROM departments WHERE ${byId ? 'id = $1::int' : 'code = $1'} AND active AND (jurisdiction_id IS NULL OR jurisdiction_id = $2)`, [String(ref), jurisdictionId]);
  if (!rows[0]) throw unprocessable('unknown_department', `No department "${ref}" for this jurisdiction; see GET /api/departments`);
  return rows[0];
}

export type { IncidentRow };
