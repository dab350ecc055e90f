import type { FastifyPluginAsync } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { MIN_FEATURES } from './analysis.ts';
import { emergingAnswer, emergingQuery, errorAnswer, giAnswer, giBody, giQuery, giUnitsAnswer, h3Answer, h3Query } from './schemas.ts';
import { emergingHotspots, incidentHotspots, type EmergingQuery, type GiQuery } from './service.ts';
import { h3Counts, resolveFilter } from './units.ts';
import { giOnFeatures, type GiBody } from './userdata.ts';

interface FilterQs { jurisdiction?: number; from?: string; to?: string; category?: string; grid?: string }

const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer, 422: errorAnswer };
const ROLES = ['analyst', 'planner', 'dispatcher'] as const;

/** The hotspots feature's routes. */
const hotspotsRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.wangge;

  app.post<{ Body: GiBody }>('/api/hotspots/gi', {
    preHandler: requireRole(...ROLES),
    schema: {
      tags: ['hotspots'],
      summary: 'Getis-Ord Gi* on your own points or polygons',
      description: 'Answers the FeatureCollection in input order with gi_z, gi_p (two-sided normal), gi_class (±3/±2/±1 = 99/95/90 % after FDR) and, when permuted, gi_p_sim added to each feature\'s properties. Fewer than 30 features are analysed with a warning.',
      security: bearerSecurity,
      body: giBody,
      response: { 200: giAnswer, ...errors },
    },
  }, async (request) => {
    const body = request.body;
    const { run, crs } = await giOnFeatures(db, body);
    const features = body.features.features.map((f, i) => ({ ...f, properties: { ...(f.properties ?? {}), ...run.rows[i] } }));
    return { ...body.features, type: 'FeatureCollection', features, warnings: run.warnings, summary: { ...run.summary, ...crs } };
  });

  app.get<{ Querystring: FilterQs & { res: number } }>('/api/hotspots/h3', {
    preHandler: requireRole(...ROLES, 'viewer'),
    schema: { tags: ['hotspots'], summary: 'Incident counts per H3 cell, with rates per 100 households', security: bearerSecurity, querystring: h3Query, response: { 200: h3Answer, ...errors } },
  }, async (request) => {
    const f = await resolveFilter(db, request.user!, request.query);
    const cells = await h3Counts(db, f, request.query.res);
    return { jurisdictionId: f.jurisdictionId, res: request.query.res, total: cells.reduce((s, c) => s + c.count, 0), cells };
  });

  app.get<{ Querystring: FilterQs & GiQuery }>('/api/hotspots/gi', {
    preHandler: requireRole(...ROLES, 'viewer'),
    schema: {
      tags: ['hotspots'],
      summary: 'Gi* hot spots of incidents on H3 cells or grids',
      description: `Needs at least ${MIN_FEATURES} units (H3 cells of the study area, zero counts included, or grids of a tier); answers 422 too_few_features otherwise.`,
      security: bearerSecurity, querystring: giQuery, response: { 200: giUnitsAnswer, ...errors },
    },
  }, async (request) => {
    const f = await resolveFilter(db, request.user!, request.query);
    return incidentHotspots(db, f, request.query);
  });

  app.get<{ Querystring: FilterQs & EmergingQuery }>('/api/hotspots/emerging', {
    preHandler: requireRole(...ROLES, 'viewer'),
    schema: {
      tags: ['hotspots'],
      summary: 'Emerging hot spots: space-time cube, Gi* per step, Mann-Kendall trend, ArcGIS categories',
      security: bearerSecurity, querystring: emergingQuery, response: { 200: emergingAnswer, ...errors },
    },
  }, async (request) => {
    const f = await resolveFilter(db, request.user!, request.query);
    return emergingHotspots(db, f, request.query);
  });
};

export default hotspotsRoutes;
