import type { FastifyInstance } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import { errorRef, jurisdictionOut, tierIn } from './schemas.ts';

interface JurisdictionBody {
  name: string; nameEn?: string; tiers: { name: string; nameEn: string }[];
  householdsMin?: number; householdsMax?: number; sliverM2?: number; codePrefix?: string;
}

const body = {
  type: 'object',
  required: ['name', 'tiers'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    nameEn: { type: 'string', maxLength: 200 },
    tiers: { type: 'array', minItems: 2, maxItems: 5, items: tierIn, description: 'Top tier first (e.g. 街道 → 社区 → 网格)' },
    householdsMin: { type: 'integer', minimum: 0, default: 100 },
    householdsMax: { type: 'integer', minimum: 0, default: 500 },
    sliverM2: { type: 'number', minimum: 0, default: 50 },
    codePrefix: { type: 'string', pattern: '^[0-9A-Za-z]{0,20}$', description: 'Prefix of generated top-tier codes (e.g. the 6-digit district code)' },
  },
} as const;

export async function listJurisdictions(q: Queryable, id: number | null): Promise<object[]> {
  const { rows } = await q.query(
    `SELECT j.id, j.name, j.name_en AS "nameEn", j.households_min AS "householdsMin", j.households_max AS "householdsMax",
            j.sliver_m2 AS "sliverM2", j.attributes->>'codePrefix' AS "codePrefix",
            coalesce((SELECT json_agg(json_build_object('level', t.level, 'name', t.name, 'nameEn', t.name_en,
                        'grids', (SELECT count(*) FROM grids g WHERE g.jurisdiction_id = j.id AND g.tier = t.level AND g.valid_to IS NULL))
                        ORDER BY t.level) FROM tiers t WHERE t.jurisdiction_id = j.id), '[]') AS tiers
       FROM jurisdictions j WHERE ($1::int IS NULL OR j.id = $1::int) ORDER BY j.id`, [id]);
  return rows;
}

export default async function jurisdictionRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;

  app.post<{ Body: JurisdictionBody }>('/api/jurisdictions', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['grids'], summary: 'Create a jurisdiction with its named tiers (2–5)', security: bearerSecurity, body,
      response: { 201: jurisdictionOut, 400: errorRef, 409: errorRef },
    },
  }, async (request, reply) => {
    const b = request.body;
    if (b.householdsMax! < b.householdsMin!) throw badRequest('bad_households_band', 'householdsMax must be at least householdsMin');
    const created = await db.tx(async (q) => {
      const taken = await q.query('SELECT 1 FROM jurisdictions WHERE name = $1', [b.name]);
      if (taken.rows.length > 0) throw conflict('jurisdiction_exists', `A jurisdiction named "${b.name}" already exists`);
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO jurisdictions (name, name_en, households_min, households_max, sliver_m2, attributes)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [b.name, b.nameEn ?? null, b.householdsMin, b.householdsMax, b.sliverM2, JSON.stringify(b.codePrefix ? { codePrefix: b.codePrefix } : {})]);
      const id = rows[0].id;
      for (const [i, t] of b.tiers.entries()) await q.query('INSERT INTO tiers (jurisdiction_id, level, name, name_en) VALUES ($1, $2, $3, $4)', [id, i + 1, t.name, t.nameEn]);
      await audit(q, request.user, 'create', 'jurisdiction', id, { name: b.name, tiers: b.tiers });
      return (await listJurisdictions(q, id))[0];
    });
    return reply.status(201).send(created);
  });

  app.get('/api/jurisdictions', {
    schema: { tags: ['grids'], summary: 'List jurisdictions with their tiers and current grid counts', response: { 200: { type: 'array', items: jurisdictionOut } } },
  }, async () => {
    return listJurisdictions(db, null);
  });

  app.get<{ Params: { id: number } }>('/api/jurisdictions/:id', {
    schema: {
      tags: ['grids'], summary: 'One jurisdiction with its tiers',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
      response: { 200: jurisdictionOut, 404: errorRef },
    },
  }, async (request) => {
    const [j] = await listJurisdictions(db, request.params.id);
    if (!j) throw notFound('jurisdiction_not_found', `No jurisdiction ${request.params.id}`);
    return j;
  });
}
