import type { FastifyInstance } from 'fastify';
import { notFound } from '../core/errors.ts';
import { parseCrs, toWgs84 } from './crs.ts';
import { LocateCache } from './locate-cache.ts';
import { locatePoints, type Located, type LngLat } from './locate.ts';
import { asOf, chainLink, crs, errorRef } from './schemas.ts';
import { parseAsOf } from './util.ts';

export const LOCATE_BATCH_MAX = 10_000;

// Nullable objects as type arrays, not anyOf: fast-json-stringify validates anyOf branches per
// value, which costs more than the locate itself on a 10,000-point batch.
const officer = {
  type: ['object', 'null'],
  properties: { gridCode: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, publicContact: { type: ['string', 'null'] } },
} as const;

const located = {
  type: 'object',
  required: ['jurisdictionId', 'chain'],
  properties: { jurisdictionId: { type: 'integer' }, chain: { type: 'array', items: chainLink }, officer },
} as const;

interface LocateQuery { lng: number; lat: number; crs?: string; asOf?: string; jurisdiction?: number }
interface LocateBody { points: { lng: number; lat: number }[]; crs?: string; asOf?: string; jurisdiction?: number }

/** Citizen-app and hotline path: public, no sign-in; answers only public contacts. */
export default async function locateRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  // Current grids are answered from memory (rebuilt when the grids layer version moves); asOf reads go to SQL.
  const cache = new LocateCache(db);
  const locateMany = async (points: LngLat[], asOf: string | undefined, jurisdictionId: number | undefined): Promise<(Located | null)[]> => {
    const index = asOf === undefined ? await cache.get() : null;
    if (index) return points.map((p) => index.locate(p, jurisdictionId));
    return locatePoints(db, points, { asOf: parseAsOf(asOf), jurisdictionId });
  };

  app.get<{ Querystring: LocateQuery }>('/api/locate', {
    schema: {
      tags: ['grids'], summary: 'The grid chain (top tier → smallest grid) containing a point, with the responsible officer\'s public contact',
      querystring: {
        type: 'object', required: ['lng', 'lat'], additionalProperties: false,
        properties: { lng: { type: 'number' }, lat: { type: 'number' }, crs, asOf, jurisdiction: { type: 'integer' } },
      },
      response: { 200: located, 400: errorRef, 404: errorRef },
    },
  }, async (request) => {
    const qs = request.query;
    const crs = parseCrs(qs.crs);
    const [p] = await toWgs84(db, [{ lng: qs.lng, lat: qs.lat }], crs);
    if (qs.asOf === undefined) {
      const index = await cache.get();
      if (index) {
        const r = index.locate(p, qs.jurisdiction);
        if (!r) throw notFound('outside_grids', `No grid contains (${p.lng}, ${p.lat})`, { lng: p.lng, lat: p.lat });
        return { ...r, officer: index.officer(r) };
      }
    }
    const when = parseAsOf(qs.asOf);
    const [r] = await locatePoints(db, [p], { asOf: when, jurisdictionId: qs.jurisdiction });
    if (!r) throw notFound('outside_grids', `No grid contains (${p.lng}, ${p.lat}) at ${when.toISOString()}`, { lng: p.lng, lat: p.lat });
    // The responsible officer: of the smallest grid that has staff, an officer before the head.
    const { rows } = await db.query<{ grid_code: string; role: string; name: string; public_contact: string | null }>(
      `SELECT s.grid_code, s.role, s.name, s.public_contact FROM grid_staff s
        WHERE s.jurisdiction_id = $1 AND s.grid_code = ANY ($2::text[])
        ORDER BY array_position($2::text[], s.grid_code), s.role = 'officer' DESC, s.sort, s.id LIMIT 1`,
      [r.jurisdictionId, r.chain.map((c) => c.code).reverse()]);
    const o = rows[0];
    return { ...r, officer: o ? { gridCode: o.grid_code, role: o.role, name: o.name, publicContact: o.public_contact } : null };
  });

  app.post<{ Body: LocateBody }>('/api/locate', {
    schema: {
      tags: ['grids'], summary: `Locate up to ${LOCATE_BATCH_MAX} points at once; results in input order, null outside every grid`,
      body: {
        type: 'object', required: ['points'], additionalProperties: false,
        properties: {
          points: {
            type: 'array', maxItems: LOCATE_BATCH_MAX,
            items: { type: 'object', required: ['lng', 'lat'], additionalProperties: false, properties: { lng: { type: 'number' }, lat: { type: 'number' } } },
          },
          crs, asOf, jurisdiction: { type: 'integer' },
        },
      },
      response: {
        200: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: { ...located, type: ['object', 'null'] } } } },
        400: errorRef,
      },
    },
  }, async (request) => {
    const b = request.body;
    const points = await toWgs84(db, b.points, parseCrs(b.crs));
    return { results: await locateMany(points, b.asOf, b.jurisdiction) };
  });
}
