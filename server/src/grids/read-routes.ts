import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import { locateChain } from './chain.ts';
import { asOf, chainLink, errorRef, featureCollection, geometry, gridProperties, staffMember, topologyReport } from './schemas.ts';
import { checkTopology } from './topology.ts';
import { iso, parseAsOf, parseBbox, resolveJurisdiction, seesPhones } from './util.ts';

interface ListQuery { jurisdiction?: number; tier?: number; parent?: string; bbox?: string; asOf?: string; limit?: number; simplify?: number; q?: string }

/** Properties of a grid row from list.sql / one.sql, as the API names them. */
export function gridProps(r: Record<string, any>) {
  const area = r.area_m2 as number;
  return {
    id: r.id, jurisdictionId: r.jurisdiction_id, code: r.code, name: r.name, nameEn: r.name_en, tier: r.tier,
    tierName: r.tier_name, tierNameEn: r.tier_name_en, parentCode: r.parent_code,
    households: r.households, householdsDerived: r.households_derived, householdsOverride: r.households_override,
    population: r.population, areaM2: Math.round(area * 10) / 10,
    densityPerKm2: area > 0 ? Math.round((r.households / area) * 1e6 * 10) / 10 : 0,
    version: r.version, validFrom: iso(r.valid_from), validTo: iso(r.valid_to), changeSetId: r.change_set_id,
  };
}

export async function listGrids(q: Queryable, query: ListQuery) {
  const when = parseAsOf(query.asOf);
  const { rows } = await q.query(sqlFile(import.meta.url, 'sql/list.sql'),
    [query.jurisdiction ?? null, query.tier ?? null, query.parent ?? null, parseBbox(query.bbox), when, query.limit ?? 20_000, query.simplify ?? null, likePattern(query.q)]);
  return { type: 'FeatureCollection' as const, features: rows.map((r) => ({ type: 'Feature' as const, id: r.id, properties: gridProps(r), geometry: r.geometry })) };
}

/** A search text as a LIKE pattern matching itself literally (ILIKE's escape character is the backslash). */
function likePattern(q: string | undefined): string | null {
  const text = q?.trim();
  return text ? text.replace(/[\\%_]/g, (c) => `\\${c}`) : null;
}

const listQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    jurisdiction: { type: 'integer' }, tier: { type: 'integer', minimum: 1, maximum: 5 }, parent: { type: 'string', maxLength: 40 },
    bbox: { type: 'string', description: 'west,south,east,north (WGS84)' }, asOf,
    limit: { type: 'integer', minimum: 1, maximum: 50_000, default: 20_000 },
    simplify: { type: 'number', minimum: 0, maximum: 0.01, description: 'Simplification tolerance in degrees (for overview maps)' },
    q: { type: 'string', maxLength: 100, description: 'Text in the code, name or English name (case-insensitive); exact and prefix matches first' },
  },
} as const;

export default async function readRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;

  app.get<{ Querystring: ListQuery }>('/api/grids', {
    schema: { tags: ['grids'], summary: 'Grids valid at asOf as a GeoJSON FeatureCollection', querystring: listQuery, response: { 200: featureCollection, 400: errorRef } },
  }, async (request) => listGrids(db, request.query));

  app.get<{ Querystring: { jurisdiction?: number; parent?: string; tier?: number; asOf?: string } }>('/api/grids/validate', {
    preHandler: requireRole('planner', 'analyst'),
    schema: {
      tags: ['grids'], summary: 'Topology check of a parent\'s children (or of the top tier): gaps, overlaps, invalid geometry, outside parent, codes, empty, household band, slivers',
      security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdiction: { type: 'integer' }, parent: { type: 'string', maxLength: 40 }, tier: { type: 'integer', minimum: 1, maximum: 5 }, asOf } },
      response: { 200: topologyReport, 400: errorRef, 404: errorRef },
    },
  }, async (request) => {
    const qs = request.query;
    const when = parseAsOf(qs.asOf);
    let jid = qs.jurisdiction;
    let tier = 1;
    if (qs.parent) {
      jid = await resolveJurisdiction(db, qs.parent, jid, when);
      const { rows } = await db.query<{ tier: number }>('SELECT tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)', [jid, qs.parent, when]);
      if (!rows[0]) throw notFound('grid_not_found', `No grid ${qs.parent} at ${when.toISOString()}`);
      tier = rows[0].tier + 1;
    } else if (jid === undefined) {
      throw badRequest('jurisdiction_required', 'Pass parent=<code>, or jurisdiction=<id> to check the top tier');
    }
    if (qs.tier !== undefined && qs.tier !== tier) throw badRequest('tier_mismatch', `Children of ${qs.parent ?? 'the jurisdiction'} are tier ${tier}`);
    return db.tx((q) => checkTopology(q, { jurisdictionId: jid!, parentCode: qs.parent ?? null, tier, candidates: [], includeExisting: true, asOf: when }));
  });

  app.get<{ Params: { code: string }; Querystring: { jurisdiction?: number; asOf?: string } }>('/api/grids/:code', {
    schema: {
      tags: ['grids'], summary: 'One grid with its chain, staff, households, population, area, density and incident figures',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 40 } } },
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdiction: { type: 'integer' }, asOf } },
      response: {
        200: {
          type: 'object',
          properties: {
            ...gridProperties.properties,
            householdsOverrideReason: { type: ['string', 'null'] },
            attributes: { type: 'object', additionalProperties: true },
            children: { type: 'integer' },
            chain: { type: 'array', items: chainLink },
            staff: { type: 'array', items: staffMember },
            incidents: { type: 'object', properties: { open: { type: 'integer' }, overdue: { type: 'integer' }, closedThisPeriod: { type: 'integer' }, total: { type: 'integer' }, periodStart: { type: 'string' }, per100Households: { type: ['number', 'null'] } } },
            geometry,
          },
        },
        404: errorRef, 409: errorRef,
      },
    },
  }, async (request) => {
    const when = parseAsOf(request.query.asOf);
    const jid = await resolveJurisdiction(db, request.params.code, request.query.jurisdiction, when);
    // "This period" is the calendar month of asOf (UTC).
    const periodStart = new Date(Date.UTC(when.getUTCFullYear(), when.getUTCMonth(), 1));
    const { rows } = await db.query(sqlFile(import.meta.url, 'sql/one.sql'), [jid, request.params.code, when, periodStart]);
    const r = rows[0];
    if (!r) throw notFound('grid_not_found', `No grid ${request.params.code} in jurisdiction ${jid} at ${when.toISOString()}`);
    const chain = await locateChain(db, jid, r.code, when);
    const phones = seesPhones(request.user);
    const { rows: staff } = await db.query(
      `SELECT role, name, CASE WHEN $3 THEN phone END AS phone, public_contact AS "publicContact", user_id AS "userId"
         FROM grid_staff WHERE jurisdiction_id = $1 AND grid_code = $2 ORDER BY role = 'head' DESC, sort, id`, [jid, r.code, phones]);
    return {
      ...gridProps(r), householdsOverrideReason: r.households_override_reason, attributes: r.attributes, children: r.children, chain, staff,
      incidents: { open: r.open, overdue: r.overdue, closedThisPeriod: r.closed_this_period, total: r.total, periodStart: periodStart.toISOString(), per100Households: r.households > 0 ? Math.round((r.open / r.households) * 100 * 100) / 100 : null },
      geometry: r.geometry,
    };
  });

  app.get<{ Params: { code: string }; Querystring: { jurisdiction?: number } }>('/api/grids/:code/versions', {
    schema: {
      tags: ['grids'], summary: 'Every version of a grid code, oldest first, with the change set that opened and closed it',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 40 } } },
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdiction: { type: 'integer' } } },
      response: { 200: { type: 'array', items: { type: 'object', properties: { ...gridProperties.properties, closedByChangeSetId: { type: ['integer', 'null'] }, createdBy: { type: ['integer', 'null'] }, geometry } } }, 404: errorRef, 409: errorRef },
    },
  }, async (request) => {
    const { code } = request.params;
    let jid = request.query.jurisdiction;
    if (jid === undefined) {
      const { rows } = await db.query<{ jurisdiction_id: number }>('SELECT DISTINCT jurisdiction_id FROM grids WHERE code = $1 LIMIT 2', [code]);
      if (rows.length === 0) throw notFound('grid_not_found', `No grid ${code}`);
      if (rows.length > 1) throw conflict('ambiguous_code', `Several jurisdictions have a grid ${code}; pass jurisdiction=<id>`);
      jid = rows[0].jurisdiction_id;
    }
    const { rows } = await db.query(
      `SELECT g.*, ST_Area(g.geom::geography) AS area_m2, ST_AsGeoJSON(g.geom, 7)::json AS geometry, t.name AS tier_name, t.name_en AS tier_name_en,
              coalesce(g.households_override, g.households) AS households, g.households AS households_derived
         FROM grids g LEFT JOIN tiers t ON t.jurisdiction_id = g.jurisdiction_id AND t.level = g.tier
        WHERE g.jurisdiction_id = $1 AND g.code = $2 ORDER BY g.valid_from, g.id`, [jid, code]);
    if (rows.length === 0) throw notFound('grid_not_found', `No grid ${code} in jurisdiction ${jid}`);
    return rows.map((r) => ({ ...gridProps(r), closedByChangeSetId: r.closed_by_change_set_id, createdBy: r.created_by, geometry: r.geometry }));
  });
}
