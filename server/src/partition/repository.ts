import type { Queryable } from '../core/db.ts';
import { notFound } from '../core/errors.ts';

/** Reading partition jobs and their grids. */

export interface JobRow {
  id: number; jurisdictionId: number; parentCode: string | null; status: string; stage: string; progress: number;
  params: Record<string, unknown>; createdAt: Date; finishedAt: Date | null; error: Record<string, unknown> | null;
  result: Record<string, unknown> | null; publishedChangeSetId: number | null;
}

const select = `SELECT id, jurisdiction_id AS "jurisdictionId", parent_code AS "parentCode", status, stage, progress, params,
                       created_at AS "createdAt", finished_at AS "finishedAt", error, result, published_change_set_id AS "publishedChangeSetId"
                  FROM partition_jobs`;

export async function getJob(q: Queryable, id: number): Promise<JobRow> {
  const { rows } = await q.query<JobRow>(`${select} WHERE id = $1`, [id]);
  if (!rows[0]) throw notFound('partition_not_found', `No partition job ${id}`);
  return rows[0];
}

export async function listJobs(q: Queryable, jurisdictionId: number | null): Promise<JobRow[]> {
  const { rows } = await q.query<JobRow>(`${select} WHERE $1::int IS NULL OR jurisdiction_id = $1 ORDER BY id DESC LIMIT 100`, [jurisdictionId]);
  return rows;
}

/** A job in the recent list: the stored result names how many grids (`grids`); the list says so as `gridCount`. */
export function jobListOut(j: JobRow) {
  const out = jobOut(j);
  if (!out.result) return out;
  const { grids, ...rest } = out.result;
  return { ...out, result: { ...rest, gridCount: typeof grids === 'number' ? grids : undefined } };
}

export function jobOut(j: JobRow, grids?: object) {
  return {
    ...j,
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
    result: j.result && grids ? { ...j.result, grids } : j.result,
  };
}

/** A variant's grids as a FeatureCollection, in code order. */
export async function gridsCollection(q: Queryable, jobId: number, variant: string, target: number | null, by: string) {
  const { rows } = await q.query<{ seq: number; code: string | null; households: number; population: number; area_m2: number | null; polsby_popper: number | null; barrier_share: Record<string, number>; flag: string | null; flag_reason: string | null; flag_detail: object | null; geometry: object }>(
    `SELECT seq, code, households, population, area_m2, polsby_popper, barrier_share, flag, flag_reason, flag_detail, ST_AsGeoJSON(geom, 7)::json AS geometry
       FROM partition_grids WHERE job_id = $1 AND variant = $2 ORDER BY code NULLS LAST, seq`, [jobId, variant]);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      geometry: r.geometry,
      properties: {
        seq: r.seq, code: r.code, households: r.households, population: Math.round(r.population), areaM2: r.area_m2,
        polsbyPopper: r.polsby_popper, barrierShare: r.barrier_share,
        deviation: target ? Math.round((((by === 'people' ? r.population : r.households) - target) / target) * 1000) / 1000 : null,
        flag: r.flag, flagReason: r.flag_reason, flagDetail: r.flag_detail,
      },
    })),
  };
}

/** The blocks (units) of a proposal with the grid each is in: what a planner edits. */
export async function blocksCollection(q: Queryable, jobId: number) {
  const { rows } = await q.query<{ id: number; face: number; zone: number; households: number; population: number; grid_seq: number | null; geometry: object }>(
    `SELECT id, face, zone, households, population, grid_seq, ST_AsGeoJSON(geom, 7)::json AS geometry
       FROM partition_blocks WHERE job_id = $1 ORDER BY id`, [jobId]);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      geometry: r.geometry,
      properties: { id: r.id, face: r.face, zone: r.zone, households: r.households, population: Math.round(r.population), gridSeq: r.grid_seq },
    })),
  };
}
