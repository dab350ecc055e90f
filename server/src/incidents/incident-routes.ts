import type { FastifyInstance } from 'fastify';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest } from '../core/errors.ts';
import { performAction, type ActionBody } from './actions.ts';
import { clock } from './clock.ts';
import { toWgs84, type Crs } from './coords.ts';
import { checkListFilters, listIncidents, toGeoJson, type ListQuery } from './list.ts';
import { createIncident, getHistory, getIncidentRow, toIncident } from './repository.ts';
import { actionBody, idParams, incidentOut, incidentWithHistory, listQuery, reportBody } from './schemas.ts';
import type { IncidentClass } from './settings.ts';
import { photoList } from './photos.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

interface ReportBody { lng: number; lat: number; crs: Crs; category: string; class?: IncidentClass; description: string; source: string; reporterContact?: string; jurisdictionId?: number }

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' }, 422: { $ref: 'Error#' } };

export default async function incidentRoutes(app: FastifyInstance): Promise<void> {
  const { db, events } = app.wangge;

  app.post<{ Body: ReportBody }>('/api/incidents', {
    preHandler: requireRole('officer', 'dispatcher'),
    schema: {
      tags: ['incidents'], summary: 'Report an incident (采集上报); Idempotency-Key makes retries safe', security: bearerSecurity,
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
      body: reportBody, response: { 200: incidentOut, 201: incidentOut, ...errors },
    },
  }, async (request, reply) => {
    const b = request.body;
    const key = request.headers['idempotency-key'] as string | undefined;
    const { lng, lat } = toWgs84(b.lng, b.lat, b.crs);
    const now = clock.now();
    const result = await db.tx((q) => createIncident(q, { ...b, lng, lat, idempotencyKey: key }, request.user, now));
    const row = await getIncidentRow(db, result.id, clock.now(), null);
    const incident = toIncident(row, request.user);
    if (!result.replay) {
      events.publish('incident.created', result.jurisdictionId, { id: incident.id, status: incident.status, category: incident.category.code, class: incident.class, lng, lat, gridCode: incident.gridCode, gridCodes: incident.gridChain.map((c) => c.code), light: incident.light, closeDueAt: incident.deadlines.closeDueAt });
    }
    if (result.replay) reply.header('idempotent-replayed', 'true');
    return reply.status(result.replay ? 200 : 201).header('location', `/api/incidents/${incident.id}`).send(incident);
  });

  app.get<{ Querystring: ListQuery & { format: 'json' | 'geojson' } }>('/api/incidents', {
    preHandler: requireRole(),
    schema: {
      tags: ['incidents'], summary: 'List incidents with filters and paging (format=geojson for a FeatureCollection)', security: bearerSecurity,
      querystring: listQuery,
      response: { 200: { type: 'object', additionalProperties: true, properties: { items: { type: 'array', items: incidentOut }, total: { type: 'integer' } } }, ...errors },
    },
  }, async (request) => {
    const { format, ...query } = request.query;
    // The schema's date-time format takes year 0000, which PostgreSQL refuses mid-query (a 500).
    for (const key of ['from', 'to'] as const) {
      const v = query[key];
      if (v !== undefined && !isIsoDateTime(v.toUpperCase())) throw badRequest('invalid_date', `"${key}" must be a real date-time (got "${v}")`);
    }
    if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) throw badRequest('bad_period', '"from" must be before "to"');
    await checkListFilters(db, query);
    const { items, total } = await listIncidents(db, query, request.user, clock.now());
    return format === 'geojson' ? toGeoJson(items, total) : { items, total };
  });

  app.get<{ Params: { id: number } }>('/api/incidents/:id', {
    preHandler: requireRole(),
    schema: { tags: ['incidents'], summary: 'One incident with its history and photos', security: bearerSecurity, params: idParams, response: { 200: incidentWithHistory, ...errors } },
  }, async (request) => {
    const row = await getIncidentRow(db, request.params.id, clock.now(), request.user);
    return { ...toIncident(row, request.user), history: await getHistory(db, row.id), photos: await photoList(db, row.id) };
  });

  app.post<{ Params: { id: number }; Body: ActionBody }>('/api/incidents/:id/actions', {
    preHandler: requireRole('officer', 'dispatcher'),
    schema: {
      tags: ['incidents'], summary: 'Take one step of the closed loop; 409 with the allowed actions when illegal', security: bearerSecurity,
      params: idParams, body: actionBody, response: { 200: incidentOut, ...errors },
    },
  }, async (request) => {
    const now = clock.now();
    const { id } = request.params;
    const result = await db.tx((q) => performAction(q, id, request.body, request.user!, now));
    const incident = toIncident(await getIncidentRow(db, id, clock.now(), null), request.user);
    events.publish('incident.step', result.jurisdictionId, { id, action: request.body.action, from: result.from, to: result.to, status: incident.status, light: incident.light, version: incident.version, lng: incident.lng, lat: incident.lat, gridCode: incident.gridCode, gridCodes: incident.gridChain.map((c) => c.code) });
    return incident;
  });
}
