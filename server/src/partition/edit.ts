import type { Db, Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { badRequest, conflict, notFound, unprocessable } from '../core/errors.ts';
import { generateCodes } from '../grids/codes.ts';
import { txNoJit, variantMetrics, type PartitionResult } from './engine.ts';
import { band, type PartitionParams } from './params.ts';
import { bisect } from './bisect.ts';
import { SPLIT_COST, type Edge } from './regionalize.ts';

/**
 * A planner's edits of a done proposal. Every edit is a set of blocks (units) moving between
 * grids, so every edit has an exact inverse (the same blocks moving back):
 * - move: blocks into a neighbouring grid; moving every block of a grid merges it;
 * - split: one grid's blocks into two contiguous parts of 35–65 % of its households each
 *   (bisect.ts); one part becomes a new grid;
 * - redraw: the blocks of grid A on B's side of a drawn line (or inside a drawn polygon) go to B.
 * The grids touched are rebuilt from their blocks (so coverage stays exact), must each stay one
 * piece, and the proposal's metrics are recomputed; all in one transaction, so a refused edit
 * changes nothing. A grid left without blocks leaves the output and the metrics, but its seq,
 * code and flag are kept (result.emptied): a later move into that seq (an undo) brings it back
 * as it was, so undo and redo are single moves, never a recomputation.
 */
export interface Move { block: number; to: number }
/** A move as applied: where the block came from, so the client can keep the inverse. */
export interface AppliedMove extends Move { from: number }

interface EmptiedGrid { code: string | null; flag: string | null; flagReason: string | null; flagDetail?: object | null }
type StoredResult = PartitionResult & { emptied?: Record<string, EmptiedGrid> };

interface EditJob { params: PartitionParams; result: StoredResult; srid: number; parentCode: string | null }

export interface EditResult {
  changed: number[];
  removed: number[];
  /** Grids that came into being (a split) or came back (an undo of a merge). */
  created: number[];
  moves: AppliedMove[];
  metrics: PartitionResult['metrics'];
}

const sql = (name: string) => sqlFile(import.meta.url, `sql/${name}.sql`);

async function lockJob(q: Queryable, jobId: number): Promise<EditJob> {
  const { rows: jr } = await q.query<{ status: string; params: PartitionParams; result: StoredResult | null; published: number | null; srid: number; parent_code: string | null }>(
    `SELECT status, params, result, published_change_set_id AS published, parent_code,
            (CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END + least(60, floor((ST_X(c) + 180) / 6)::int + 1)) AS srid
       FROM partition_jobs, LATERAL ST_Centroid(area) c WHERE id = $1 FOR UPDATE`, [jobId]);
  const job = jr[0];
  if (!job) throw notFound('partition_not_found', `No partition job ${jobId}`);
  if (job.status !== 'done' || !job.result) throw conflict('partition_not_done', `Job ${jobId} is ${job.status}`);
  if (job.published) throw conflict('already_published', `Job ${jobId} was published; start a new proposal to change it`);
  return { params: job.params, result: job.result, srid: job.srid, parentCode: job.parent_code };
}

async function gridSeqs(q: Queryable, jobId: number): Promise<Set<number>> {
  const { rows } = await q.query<{ seq: number }>("SELECT seq FROM partition_grids WHERE job_id = $1 AND variant = 'proposal'", [jobId]);
  return new Set(rows.map((g) => g.seq));
}

/**
 * Applies moves inside the caller's transaction. `create`: a new grid (seq, code) the moves may
 * fill (a split). Moves into an emptied grid bring it back.
 */
async function applyMoves(q: Queryable, jobId: number, job: EditJob, moves: Move[], create?: { seq: number; code: string }): Promise<EditResult> {
  if (moves.length === 0) throw badRequest('no_moves', 'Give at least one move');
  const blockIds = moves.map((m) => m.block);
  const { rows: blocks } = await q.query<{ id: number; grid_seq: number }>(
    'SELECT id, grid_seq FROM partition_blocks WHERE job_id = $1 AND id = ANY ($2::int[])', [jobId, blockIds]);
  const from = new Map(blocks.map((b) => [b.id, b.grid_seq]));
  const missing = blockIds.filter((id) => !from.has(id));
  if (missing.length > 0) throw notFound('block_not_found', `No block ${missing.join(', ')} in proposal ${jobId}`, { blocks: missing });
  const seqs = await gridSeqs(q, jobId);
  const emptied = { ...(job.result.emptied ?? {}) };
  const unknown = moves.filter((m) => !seqs.has(m.to) && !(String(m.to) in emptied) && m.to !== create?.seq).map((m) => m.to);
  if (unknown.length > 0) throw badRequest('unknown_grid', `Proposal ${jobId} has no grid ${[...new Set(unknown)].join(', ')}`, { grids: unknown });

  const created = [...new Set(moves.map((m) => m.to).filter((s) => !seqs.has(s)))];
  await q.query(
    `UPDATE partition_blocks b SET grid_seq = m.seq FROM unnest($2::int[], $3::int[]) AS m(id, seq) WHERE b.job_id = $1 AND b.id = m.id`,
    [jobId, blockIds, moves.map((m) => m.to)]);
  for (const seq of created) {
    const back = emptied[String(seq)];
    const meta: EmptiedGrid = back ?? { code: create?.code ?? null, flag: null, flagReason: null };
    await q.query(
      `INSERT INTO partition_grids (job_id, variant, seq, code, geom, flag, flag_reason, flag_detail)
       SELECT $1, 'proposal', $2, $3, ST_Multi(ST_Union(geom, 1e-9)), $4, $5, $6::jsonb FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2`,
      [jobId, seq, meta.code, meta.flag, meta.flagReason, meta.flagDetail ? JSON.stringify(meta.flagDetail) : null]);
    delete emptied[String(seq)];
  }
  const touched = [...new Set([...moves.map((m) => m.to), ...blocks.map((b) => b.grid_seq)])];
  const { rows: rebuilt } = await q.query<{ seq: number; pieces: number | null }>(
    `WITH g AS (
       SELECT grid_seq AS seq, ST_Multi(ST_Union(geom, 1e-9)) AS geom FROM partition_blocks
        WHERE job_id = $1 AND grid_seq = ANY ($2::int[]) GROUP BY grid_seq
     ), upd AS (
       UPDATE partition_grids p SET geom = g.geom FROM g WHERE p.job_id = $1 AND p.variant = 'proposal' AND p.seq = g.seq RETURNING p.seq
     )
     SELECT t.seq, ST_NumGeometries(g.geom) AS pieces FROM unnest($2::int[]) AS t(seq) LEFT JOIN g ON g.seq = t.seq`, [jobId, touched]);
  const torn = rebuilt.filter((r) => r.pieces !== null && r.pieces > 1).map((r) => r.seq);
  if (torn.length > 0) throw unprocessable('not_contiguous', `The edit would leave grid(s) ${torn.join(', ')} in more than one piece; nothing was changed`, { grids: torn });
  const removed = rebuilt.filter((r) => r.pieces === null).map((r) => r.seq);
  if (removed.length > 0) {
    const { rows: gone } = await q.query<{ seq: number; code: string | null; flag: string | null; flag_reason: string | null; flag_detail: object | null }>(
      "DELETE FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = ANY ($2::int[]) RETURNING seq, code, flag, flag_reason, flag_detail", [jobId, removed]);
    for (const g of gone) emptied[String(g.seq)] = { code: g.code, flag: g.flag, flagReason: g.flag_reason, flagDetail: g.flag_detail };
  }

  const p = job.params;
  const summary = await variantMetrics(q, jobId, 'proposal', [...new Set([...p.hardClasses, ...p.preferredClasses])], job.srid, band(p), touched);
  const r = job.result;
  const metrics = r.metrics ? { ...r.metrics, ...summary, crossedHard: r.metrics.crossedHard, crossedHardReasons: r.metrics.crossedHardReasons, crossedHardDetails: r.metrics.crossedHardDetails ?? [] } : null;
  await q.query('UPDATE partition_jobs SET result = $2 WHERE id = $1', [jobId, JSON.stringify({ ...r, metrics, grids: summary.grids, emptied })]);
  return {
    changed: touched.filter((s) => !removed.includes(s) && !created.includes(s)).sort((a, b) => a - b),
    removed: removed.sort((a, b) => a - b),
    created: created.sort((a, b) => a - b),
    moves: moves.map((m) => ({ ...m, from: from.get(m.block) as number })),
    metrics,
  };
}

/** Moves blocks between grids (every block of a grid = a merge; moves into an emptied grid bring it back). */
export async function moveBlocks(db: Db, jobId: number, moves: Move[]): Promise<EditResult> {
  if (moves.length === 0) throw badRequest('no_moves', 'Give at least one move');
  return txNoJit(db, async (q) => applyMoves(q, jobId, await lockJob(q, jobId), moves));
}

async function requireGrid(q: Queryable, jobId: number, seq: number): Promise<void> {
  const { rows } = await q.query("SELECT 1 FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = $2", [jobId, seq]);
  if (!rows[0]) throw notFound('grid_not_found', `Proposal ${jobId} has no grid ${seq}`);
}

/**
 * Splits one grid into two contiguous parts balanced by households (or people, as the job's
 * band), each within 35–65 % of the grid's weight, cut along barriers where it can be
 * (bisect.ts: spanning-tree bipartitions of the grid's blocks; blocks are not cut). 422
 * `no_balanced_split` when no two contiguous parts fall in that range. The part holding the
 * grid's lowest block id keeps the grid's seq and code; the other becomes a new grid with the
 * next free code.
 */
export async function splitGrid(db: Db, jobId: number, seq: number): Promise<EditResult> {
  return txNoJit(db, async (q) => {
    const job = await lockJob(q, jobId);
    await requireGrid(q, jobId, seq);
    const b = band(job.params);
    // unit-graph.sql reads the engine's work table of units; here it holds the grid's blocks.
    await q.query(sql('units-temp'));
    await q.query('DELETE FROM partition_units');
    await q.query('INSERT INTO partition_units SELECT id, geom, face, zone, households, population FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2', [jobId, seq]);
    const { rows: units } = await q.query<{ id: number; face: number; zone: number; households: number; population: number; x: number; y: number; area: number }>(sql('unit-graph'), [job.srid]);
    if (units.length < 2) throw unprocessable('cannot_split', `Grid ${seq} is a single block; blocks are not cut by an edit`, { reason: 'single_block' });
    await q.query('CREATE TEMP TABLE IF NOT EXISTS partition_unit_ix (id integer NOT NULL, geom geometry NOT NULL) ON COMMIT DROP');
    await q.query('DELETE FROM partition_unit_ix');
    await q.query('INSERT INTO partition_unit_ix SELECT id, geom FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2', [jobId, seq]);
    const { rows: edges } = await q.query<Edge>(sql('grid-edges'), [job.srid]);
    const weight = (u: (typeof units)[number]) => (b.by === 'people' ? u.population : u.households);
    const W = units.reduce((s, u) => s + weight(u), 0);
    if (W <= 0) throw unprocessable('cannot_split', `Grid ${seq} has no ${b.by}; there is nothing to balance`, { reason: 'empty' });
    // Two contiguous parts within 35–65 % of the grid, the cut on barriers where it can be.
    const split = bisect(units.map((u) => ({ id: u.id, face: u.face, w: weight(u), area: u.area })), edges, 0.35 * W, 0.65 * W, SPLIT_COST);
    if (!split) {
      const top = Math.max(...units.map(weight));
      const why = top > 0.65 * W ? `one block holds ${Math.round((100 * top) / W)} % of its ${b.by}` : 'its blocks do not fall into two contiguous parts of 35–65 % each';
      throw unprocessable('cannot_split', `Grid ${seq} cannot be split into two balanced contiguous parts: ${why}`, { reason: 'no_balanced_split' });
    }
    // The new grid's code: the next free number under the parent, in the standard's format.
    const { rows: codes } = await q.query<{ code: string | null; max: number }>(
      "SELECT code, max(seq) OVER () AS max FROM partition_grids WHERE job_id = $1 AND variant = 'proposal'", [jobId]);
    const taken = new Set(codes.map((c) => c.code).filter((c): c is string => c !== null));
    for (const e of Object.values(job.result.emptied ?? {})) if (e.code) taken.add(e.code);
    const newSeq = Math.max(codes[0]?.max ?? 0, ...Object.keys(job.result.emptied ?? {}).map(Number)) + 1;
    const [code] = generateCodes(job.parentCode ?? '', [{ x: 0, y: 0 }], { taken });
    return applyMoves(q, jobId, job, split.part.map((block) => ({ block, to: newSeq })), { seq: newSeq, code });
  });
}

/**
 * Redraws the edge between grids `from` and `to`: the blocks of `from` inside a drawn polygon
 * (by a point on their surface), or on `to`'s side of a drawn line (the line cuts `from`; the
 * piece sharing the longest edge with `to`), move to `to`. Both must stay one piece.
 */
export async function redrawEdge(db: Db, jobId: number, from: number, to: number, geometry: { type: string }): Promise<EditResult> {
  if (from === to) throw badRequest('same_grid', 'from and to must be two different grids');
  return txNoJit(db, async (q) => {
    const job = await lockJob(q, jobId);
    await requireGrid(q, jobId, from);
    await requireGrid(q, jobId, to);
    const { rows: v } = await q.query<{ reason: string; shared: number }>(
      `SELECT ST_IsValidReason(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) AS reason,
              (SELECT ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) FROM partition_grids a, partition_grids b
                WHERE a.job_id = $1 AND b.job_id = $1 AND a.variant = 'proposal' AND b.variant = 'proposal' AND a.seq = $2 AND b.seq = $4) AS shared`,
      [jobId, from, JSON.stringify(geometry), to]);
    if (v[0].reason !== 'Valid Geometry') throw unprocessable('invalid_geometry', `The drawn ${geometry.type} is not valid: ${v[0].reason}`);
    if (!(v[0].shared > 0)) throw unprocessable('not_neighbours', `Grids ${from} and ${to} do not share an edge`);
    const { rows } = await q.query<{ ids: number[] | null; pieces: number }>(sql('redraw-select'), [jobId, from, to, JSON.stringify(geometry)]);
    if (geometry.type === 'LineString' && rows[0].pieces < 2) {
      throw unprocessable('line_does_not_cut', `The line does not cut grid ${from} in two; draw it across the grid, from edge to edge`);
    }
    const ids = rows[0].ids ?? [];
    if (ids.length === 0) throw unprocessable('nothing_selected', `No block of grid ${from} lies on the drawn side`);
    const { rows: all } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2', [jobId, from]);
    if (ids.length === all[0].n) throw unprocessable('would_empty', `The drawing takes every block of grid ${from}; use merge for that`);
    return applyMoves(q, jobId, job, ids.map((block) => ({ block, to })));
  });
}
