import type { MultiPolygon, Polygon } from 'geojson';
import type { FastifyPluginAsync } from 'fastify';
import { audit } from '../core/audit.ts';
import { bearerSecurity, requireRole } from '../core/auth.ts';
import { badRequest, conflict, unprocessable } from '../core/errors.ts';
import type { Queryable } from '../core/db.ts';
import { checkShape } from '../grids/geojson.ts';
import { publishGrids } from '../grids/publish.ts';
import { topologyReport } from '../grids/schemas.ts';
import { checkTopology } from '../grids/topology.ts';
import { resolveJurisdiction } from '../grids/util.ts';
import { PartitionJobs } from './jobs.ts';
import { DEFAULT_HARD, DEFAULT_PREFERRED, RURAL_PREFERRED, withDefaults, type PartitionParams } from './params.ts';
import { moveBlocks, redrawEdge, splitGrid, type Move } from './edit.ts';
import { blocksCollection, getJob, gridsCollection, jobListOut, jobOut, listJobs } from './repository.ts';
import { createBody, editResult, featureCollection, idParams, jobListItem, jobOut as jobSchema, publishBody, redrawBody, splitBody } from './schemas.ts';

type CreateBody = Partial<PartitionParams> & { parentCode?: string; area?: unknown; jurisdictionId?: number };
const errorRef = { $ref: 'Error#' } as const;
const VARIANTS = ['proposal', 'current', 'h3', 'kmeans'] as const;

/** The partition feature's routes: start a proposal job, watch it, read its grids, cancel, publish. */
const partitionRoutes: FastifyPluginAsync = async (app) => {
  const { db, events } = app.wangge;
  const jobs = new PartitionJobs(db, events, app.log);
  app.addHook('onClose', async () => { await jobs.close(); });
  // Jobs a previous process left unfinished will never finish. Done once the server is ready, and
  // tolerant of a database that is down at start: health must still answer then.
  app.addHook('onReady', async () => {
    try {
      await db.query(`UPDATE partition_jobs SET status = 'failed', stage = 'failed', finished_at = now(),
                             error = '{"code": "interrupted", "message": "The server stopped while the job ran; start it again"}'
                       WHERE status IN ('queued', 'running')`);
    } catch (err) {
      app.log.warn({ err }, 'could not mark interrupted partition jobs as failed');
    }
  });

  app.post<{ Body: CreateBody }>('/api/partitions', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Start a partition proposal job (202 with its id)', security: bearerSecurity, body: createBody,
      response: { 202: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, status: { type: 'string' } } }, 400: errorRef, 404: errorRef, 422: errorRef },
    },
  }, async (request, reply) => {
    const b = request.body;
    if ((b.parentCode === undefined) === (b.area === undefined)) throw badRequest('area_required', 'Give exactly one of parentCode and area');
    if (b.targetHouseholds !== undefined && b.targetPeople !== undefined) throw badRequest('target_conflict', 'Give targetHouseholds or targetPeople, not both');
    const { parentCode, area, jurisdictionId: jid, ...rest } = b;
    const params = withDefaults(rest);
    const id = await db.tx(async (q) => {
      let jurisdictionId: number;
      let areaSql: string;
      let args: unknown[];
      if (parentCode !== undefined) {
        jurisdictionId = await resolveJurisdiction(q, parentCode, jid, new Date());
        const { rows } = await q.query('SELECT 1 FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [jurisdictionId, parentCode]);
        if (!rows[0]) throw unprocessable('parent_not_current', `Grid ${parentCode} has no current version to cut`);
        areaSql = `(SELECT ST_Multi(geom) FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL)`;
        args = [jurisdictionId, parentCode];
      } else {
        if (jid === undefined) throw badRequest('jurisdiction_required', 'A drawn area needs jurisdictionId');
        const { rows: j } = await q.query('SELECT 1 FROM jurisdictions WHERE id = $1', [jid]);
        if (!j[0]) throw badRequest('unknown_jurisdiction', `No jurisdiction ${jid}`);
        const problem = checkShape(area);
        if (problem) throw unprocessable('invalid_area', `The area is not a usable polygon: ${problem.reason}`, problem);
        const { rows: v } = await q.query<{ reason: string }>('SELECT ST_IsValidReason(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS reason', [JSON.stringify(area)]);
        if (v[0].reason !== 'Valid Geometry') throw unprocessable('invalid_area', `The area is not a valid polygon: ${v[0].reason}`);
        jurisdictionId = jid;
        areaSql = `ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`;
        args = [jurisdictionId, JSON.stringify(area)];
      }
      await checkClassesAndArea(q, jurisdictionId, rest, areaSql, args);
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params, created_by)
         VALUES ($1, $3, ${areaSql}, $4, $5) RETURNING id`,
        [...args, parentCode ?? null, JSON.stringify(params), request.user?.id ?? null]);
      await audit(q, request.user ?? null, 'create', 'partition_job', rows[0].id, { parentCode: parentCode ?? null, params });
      return { id: rows[0].id, jurisdictionId };
    });
    jobs.enqueue(id.id, id.jurisdictionId);
    return reply.status(202).send({ id: id.id, status: 'queued' });
  });

  app.get<{ Querystring: { jurisdiction?: number } }>('/api/partitions', {
    preHandler: requireRole('planner', 'analyst'),
    schema: {
      tags: ['partition'], summary: 'Recent partition jobs (without their grids)', security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { jurisdiction: { type: 'integer' } } },
      response: { 200: { type: 'array', items: jobListItem } },
    },
  }, async (request) => (await listJobs(db, request.query.jurisdiction ?? null)).map(jobListOut));

  app.get<{ Params: { id: number } }>('/api/partitions/:id', {
    preHandler: requireRole('planner', 'analyst'),
    schema: {
      tags: ['partition'], summary: 'A partition job: status, stage, progress; when done the result with metrics, baselines and the proposed grids',
      security: bearerSecurity, params: idParams, response: { 200: jobSchema, 404: errorRef },
    },
  }, async (request) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'done' || !j.result) return jobOut(j);
    const r = j.result as { target: number; by: string };
    return jobOut(j, await gridsCollection(db, j.id, 'proposal', r.target, r.by));
  });

  app.get<{ Params: { id: number }; Querystring: { variant?: string } }>('/api/partitions/:id/grids', {
    preHandler: requireRole('planner', 'analyst'),
    schema: {
      tags: ['partition'], summary: 'The grids of a proposal, of the current grids or of a baseline (h3, kmeans), with their metrics',
      security: bearerSecurity, params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { variant: { type: 'string', enum: [...VARIANTS] } } },
      response: { 200: featureCollection, 404: errorRef, 409: errorRef },
    },
  }, async (request) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'done' || !j.result) throw conflict('partition_not_done', `Job ${j.id} is ${j.status}`);
    const r = j.result as { target: number; by: string };
    return gridsCollection(db, j.id, request.query.variant ?? 'proposal', r.target, r.by);
  });

  app.get<{ Params: { id: number } }>('/api/partitions/:id/blocks', {
    preHandler: requireRole('planner', 'analyst'),
    schema: {
      tags: ['partition'], summary: 'The blocks of a proposal (faces of the barrier network, split between buildings where too big) with their grid',
      security: bearerSecurity, params: idParams,
      response: { 200: { type: 'object', properties: { type: { type: 'string' }, features: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, 404: errorRef, 409: errorRef },
    },
  }, async (request) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'done') throw conflict('partition_not_done', `Job ${j.id} is ${j.status}`);
    return blocksCollection(db, j.id);
  });

  app.post<{ Params: { id: number }; Body: { moves: Move[] } }>('/api/partitions/:id/moves', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Edit a proposal: move blocks between its grids (all blocks of a grid = merge); grids stay one piece, metrics are recomputed',
      security: bearerSecurity, params: idParams,
      body: {
        type: 'object', required: ['moves'], additionalProperties: false,
        properties: { moves: { type: 'array', minItems: 1, maxItems: 5000, items: { type: 'object', required: ['block', 'to'], additionalProperties: false, properties: { block: { type: 'integer' }, to: { type: 'integer', description: 'seq of the grid the block moves to' } } } } },
      },
      response: { 200: editResult, 400: errorRef, 404: errorRef, 409: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const result = await moveBlocks(db, request.params.id, request.body.moves);
    await audit(db, request.user ?? null, 'edit', 'partition_job', request.params.id, { moves: request.body.moves.length, changed: result.changed, removed: result.removed, created: result.created });
    return result;
  });

  app.post<{ Params: { id: number }; Body: { grid: number } }>('/api/partitions/:id/split', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Edit a proposal: split one grid into two contiguous parts balanced by households (one becomes a new grid)',
      security: bearerSecurity, params: idParams, body: splitBody,
      response: { 200: editResult, 400: errorRef, 404: errorRef, 409: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const result = await splitGrid(db, request.params.id, request.body.grid);
    await audit(db, request.user ?? null, 'edit', 'partition_job', request.params.id, { split: request.body.grid, created: result.created, moves: result.moves.length });
    return result;
  });

  app.post<{ Params: { id: number }; Body: { from: number; to: number; geometry: { type: string } } }>('/api/partitions/:id/redraw', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Edit a proposal: redraw the edge between two neighbouring grids with a drawn line or polygon (blocks of `from` on the drawn side move to `to`)',
      security: bearerSecurity, params: idParams, body: redrawBody,
      response: { 200: editResult, 400: errorRef, 404: errorRef, 409: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const { from, to, geometry } = request.body;
    const result = await redrawEdge(db, request.params.id, from, to, geometry);
    await audit(db, request.user ?? null, 'edit', 'partition_job', request.params.id, { redraw: { from, to, type: geometry.type }, moves: result.moves.length });
    return result;
  });

  app.post<{ Params: { id: number } }>('/api/partitions/:id/cancel', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Cancel a queued or running job', security: bearerSecurity, params: idParams,
      response: { 202: { type: 'object', properties: { id: { type: 'integer' }, status: { type: 'string' } } }, 404: errorRef, 409: errorRef },
    },
  }, async (request, reply) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'queued' && j.status !== 'running') throw conflict('partition_finished', `Job ${j.id} is already ${j.status}`);
    await jobs.cancel(j.id);
    return reply.status(202).send({ id: j.id, status: (await getJob(db, j.id)).status });
  });

  // The planner's preview: the topology check publishing would run, on the stored grids (the job's
  // GeoJSON has 7 decimals, about 1 cm; checked against the parent it showed up to 25 slivers of
  // 0.01–0.5 m² per proposal that publishing never meets).
  app.get<{ Params: { id: number } }>('/api/partitions/:id/check', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'The topology check of a done proposal as publishing would run it (nothing is written)',
      security: bearerSecurity, params: idParams, response: { 200: topologyReport, 404: errorRef, 409: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'done') throw conflict('partition_not_done', `Job ${j.id} is ${j.status}`);
    if (!j.parentCode) throw unprocessable('no_parent', 'Only a proposal for a grid (parentCode) has a parent to check against; a drawn area has none');
    const parentCode = j.parentCode;
    return db.tx(async (q) => {
      const { tier, grids } = await proposalToPublish(q, j.id, j.jurisdictionId, parentCode);
      return checkTopology(q, { jurisdictionId: j.jurisdictionId, parentCode, tier, candidates: grids, includeExisting: false });
    });
  });

  app.post<{ Params: { id: number }; Body: { acceptWarnings?: boolean; summary?: string } }>('/api/partitions/:id/publish', {
    preHandler: requireRole('planner'),
    schema: {
      tags: ['partition'], summary: 'Publish a done proposal as the parent\'s new children (topology check + a new version through the grids feature)',
      security: bearerSecurity, params: idParams, body: publishBody,
      response: { 200: { type: 'object', additionalProperties: true, properties: { changeSetId: { type: 'integer' }, opened: { type: 'integer' }, closed: { type: 'integer' } } }, 404: errorRef, 409: errorRef, 422: errorRef },
    },
  }, async (request) => {
    const j = await getJob(db, request.params.id);
    if (j.status !== 'done') throw conflict('partition_not_done', `Job ${j.id} is ${j.status}`);
    if (!j.parentCode) throw unprocessable('no_parent', 'Only a proposal for a grid (parentCode) can be published; a drawn area has no parent');
    if (j.publishedChangeSetId) throw conflict('already_published', `Job ${j.id} was published as change set ${j.publishedChangeSetId}`);
    const parentCode = j.parentCode;
    const result = await db.tx(async (q) => {
      const { tier, grids } = await proposalToPublish(q, j.id, j.jurisdictionId, parentCode);
      const published = await publishGrids(q, {
        jurisdictionId: j.jurisdictionId, parentCode, tier, replaceChildren: true, grids,
        user: request.user ?? null, acceptWarnings: request.body?.acceptWarnings ?? false,
        summary: request.body?.summary ?? `Partition proposal ${j.id}`,
      });
      await q.query('UPDATE partition_jobs SET published_change_set_id = $2 WHERE id = $1', [j.id, published.changeSetId]);
      return published;
    });
    events.publish('grids.published', j.jurisdictionId, { changeSetId: result.changeSetId, parentCode: j.parentCode, partitionJob: j.id, opened: result.opened.length, closed: result.closed.length });
    return { changeSetId: result.changeSetId, opened: result.opened.length, closed: result.closed.length, report: result.report };
  });
};

export default partitionRoutes;

/** A proposal's grids as publishing writes them (full precision), and the tier they take under the parent. */
async function proposalToPublish(q: Queryable, jobId: number, jurisdictionId: number, parentCode: string) {
  const { rows: pr } = await q.query<{ tier: number }>('SELECT tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [jurisdictionId, parentCode]);
  if (!pr[0]) throw unprocessable('parent_not_current', `Grid ${parentCode} has no current version any more`);
  const { rows } = await q.query<{ code: string; geom: Polygon | MultiPolygon }>(
    `SELECT code, ST_AsGeoJSON(geom, 15)::json AS geom FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' ORDER BY code`, [jobId]);
  return { tier: pr[0].tier + 1, grids: rows.map((r) => ({ code: r.code, name: r.code, geom: r.geom })) };
}

/**
 * Refuses before a job is made (probe of 2026-12-01): a barrier class the planner named that is
 * neither a default class nor the class of any barrier of the jurisdiction (a typo such as
 * "raliway" was silently a class that cuts nothing), and a drawn area that holds none of the
 * jurisdiction's households (a polygon far from it ran a whole job to one empty grid).
 */
async function checkClassesAndArea(q: Queryable, jurisdictionId: number, given: { hardClasses?: string[]; preferredClasses?: string[] }, areaSql: string, args: unknown[]): Promise<void> {
  const named = [...new Set([...(given.hardClasses ?? []), ...(given.preferredClasses ?? [])])].filter((c) => !KNOWN_CLASSES.has(c));
  if (named.length > 0) {
    const { rows } = await q.query<{ c: string }>(
      'SELECT c FROM unnest($2::text[]) c WHERE NOT EXISTS (SELECT 1 FROM barriers b WHERE b.jurisdiction_id = $1 AND b.class = c)', [jurisdictionId, named]);
    if (rows.length > 0) {
      const unknown = rows.map((r) => r.c);
      throw unprocessable('unknown_barrier_class', `No barrier class ${unknown.map((c) => `"${c}"`).join(', ')} in jurisdiction ${jurisdictionId} (the defaults are ${DEFAULT_HARD.join(', ')}; ${DEFAULT_PREFERRED.join(', ')})`, { unknown });
    }
  }
  if (areaSql.includes('ST_GeomFromGeoJSON')) {
    const { rows } = await q.query(`SELECT 1 FROM households h WHERE h.jurisdiction_id = $1 AND ST_Intersects(h.pt, ${areaSql}) LIMIT 1`, args);
    if (rows.length === 0) throw unprocessable('empty_area', `The drawn area holds no households of jurisdiction ${jurisdictionId}; draw it over the jurisdiction's buildings`);
  }
}

const KNOWN_CLASSES = new Set([...DEFAULT_HARD, ...DEFAULT_PREFERRED, ...RURAL_PREFERRED]);
