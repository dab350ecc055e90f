import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest, notFound } from '../core/errors.ts';
import { assertPositionCap } from './geojson.ts';
import { errorRef, newGrid, topologyReport } from './schemas.ts';
import { checkTopology } from './topology.ts';
import type { NewGrid } from './publish.ts';

interface DryRunBody { jurisdictionId: number; parentCode: string | null; grids: NewGrid[]; replaceChildren?: boolean }

const changeSet = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, jurisdictionId: { type: 'integer' }, parentCode: { type: ['string', 'null'] }, tier: { type: 'integer' },
    summary: { type: 'string' }, opened: { type: 'integer' }, closed: { type: 'integer' }, createdBy: { type: ['integer', 'null'] },
    username: { type: ['string', 'null'] }, publishedAt: { type: 'string' },
    openedCodes: { type: 'array', items: { type: 'string' } }, closedCodes: { type: 'array', items: { type: 'string' } },
    report: { type: 'object', additionalProperties: true },
  },
} as const;

/** A check of drawn grids before publishing them, and the history of published change sets. */
export default async function changeSetRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;

  app.post<{ Body: DryRunBody }>('/api/grids/validate', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['grids'], security: bearerSecurity,
      summary: 'Topology check of grids as they would be published under a parent (nothing is written)',
      body: {
        type: 'object', required: ['jurisdictionId', 'parentCode', 'grids'], additionalProperties: false,
        properties: {
          jurisdictionId: { type: 'integer' }, parentCode: { type: ['string', 'null'], maxLength: 40 },
          grids: { type: 'array', minItems: 1, maxItems: 20_000, items: newGrid }, replaceChildren: { type: 'boolean', default: true },
        },
      },
      response: { 200: topologyReport, 400: errorRef, 404: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const b = request.body;
    assertPositionCap(b.grids);
    return db.tx(async (q) => {
      let tier = 1;
      if (b.parentCode !== null) {
        const { rows } = await q.query<{ tier: number }>('SELECT tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [b.jurisdictionId, b.parentCode]);
        if (!rows[0]) throw notFound('parent_not_found', `No current grid ${b.parentCode} in jurisdiction ${b.jurisdictionId}`);
        tier = rows[0].tier + 1;
      }
      return checkTopology(q, {
        jurisdictionId: b.jurisdictionId, parentCode: b.parentCode, tier,
        candidates: b.grids.map((g) => ({ code: g.code ?? null, name: g.name, geom: g.geom })), includeExisting: !(b.replaceChildren ?? true),
      });
    });
  });

  app.get<{ Querystring: { jurisdiction: number; parent?: string; limit?: number } }>('/api/grids/changesets', {
    schema: {
      tags: ['grids'], summary: 'Published change sets of a jurisdiction, newest first, with the codes each opened and closed',
      querystring: { type: 'object', required: ['jurisdiction'], additionalProperties: false, properties: { jurisdiction: { type: 'integer' }, parent: { type: 'string', maxLength: 40 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
      response: { 200: { type: 'array', items: changeSet }, 400: errorRef },
    },
  }, async (request) => {
    const qs = request.query;
    if (!(qs.jurisdiction > 0)) throw badRequest('jurisdiction_required', 'jurisdiction=<id> is required');
    const { rows } = await db.query(
      `SELECT c.id, c.jurisdiction_id AS "jurisdictionId", c.parent_code AS "parentCode", c.tier, c.summary, c.opened, c.closed,
              c.created_by AS "createdBy", u.username, c.published_at AS "publishedAt", c.report,
              array(SELECT code FROM grids g WHERE g.change_set_id = c.id ORDER BY code) AS "openedCodes",
              array(SELECT code FROM grids g WHERE g.closed_by_change_set_id = c.id ORDER BY code) AS "closedCodes"
         FROM grid_change_sets c LEFT JOIN users u ON u.id = c.created_by
        WHERE c.jurisdiction_id = $1 AND ($2::text IS NULL OR c.parent_code = $2::text)
        ORDER BY c.published_at DESC, c.id DESC LIMIT $3`, [qs.jurisdiction, qs.parent ?? null, qs.limit ?? 50]);
    return rows;
  });
}
