import type { Queryable } from '../core/db.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import { hasRole, type AuthUser } from '../core/auth.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

/** Roles that see staff phone numbers (personal data). */
export const STAFF_PHONE_ROLES = ['planner', 'dispatcher', 'officer'] as const;
export const seesPhones = (user: AuthUser | null) => hasRole(user, [...STAFF_PHONE_ROLES]);

export function parseAsOf(value: string | undefined): Date {
  if (value === undefined || value === '') return new Date();
  // new Date() alone took "2026-02-30" as 2 March and "1" as 2001: a wrong moment read silently.
  const d = isIsoDateTime(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw badRequest('bad_as_of', `asOf "${value}" is not an ISO date or date-time (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM], a real calendar date)`);
  return d;
}

export function parseBbox(value: string | undefined): number[] | null {
  if (!value) return null;
  const parts = value.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0] > parts[2] || parts[1] > parts[3]) {
    throw badRequest('bad_bbox', 'bbox is west,south,east,north in WGS84 degrees');
  }
  return parts;
}

/**
 * The jurisdiction a grid code belongs to: the one given, or the only one that has a grid with
 * that code at asOf (codes are unique within a jurisdiction, not across them).
 */
export async function resolveJurisdiction(q: Queryable, code: string, jurisdiction: number | undefined, asOf: Date): Promise<number> {
  if (jurisdiction !== undefined) return jurisdiction;
  const { rows } = await q.query<{ jurisdiction_id: number }>(
    'SELECT DISTINCT jurisdiction_id FROM grids WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) LIMIT 2', [code, asOf]);
  if (rows.length === 0) throw notFound('grid_not_found', `No grid ${code} at ${asOf.toISOString()}`);
  if (rows.length > 1) throw conflict('ambiguous_code', `Several jurisdictions have a grid ${code}; pass jurisdiction=<id>`);
  return rows[0].jurisdiction_id;
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);
