import type { Db } from '../core/db.ts';
import type { DemoStep } from '../osm/demo.ts';
import { runPartition } from './engine.ts';
import { withDefaults } from './params.ts';

/**
 * What the partition feature adds to the demo area on first start: each tier-2 grid (Monaco's
 * quarters) cut into unit grids of about 200 households (the demo jurisdiction's band 160–240),
 * written directly as current tier-3 children (the demo database is fresh, so there is nothing
 * to version or check against). The engine runs without metrics or baselines here, for speed.
 * Quarters that already have unit grids are skipped, so the step can resume after an interrupted start.
 */
export const partitionDemo: DemoStep = async (db, jurisdictionId, _config, onProgress) => {
  // Quarters that already have unit grids are done: a start interrupted during this step resumes it.
  const { rows: quarters } = await db.query<{ code: string }>(
    `SELECT code FROM grids p WHERE jurisdiction_id = $1 AND tier = 2 AND valid_to IS NULL
        AND NOT EXISTS (SELECT 1 FROM grids c WHERE c.jurisdiction_id = p.jurisdiction_id AND c.parent_code = p.code AND c.valid_to IS NULL)
      ORDER BY code`, [jurisdictionId]);
  const { rows: j } = await db.query<{ lo: number; hi: number }>('SELECT households_min AS lo, households_max AS hi FROM jurisdictions WHERE id = $1', [jurisdictionId]);
  const target = Math.round((j[0].lo + j[0].hi) / 2);
  const tolerance = j[0].hi > 0 ? (j[0].hi - j[0].lo) / (j[0].hi + j[0].lo) : 0.2;
  let done = 0;
  for (const q of quarters) {
    onProgress('unit grids', done, quarters.length);
    await partitionInto(db, jurisdictionId, q.code, { targetHouseholds: target, tolerance });
    done++;
  }
  onProgress('unit grids', done, quarters.length);
};

/** Runs the engine on one grid and writes its proposal as the grid's tier+1 children. */
export async function partitionInto(db: Db, jurisdictionId: number, parentCode: string, params: { targetHouseholds: number; tolerance: number }): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params, status, stage)
     SELECT jurisdiction_id, code, ST_Multi(geom), $3, 'running', 'demo' FROM grids
      WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL RETURNING id`,
    [jurisdictionId, parentCode, JSON.stringify(withDefaults({ ...params, baselines: false }))]);
  const jobId = rows[0].id;
  const result = await runPartition(db, jobId, { metrics: false });
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households, population, attributes)
       SELECT p.jurisdiction_id, p.tier + 1, g.code, p.name || ' ' || right(g.code, 3), coalesce(p.name_en, p.name) || ' ' || right(g.code, 3),
              p.code, g.geom, coalesce(s.households, 0), round(coalesce(s.people, 0))::int,
              jsonb_build_object('partitionJob', g.job_id) || CASE WHEN g.flag IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('flag', g.flag, 'flagReason', g.flag_reason, 'flagDetail', g.flag_detail) END
         FROM partition_grids g
         JOIN grids p ON p.jurisdiction_id = $2 AND p.code = $3 AND p.valid_to IS NULL
         LEFT JOIN (SELECT grid_seq, sum(households)::int AS households, sum(population) AS people FROM partition_blocks WHERE job_id = $1 GROUP BY grid_seq) s
           ON s.grid_seq = g.seq
        WHERE g.job_id = $1 AND g.variant = 'proposal'`,
      [jobId, jurisdictionId, parentCode]);
    await q.query(`UPDATE partition_jobs SET status = 'done', stage = 'done', progress = 1, result = $2, finished_at = now() WHERE id = $1`, [jobId, JSON.stringify(result)]);
    await q.query("SELECT bump_layer_version('grids')");
  });
  return result.grids;
}
