import type { AuthUser } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { badRequest } from '../core/errors.ts';
import { jurisdictionScope, SELECT_INCIDENT, toIncident, type Incident, type IncidentRow } from './repository.ts';

export interface ListQuery {
  status?: string; light?: string; category?: string; grid?: string; department?: string; class?: string; source?: string;
  bbox?: string; from?: string; to?: string; synthetic?: boolean; jurisdictionId?: number; limit: number; offset: number;
}

/** Builds the WHERE of an incident list from its filters; $1 is always the clock. */
export function listWhere(query: Omit<ListQuery, 'limit' | 'offset'>, user: AuthUser | null, now: Date): { where: string; params: unknown[] } {
  const params: unknown[] = [now];
  const cond: string[] = [];
  const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
  const scope = jurisdictionScope(user) ?? query.jurisdictionId ?? null;
  if (scope !== null) cond.push(`i.jurisdiction_id = ${p(scope)}`);
  if (query.status) cond.push(`i.status = ANY(${p(query.status.split(','))}::text[])`);
  if (query.light) cond.push(`incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, $1::timestamptz) = ${p(query.light)}`);
  if (query.category) { const c = p(query.category); cond.push(`(i.category_code = ${c} OR c.parent_code = ${c})`); }
  if (query.grid) cond.push(`i.grid_codes @> ARRAY[${p(query.grid)}::text]`);
  if (query.department) {
    const d = p(query.department);
    cond.push(/^[0-9]+$/.test(query.department) ? `i.department_id = ${d}::int` : `d.code = ${d}`);
  }
  if (query.class) cond.push(`i.class = ${p(query.class)}`);
  if (query.source) cond.push(`i.source = ${p(query.source)}`);
  if (query.bbox) {
    const [a, b, c, d] = query.bbox.split(',').map(Number);
    cond.push(`i.geom && ST_MakeEnvelope(${p(a)}, ${p(b)}, ${p(c)}, ${p(d)}, 4326)`);
  }
  if (query.from) cond.push(`i.reported_at >= ${p(query.from)}::timestamptz`);
  if (query.to) cond.push(`i.reported_at < ${p(query.to)}::timestamptz`);
  if (query.synthetic !== undefined) cond.push(`i.synthetic = ${p(query.synthetic)}`);
  return { where: cond.length ? `WHERE ${cond.join(' AND ')}` : '', params };
}

/**
 * Filter values from a known set (categories, departments, grids, jurisdictions are tables)
 * that name nothing are a client's mistake — a typo would otherwise read as "no incidents".
 * 400 naming the value; a known value that matches nothing still gives an empty list. Grids
 * are looked up in every version, since incidents keep the grid chain of their report time.
 */
export async function checkListFilters(q: Queryable, query: Pick<ListQuery, 'category' | 'department' | 'grid' | 'jurisdictionId'>): Promise<void> {
  const exists = async (sql: string, v: unknown) => (await q.query(sql, [v])).rows.length > 0;
  if (query.category !== undefined && !(await exists('SELECT 1 FROM categories WHERE code = $1', query.category))) {
    throw badRequest('unknown_category', `No category "${query.category}"; see GET /api/categories`, { category: query.category });
  }
  if (query.department !== undefined) {
    const byId = /^[0-9]+$/.test(query.department);
    // An id past the integer range names nothing (and would be a cast error in SQL).
    if ((byId && Number(query.department) > 2147483647) || !(await exists(`SELECT 1 FROM departments WHERE ${byId ? 'id = $1::int' : 'code = $1'}`, byId ? Number(query.department) : query.department))) {
      throw badRequest('unknown_department', `No department "${query.department}"; see GET /api/departments`, { department: query.department });
    }
  }
  if (query.grid !== undefined && !(await exists('SELECT 1 FROM grids WHERE code = $1 LIMIT 1', query.grid))) {
    throw badRequest('unknown_grid', `No grid "${query.grid}" (current or former)`, { grid: query.grid });
  }
  if (query.jurisdictionId !== undefined && !(await exists('SELECT 1 FROM jurisdictions WHERE id = $1', query.jurisdictionId))) {
    throw badRequest('unknown_jurisdiction', `No jurisdiction ${query.jurisdictionId}`, { jurisdictionId: query.jurisdictionId });
  }
}

export async function listIncidents(q: Queryable, query: ListQuery, user: AuthUser | null, now: Date): Promise<{ items: Incident[]; total: number }> {
  const { where, params } = listWhere(query, user, now);
  const n = params.length;
  // The page and the total are two queries: a window count over the page query would make
  // every page read the whole filtered set; this way the page walks the reported_at index.
  const { rows } = await q.query<IncidentRow>(`${SELECT_INCIDENT} ${where} ORDER BY i.reported_at DESC, i.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, query.limit, query.offset]);
  let total = query.offset + rows.length;
  if (rows.length === query.limit || (rows.length === 0 && query.offset > 0)) {
    const needsJoins = /\b[cd]\./.test(where.replace(/incident_light\([^)]*\)/g, ''));
    const from = needsJoins ? 'incidents i JOIN categories c ON c.code = i.category_code LEFT JOIN departments d ON d.id = i.department_id' : 'incidents i';
    total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n, $1::timestamptz AS at FROM ${from} ${where}`, params)).rows[0].n;
  }
  return { items: rows.map((r) => toIncident(r, user)), total };
}

export function toGeoJson(items: Incident[], total: number): object {
  return {
    type: 'FeatureCollection',
    total,
    features: items.map(({ lng, lat, ...props }) => ({ type: 'Feature', id: props.id, geometry: { type: 'Point', coordinates: [lng, lat] }, properties: props })),
  };
}
