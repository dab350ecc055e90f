import type { FastifyInstance } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { limitProblem } from './calendar.ts';

const limit = { type: ['string', 'null'], pattern: '^[0-9]+(\\.[0-9]+)?(h|d|wh|wd)$' } as const;
const categoryOut = {
  type: 'object',
  properties: {
    code: { type: 'string' }, parentCode: { type: ['string', 'null'] }, name: { type: 'string' }, nameEn: { type: 'string' },
    class: { type: 'string' }, handleLimit: { type: ['string', 'null'] }, closeLimit: { type: ['string', 'null'] },
    departmentCode: { type: ['string', 'null'] }, sort: { type: 'integer' }, active: { type: 'boolean' },
    children: { type: 'array', items: { $ref: 'IncidentCategory#' } },
  },
} as const;
const categoryBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    parentCode: { type: ['string', 'null'] }, name: { type: 'string', minLength: 1, maxLength: 100 }, nameEn: { type: 'string', minLength: 1, maxLength: 100 },
    class: { type: 'string', enum: ['ordinary', 'immediate', 'emergency'] }, handleLimit: limit, closeLimit: limit,
    departmentCode: { type: ['string', 'null'] }, sort: { type: 'integer' }, active: { type: 'boolean' },
  },
} as const;
const departmentOut = {
  type: 'object',
  properties: { id: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] }, tier: { type: ['integer', 'null'] }, jurisdictionId: { type: ['integer', 'null'] }, active: { type: 'boolean' } },
} as const;

interface CategoryBody { parentCode?: string | null; name?: string; nameEn?: string; class?: string; handleLimit?: string | null; closeLimit?: string | null; departmentCode?: string | null; sort?: number; active?: boolean }
const COLS: Record<keyof CategoryBody, string> = { parentCode: 'parent_code', name: 'name', nameEn: 'name_en', class: 'class', handleLimit: 'handle_limit', closeLimit: 'close_limit', departmentCode: 'department_code', sort: 'sort', active: 'active' };
const SELECT_CATEGORIES = `SELECT code, parent_code AS "parentCode", name, name_en AS "nameEn", class, handle_limit AS "handleLimit",
  close_limit AS "closeLimit", department_code AS "departmentCode", sort, active FROM categories`;

/** Categories (two levels, with codes) and departments: read by everyone, edited by admins. */
export default async function catalogRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  app.addSchema({ $id: 'IncidentCategory', ...categoryOut });

  app.get<{ Querystring: { flat?: boolean; all?: boolean } }>('/api/categories', {
    schema: {
      tags: ['incidents'], summary: 'Incident categories: majors with their minor categories (public)',
      querystring: { type: 'object', additionalProperties: false, properties: { flat: { type: 'boolean', default: false }, all: { type: 'boolean', default: false, description: 'include inactive ones' }, access_token: { type: 'string' } } },
      response: { 200: { type: 'array', items: { $ref: 'IncidentCategory#' } } },
    },
  }, async (request) => {
    const { rows } = await db.query<{ code: string; parentCode: string | null; children?: unknown[] }>(`${SELECT_CATEGORIES} WHERE $1 OR active ORDER BY sort, code`, [request.query.all ?? false]);
    if (request.query.flat) return rows;
    const majors = rows.filter((r) => !r.parentCode).map((r) => ({ ...r, children: [] as unknown[] }));
    for (const r of rows) if (r.parentCode) majors.find((m) => m.code === r.parentCode)?.children.push(r);
    return majors;
  });

  app.put<{ Params: { code: string }; Body: CategoryBody }>('/api/categories/:code', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['incidents'], summary: 'Create or change a category (admin)', security: bearerSecurity,
      params: { type: 'object', properties: { code: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,20}$' } } },
      body: categoryBody, response: { 200: { $ref: 'IncidentCategory#' } },
    },
  }, async (request) => {
    const { code } = request.params;
    const b = request.body;
    for (const key of ['handleLimit', 'closeLimit'] as const) {
      const problem = typeof b[key] === 'string' ? limitProblem(b[key] as string) : null;
      if (problem) throw unprocessable('bad_limit', `Bad ${key}: ${problem}`, { field: key });
    }
    return db.tx(async (q) => {
      const existing = (await q.query('SELECT 1 FROM categories WHERE code = $1 FOR UPDATE', [code])).rows.length > 0;
      if (b.parentCode) {
        const parent = await q.query<{ parent_code: string | null }>('SELECT parent_code FROM categories WHERE code = $1', [b.parentCode]);
        if (!parent.rows[0]) throw unprocessable('unknown_parent', `No category "${b.parentCode}"`);
        if (parent.rows[0].parent_code) throw unprocessable('too_deep', 'Categories have two levels: the parent must be a major category');
      }
      if (!existing) {
        if (!b.name || !b.nameEn) throw unprocessable('missing_field', 'A new category needs name and nameEn');
        await q.query('INSERT INTO categories (code, name, name_en) VALUES ($1, $2, $3)', [code, b.name, b.nameEn]);
      }
      const keys = (Object.keys(b) as (keyof CategoryBody)[]).filter((k) => b[k] !== undefined);
      if (keys.length) await q.query(`UPDATE categories SET ${keys.map((k, i) => `${COLS[k]} = $${i + 2}`).join(', ')} WHERE code = $1`, [code, ...keys.map((k) => b[k])]);
      await audit(q, request.user, existing ? 'update' : 'create', 'category', code, b as Record<string, unknown>);
      return (await q.query(`${SELECT_CATEGORIES} WHERE code = $1`, [code])).rows[0];
    });
  });

  app.get<{ Querystring: { jurisdictionId?: number } }>('/api/departments', {
    schema: {
      tags: ['incidents'], summary: 'Departments cases can be dispatched to (shared ones and the jurisdiction\'s own)',
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdictionId: { type: 'integer' }, access_token: { type: 'string' } } },
      response: { 200: { type: 'array', items: departmentOut } },
    },
  }, async (request) => {
    const jid = request.user?.jurisdictionId ?? request.query.jurisdictionId ?? null;
    const { rows } = await db.query(
      `SELECT id, code, name, name_en AS "nameEn", tier, jurisdiction_id AS "jurisdictionId", active FROM departments
        WHERE active AND (jurisdiction_id IS NULL OR $1::int IS NULL OR jurisdiction_id = $1::int) ORDER BY sort, id`, [jid]);
    return rows;
  });

  app.post<{ Body: { code: string; name: string; nameEn?: string; tier?: number; jurisdictionId?: number } }>('/api/departments', {
    preHandler: requireRole('admin'),
    schema: {
      tags: ['incidents'], summary: 'Add a department (admin)', security: bearerSecurity,
      body: { type: 'object', required: ['code', 'name'], additionalProperties: false, properties: { code: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$' }, name: { type: 'string', minLength: 1, maxLength: 100 }, nameEn: { type: 'string', maxLength: 100 }, tier: { type: 'integer', minimum: 1, maximum: 5 }, jurisdictionId: { type: 'integer' } } },
      response: { 201: departmentOut },
    },
  }, async (request, reply) => {
    const b = request.body;
    const dep = await db.tx(async (q) => {
      if ((await q.query('SELECT 1 FROM departments WHERE code = $1', [b.code])).rows.length) throw conflict('department_exists', `Department "${b.code}" exists`);
      if (b.jurisdictionId && !(await q.query('SELECT 1 FROM jurisdictions WHERE id = $1', [b.jurisdictionId])).rows.length) throw notFound('jurisdiction_not_found', `No jurisdiction ${b.jurisdictionId}`);
      const { rows } = await q.query(`INSERT INTO departments (code, name, name_en, tier, jurisdiction_id) VALUES ($1, $2, $3, $4, $5)
        RETURNING id, code, name, name_en AS "nameEn", tier, jurisdiction_id AS "jurisdictionId", active`, [b.code, b.name, b.nameEn ?? null, b.tier ?? null, b.jurisdictionId ?? null]);
      await audit(q, request.user, 'create', 'department', rows[0].id, b);
      return rows[0];
    });
    return reply.status(201).send(dep);
  });
}
