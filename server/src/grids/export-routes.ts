import type { FastifyInstance } from 'fastify';
import { badRequest } from '../core/errors.ts';
import { gridsShapefile } from './export-shp.ts';
import { writeGeoPackage } from './gpkg.ts';
import { listGrids } from './read-routes.ts';
import { asOf, errorRef } from './schemas.ts';
import { parseAsOf } from './util.ts';

interface ExportQuery { jurisdiction: number; tier?: number; parent?: string; asOf?: string; format?: 'geojson' | 'shapefile' | 'geopackage' }

/** Downloads: any tier, or the whole hierarchy as it was at asOf (one version of it). */
export default async function exportRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;

  app.get<{ Querystring: ExportQuery }>('/api/grids/export', {
    schema: {
      tags: ['grids'], summary: 'Download grids (a tier, or every tier at asOf) as GeoJSON, a zipped Shapefile or a GeoPackage',
      querystring: {
        type: 'object', required: ['jurisdiction'], additionalProperties: false,
        properties: {
          jurisdiction: { type: 'integer' }, tier: { type: 'integer', minimum: 1, maximum: 5 }, parent: { type: 'string', maxLength: 40 }, asOf,
          format: { type: 'string', enum: ['geojson', 'shapefile', 'geopackage'], default: 'geojson', description: 'geojson; shapefile (a .zip with .shp/.shx/.dbf/.prj); geopackage (.gpkg). All WGS84' },
        },
      },
      response: { 200: { type: 'string', description: 'GeoJSON FeatureCollection or zipped Shapefile (attachment)' }, 400: errorRef },
    },
  }, async (request, reply) => {
    const qs = request.query;
    const when = parseAsOf(qs.asOf);
    const fc = await listGrids(db, { jurisdiction: qs.jurisdiction, tier: qs.tier, parent: qs.parent, asOf: when.toISOString(), limit: 50_000 });
    const base = `grids-j${qs.jurisdiction}${qs.tier ? `-tier${qs.tier}` : ''}-${when.toISOString().slice(0, 10)}`;
    if (qs.format === 'geopackage') {
      const { rows } = await db.query<{ code: string; name: string; name_en: string | null; tier: number; parent_code: string | null; households: number; population: number | null; version: number; valid_from: Date; valid_to: Date | null; wkb: Buffer; bbox: number[] }>(
        `SELECT code, name, name_en, tier, parent_code, coalesce(households_override, households) AS households, population, version, valid_from, valid_to,
                ST_AsBinary(geom, 'NDR') AS wkb, ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS bbox
           FROM grids WHERE jurisdiction_id = $1 AND ($2::int IS NULL OR tier = $2::int) AND ($3::text IS NULL OR parent_code = $3::text)
            AND valid_from <= $4 AND (valid_to IS NULL OR valid_to > $4) ORDER BY tier, code`,
        [qs.jurisdiction, qs.tier ?? null, qs.parent ?? null, when]);
      const columns = [
        { name: 'code', type: 'TEXT' }, { name: 'name', type: 'TEXT' }, { name: 'name_en', type: 'TEXT' }, { name: 'tier', type: 'INTEGER' },
        { name: 'parent_code', type: 'TEXT' }, { name: 'households', type: 'INTEGER' }, { name: 'population', type: 'INTEGER' },
        { name: 'version', type: 'INTEGER' }, { name: 'valid_from', type: 'TEXT' }, { name: 'valid_to', type: 'TEXT' },
      ] as const;
      const gpkg = await writeGeoPackage('grids', [...columns], rows.map((r) => ({
        wkb: r.wkb, bbox: r.bbox as [number, number, number, number],
        properties: { code: r.code, name: r.name, name_en: r.name_en, tier: r.tier, parent_code: r.parent_code, households: r.households, population: r.population, version: r.version, valid_from: r.valid_from.toISOString(), valid_to: r.valid_to?.toISOString() ?? null },
      })));
      return reply.header('content-type', 'application/geopackage+sqlite3').header('content-disposition', `attachment; filename="${base}.gpkg"`).send(gpkg);
    }
    if (qs.format === 'shapefile') {
      if (fc.features.length === 0) throw badRequest('nothing_to_export', 'No grids match; a Shapefile cannot be empty');
      return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${base}.zip"`)
        .send(await gridsShapefile(fc.features, base));
    }
    const name = `${base}.geojson`;
    return reply
      .header('content-type', 'application/geo+json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(JSON.stringify({ type: 'FeatureCollection', name, asOf: when.toISOString(), features: fc.features }));
  });
}
