import type { FastifyInstance } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { notFound } from '../core/errors.ts';
import { gridsChanged } from './locate-cache.ts';
import { publishGrids, type NewGrid } from './publish.ts';
import { anyObject, errorRef, newGrid, staffMember, topologyReport } from './schemas.ts';
import { resolveJurisdiction } from './util.ts';

interface PublishBody {
  jurisdictionId: number; parentCode: string | null; tier?: number; grids: NewGrid[];
  replaceChildren?: boolean; acceptWarnings?: boolean; summary?: string;
}

interface PatchBody {
  name?: string; nameEn?: string | null; population?: number | null; attributes?: Record<string, unknown>;
  householdsOverride?: { value: number; reason: string } | null;
}

interface StaffBody { staff: { role: 'head' | 'officer'; name: string; phone?: string; publicContact?: string; userId?: number }[] }

const codeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 40 } } } as const;
const jurisdictionQuery = { type: 'object', additionalProperties: false, properties: { jurisdiction: { type: 'integer' } } } as const;

export default async function editRoutes(app: FastifyInstance): Promise<void> {
  const { db, events } = app.wangge;

  app.post<{ Body: PublishBody }>('/api/grids/publish', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['grids'], security: bearerSecurity,
      summary: 'Publish a set of grids under a parent as one change set (topology-checked; 422 with the report on errors, or on warnings unless acceptWarnings)',
      body: {
        type: 'object', required: ['jurisdictionId', 'parentCode', 'grids'], additionalProperties: false,
        properties: {
          jurisdictionId: { type: 'integer' }, parentCode: { type: ['string', 'null'], maxLength: 40 }, tier: { type: 'integer', minimum: 1, maximum: 5 },
          grids: { type: 'array', minItems: 1, maxItems: 20_000, items: newGrid },
          replaceChildren: { type: 'boolean', default: true }, acceptWarnings: { type: 'boolean', default: false }, summary: { type: 'string', maxLength: 2000 },
        },
      },
      response: {
        201: {
          type: 'object',
          properties: {
            changeSetId: { type: 'integer' }, validFrom: { type: 'string' },
            opened: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, households: { type: 'integer' } } } },
            closed: { type: 'array', items: { type: 'string' } }, report: topologyReport,
          },
        },
        400: errorRef, 404: errorRef, 422: errorRef,
      },
    },
  }, async (request, reply) => {
    const b = request.body;
    let tier = b.tier;
    if (tier === undefined) {
      const { rows } = b.parentCode === null ? { rows: [{ tier: 0 }] }
        : await db.query<{ tier: number }>('SELECT tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [b.jurisdictionId, b.parentCode]);
      if (!rows[0]) throw notFound('parent_not_found', `No current grid ${b.parentCode} in jurisdiction ${b.jurisdictionId}`);
      tier = rows[0].tier + 1;
    }
    const result = await db.tx((q) => publishGrids(q, {
      jurisdictionId: b.jurisdictionId, parentCode: b.parentCode, tier: tier!, grids: b.grids,
      replaceChildren: b.replaceChildren ?? true, acceptWarnings: b.acceptWarnings, summary: b.summary, user: request.user,
    }));
    events.publish('grids.published', b.jurisdictionId, { changeSetId: result.changeSetId, parentCode: b.parentCode, tier, opened: result.opened.length, closed: result.closed.length });
    return reply.status(201).send(result);
  });

  app.patch<{ Params: { code: string }; Querystring: { jurisdiction?: number }; Body: PatchBody }>('/api/grids/:code', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['grids'], security: bearerSecurity,
      summary: 'Edit a grid\'s attributes (name, population, households override with a reason); makes a new version, same boundary',
      params: codeParams, querystring: jurisdictionQuery,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 }, nameEn: { type: ['string', 'null'], maxLength: 200 },
          population: { type: ['integer', 'null'], minimum: 0 }, attributes: anyObject,
          householdsOverride: {
            anyOf: [
              { type: 'object', required: ['value', 'reason'], additionalProperties: false, properties: { value: { type: 'integer', minimum: 0 }, reason: { type: 'string', minLength: 3, maxLength: 500 } } },
              { type: 'null' },
            ],
          },
        },
      },
      response: { 200: { type: 'object', properties: { code: { type: 'string' }, version: { type: 'integer' }, households: { type: 'integer' }, householdsDerived: { type: 'integer' }, householdsOverride: { type: ['integer', 'null'] }, householdsOverrideReason: { type: ['string', 'null'] } } }, 404: errorRef },
    },
  }, async (request) => {
    const b = request.body;
    const jid = await resolveJurisdiction(db, request.params.code, request.query.jurisdiction, new Date());
    const row = await db.tx(async (q) => {
      const { rows: cur } = await q.query('SELECT * FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL FOR UPDATE', [jid, request.params.code]);
      const g = cur[0];
      if (!g) throw notFound('grid_not_found', `No current grid ${request.params.code} in jurisdiction ${jid}`);
      const override = b.householdsOverride === undefined ? { value: g.households_override, reason: g.households_override_reason } : b.householdsOverride ?? { value: null, reason: null };
      await q.query('UPDATE grids SET valid_to = now() WHERE id = $1', [g.id]);
      const { rows } = await q.query(
        `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households, population, households_override,
                            households_override_reason, attributes, version, valid_from, change_set_id, created_by)
         SELECT jurisdiction_id, tier, code, $2, $3, parent_code, geom, households, $4, $5, $6, $7, version + 1, now(), change_set_id, $8
           FROM grids WHERE id = $1
         RETURNING code, version, coalesce(households_override, households) AS households, households AS "householdsDerived",
                   households_override AS "householdsOverride", households_override_reason AS "householdsOverrideReason"`,
        [g.id, b.name ?? g.name, b.nameEn === undefined ? g.name_en : b.nameEn, b.population === undefined ? g.population : b.population,
          override.value, override.reason, JSON.stringify(b.attributes ?? g.attributes), request.user?.id ?? null]);
      await audit(q, request.user, 'edit', 'grid', `${jid}:${g.code}`, { version: rows[0].version, changes: b });
      await q.query("SELECT bump_layer_version('grids')");
      gridsChanged();
      return rows[0];
    });
    events.publish('grids.edited', jid, { code: row.code, version: row.version });
    return row;
  });

  app.put<{ Params: { code: string }; Querystring: { jurisdiction?: number }; Body: StaffBody }>('/api/grids/:code/staff', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['grids'], security: bearerSecurity, summary: 'Replace a grid\'s staff: its head (网格长) and officers (网格员)',
      params: codeParams, querystring: jurisdictionQuery,
      body: {
        type: 'object', required: ['staff'], additionalProperties: false,
        properties: {
          staff: {
            type: 'array', maxItems: 50,
            items: {
              type: 'object', required: ['role', 'name'], additionalProperties: false,
              properties: {
                role: { type: 'string', enum: ['head', 'officer'] }, name: { type: 'string', minLength: 1, maxLength: 100 },
                phone: { type: 'string', maxLength: 40 }, publicContact: { type: 'string', maxLength: 100 }, userId: { type: 'integer' },
              },
            },
          },
        },
      },
      response: { 200: { type: 'array', items: staffMember }, 404: errorRef },
    },
  }, async (request) => {
    const jid = await resolveJurisdiction(db, request.params.code, request.query.jurisdiction, new Date());
    return db.tx(async (q) => {
      const { rows: cur } = await q.query('SELECT 1 FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [jid, request.params.code]);
      if (!cur[0]) throw notFound('grid_not_found', `No current grid ${request.params.code} in jurisdiction ${jid}`);
      await q.query('DELETE FROM grid_staff WHERE jurisdiction_id = $1 AND grid_code = $2', [jid, request.params.code]);
      for (const [i, s] of request.body.staff.entries()) {
        await q.query('INSERT INTO grid_staff (jurisdiction_id, grid_code, role, name, phone, public_contact, user_id, sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [jid, request.params.code, s.role, s.name, s.phone ?? null, s.publicContact ?? null, s.userId ?? null, i]);
      }
      // Names and roles only: phone numbers stay out of the audit log.
      // Staff show on grid cards and in the locate answer: both key their caches on the grids version.
      await q.query("SELECT bump_layer_version('grids')");
      gridsChanged();
      await audit(q, request.user, 'set_staff', 'grid', `${jid}:${request.params.code}`, { staff: request.body.staff.map((s) => ({ role: s.role, name: s.name })) });
      const { rows } = await q.query(`SELECT role, name, phone, public_contact AS "publicContact", user_id AS "userId" FROM grid_staff
                                       WHERE jurisdiction_id = $1 AND grid_code = $2 ORDER BY sort, id`, [jid, request.params.code]);
      return rows;
    });
  });
}
