import type { Db } from '../core/db.ts';
import { badRequest, conflict, notFound, unprocessable } from '../core/errors.ts';
import { txNoJit, variantMetrics, type PartitionResult } from './engine.ts';
import { band, type PartitionParams } from './params.ts';

/**
 * A planner's edit of a done proposal: move blocks (units) between its grids. Moving every
 * block of a grid into another merges them. The grids touched are rebuilt from their blocks
 * (so coverage stays exact), must each stay one piece, and the proposal's metrics are
 * recomputed; all in one transaction, so a refused edit changes nothing. Undo is the reverse
 * move. Grids keep their code and flag; a grid left without blocks disappears.
 */
export interface Move { block: number; to: number }

export async function moveBlocks(db: Db, jobId: number, moves: Move[]): Promise<{ changed: number[]; removed: number[]; metrics: PartitionResult['metrics'] }> {
  if (moves.length === 0) throw badRequest('no_moves', 'Give at least one move');
  return txNoJit(db, async (q) => {
    const { rows: jr } = await q.query<{ status: string; params: PartitionParams; result: PartitionResult | null; published: number | null; srid: number }>(
      `SELECT status, params, result, published_change_set_id AS published,
              (CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END + least(60, floor((ST_X(c) + 180) / 6)::int + 1)) AS srid
         FROM partition_jobs, LATERAL ST_Centroid(area) c WHERE id = $1 FOR UPDATE`, [jobId]);
    const job = jr[0];
    if (!job) throw notFound('partition_not_found', `No partition job ${jobId}`);
    if (job.status !== 'done' || !job.result) throw conflict('partition_not_done', `Job ${jobId} is ${job.status}`);
    if (job.published) throw conflict('already_published', `Job ${jobId} was published; start a new proposal to change it`);

    const blockIds = moves.map((m) => m.block);
    const { rows: blocks } = await q.query<{ id: number; grid_seq: number }>(
      'SELECT id, grid_seq FROM partition_blocks WHERE job_id = $1 AND id = ANY ($2::int[])', [jobId, blockIds]);
    const from = new Map(blocks.map((b) => [b.id, b.grid_seq]));
    const missing = blockIds.filter((id) => !from.has(id));
    if (missing.length > 0) throw notFound('block_not_found', `No block ${missing.join(', ')} in proposal ${jobId}`, { blocks: missing });
    const { rows: grids } = await q.query<{ seq: number }>("SELECT seq FROM partition_grids WHERE job_id = $1 AND variant = 'proposal'", [jobId]);
    const seqs = new Set(grids.map((g) => g.seq));
    const unknown = moves.filter((m) => !seqs.has(m.to)).map((m) => m.to);
    if (unknown.length > 0) throw badRequest('unknown_grid', `Proposal ${jobId} has no grid ${[...new Set(unknown)].join(', ')}`, { grids: unknown });

    await q.query(
      `UPDATE partition_blocks b SET grid_seq = m.seq FROM unnest($2::int[], $3::int[]) AS m(id, seq) WHERE b.job_id = $1 AND b.id = m.id`,
      [jobId, blockIds, moves.map((m) => m.to)]);
    const touched = [...new Set([...moves.map((m) => m.to), ...blocks.map((b) => b.grid_seq)])];
    const { rows: rebuilt } = await q.query<{ seq: number; pieces: number | null }>(
      `WITH g AS (
         SELECT grid_seq AS seq, ST_Multi(ST_Union(geom, 1e-9)) AS geom FROM partition_blocks
          WHERE job_id = $1 AND grid_seq = ANY ($2::int[]) GROUP BY grid_seq
       ), upd AS (
         UPDATE partition_grids p SET geom = g.geom FROM g WHERE p.job_id = $1 AND p.variant = 'proposal' AND p.seq = g.seq RETURNING p.seq
       )
       SELECT t.seq, ST_NumGeometries(g.geom) AS pieces FROM unnest($2::int[]) AS t(seq) LEFT JOIN g ON g.seq = t.seq`, [jobId, touched]);
    const split = rebuilt.filter((r) => r.pieces !== null && r.pieces > 1).map((r) => r.seq);
    if (split.length > 0) throw unprocessable('not_contiguous', `The edit would leave grid(s) ${split.join(', ')} in more than one piece; nothing was changed`, { grids: split });
    const removed = rebuilt.filter((r) => r.pieces === null).map((r) => r.seq);
    if (removed.length > 0) await q.query("DELETE FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = ANY ($2::int[])", [jobId, removed]);

    const p = job.params;
    const summary = await variantMetrics(q, jobId, 'proposal', [...new Set([...p.hardClasses, ...p.preferredClasses])], job.srid, band(p));
    const metrics = job.result.metrics ? { ...job.result.metrics, ...summary, crossedHard: job.result.metrics.crossedHard, crossedHardReasons: job.result.metrics.crossedHardReasons } : null;
    await q.query('UPDATE partition_jobs SET result = $2 WHERE id = $1', [jobId, JSON.stringify({ ...job.result, metrics, grids: summary.grids })]);
    return { changed: touched.filter((s) => !removed.includes(s)).sort((a, b) => a - b), removed, metrics };
  });
}
