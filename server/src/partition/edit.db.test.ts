import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { DEMO_PBF, DEMO_TIERS } from '../osm/demo.ts';
import { importOsm } from '../osm/import.ts';
import { readOsmPbf } from '../osm/read-pbf.ts';
import { variantMetrics } from './engine.ts';
import { band, type PartitionParams } from './params.ts';

/** Cancelling a running job; the edits (move/merge, split, redraw) and their undo as inverse moves. */

let t: TestApp;
let jid: number;
let planner: string;

beforeAll(async () => {
  t = await testApp();
  const features = await readOsmPbf(DEMO_PBF);
  const report = await importOsm(t.db, features, {
    jurisdiction: { name: uniq('monaco-partition-edit'), householdsMin: 160, householdsMax: 240 },
    tiers: DEMO_TIERS, rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '980', minBuildingShare: 0.2,
  });
  jid = report.jurisdictionId;
  planner = await tokenFor(t, ['planner'], { jurisdictionId: jid });
}, 120_000);
afterAll(async () => { await t?.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers */
async function job(id: number): Promise<Record<string, any>> {
  const res = await t.app.inject({ method: 'GET', url: `/api/partitions/${id}`, headers: bearer(planner) });
  expect(res.statusCode).toBe(200);
  return res.json();
}
async function waitDone(id: number): Promise<Record<string, any>> {
  for (;;) {
    const body = await job(id);
    if (!['queued', 'running'].includes(body.status)) return body;
    await sleep(100);
  }
}
const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: bearer(planner), payload });

async function proposalState(id: number) {
  const { rows } = await t.db.query<{ seq: number; code: string; households: number; pieces: number }>(
    "SELECT seq, code, households, ST_NumGeometries(geom) AS pieces FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' ORDER BY seq", [id]);
  const { rows: blocks } = await t.db.query<{ sig: string }>("SELECT string_agg(id || ':' || grid_seq, ',' ORDER BY id) AS sig FROM partition_blocks WHERE job_id = $1", [id]);
  return { grids: rows, sig: blocks[0].sig };
}

describe('cancelling a partition job', () => {
  it('stops a running job: status cancelled, no result, progress frozen, the runner free for the next job', async () => {
    // The whole commune (≈33k households): several seconds, long enough to be caught running.
    const res = await post('/api/partitions', { parentCode: '980001', jurisdictionId: jid, seed: 2 });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as number;
    let seen = await job(id);
    for (let i = 0; i < 600 && seen.status === 'queued'; i++) { await sleep(50); seen = await job(id); }
    expect(seen.status).toBe('running');
    const cancelledAt = Date.now();
    const cancel = await post(`/api/partitions/${id}/cancel`, {});
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().status).toBe('cancelled');
    const after = await waitDone(id);
    expect(after.status).toBe('cancelled');
    expect(after.result).toBeNull();

    // The next job runs only when the runner is free: when it is done, the cancelled one has stopped.
    const area = { type: 'Polygon', coordinates: [[[7.418, 43.728], [7.421, 43.728], [7.421, 43.731], [7.418, 43.731], [7.418, 43.728]]] };
    const next = await post('/api/partitions', { area, jurisdictionId: jid, baselines: false });
    let nextJob = await job(next.json().id);
    while (nextJob.status === 'queued') { await sleep(50); nextJob = await job(next.json().id); }
    // A measurement, not an assertion: how long the cancelled job held the runner.
    console.info(`partition cancel: stage ${seen.stage} → runner free after ${Date.now() - cancelledAt} ms`);
    expect((await waitDone(next.json().id)).status).toBe('done');
    const final = await job(id);
    expect(final.status).toBe('cancelled');
    expect(final.result).toBeNull();
    expect(final.stage).toBe('cancelled');
    expect(final.progress).toBe(after.progress);
    const { rows } = await t.db.query<{ blocks: number; grids: number }>(
      'SELECT (SELECT count(*)::int FROM partition_blocks WHERE job_id = $1) AS blocks, (SELECT count(*)::int FROM partition_grids WHERE job_id = $1) AS grids', [id]);
    expect(rows[0]).toEqual({ blocks: 0, grids: 0 });
    expect(errorCode(await post(`/api/partitions/${id}/cancel`, {}))).toBe('partition_finished');
  }, 180_000);
});

describe('editing a proposal', () => {
  let id = 0;
  beforeAll(async () => {
    const res = await post('/api/partitions', { parentCode: '980001006', jurisdictionId: jid, seed: 7, baselines: false });
    const done = await waitDone(res.json().id);
    expect(done.status).toBe('done');
    id = done.id;
  }, 120_000);

  it('undoes a merge at once: moving the blocks back brings the emptied grid back with its code', async () => {
    const start = await proposalState(id);
    const { rows: pair } = await t.db.query<{ a: number; b: number }>(
      `SELECT a.seq AS a, b.seq AS b FROM partition_grids a JOIN partition_grids b
          ON b.job_id = a.job_id AND b.variant = a.variant AND a.seq <> b.seq AND ST_Intersects(a.geom, b.geom)
       WHERE a.job_id = $1 AND a.variant = 'proposal' AND a.flag IS NULL AND b.flag IS NULL
         AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) > 0
       ORDER BY a.seq, b.seq LIMIT 1`, [id]);
    const { a, b } = pair[0];
    const { rows: blocks } = await t.db.query<{ id: number }>('SELECT id FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2 ORDER BY id', [id, a]);
    const merge = await post(`/api/partitions/${id}/moves`, { moves: blocks.map((x) => ({ block: x.id, to: b })) });
    expect(merge.statusCode, merge.body).toBe(200);
    expect(merge.json().removed).toEqual([a]);
    expect(merge.json().metrics.grids).toBe(start.grids.length - 1);
    expect(merge.json().moves.every((m: any) => m.from === a && m.to === b)).toBe(true);
    const grids = await t.app.inject({ method: 'GET', url: `/api/partitions/${id}/grids`, headers: bearer(planner) });
    expect(grids.json().features.map((f: any) => f.properties.seq)).not.toContain(a);

    const undo = await post(`/api/partitions/${id}/moves`, { moves: merge.json().moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().created).toEqual([a]);
    expect(undo.json().metrics.grids).toBe(start.grids.length);
    expect(await proposalState(id)).toEqual(start);
  }, 60_000);

  it('recomputes the metrics of the grids an edit touched and their neighbours only, with the same summary as recomputing all', async () => {
    const { rows: pair } = await t.db.query<{ a: number; b: number }>(
      `SELECT a.seq AS a, b.seq AS b FROM partition_grids a JOIN partition_grids b
          ON b.job_id = a.job_id AND b.variant = a.variant AND a.seq <> b.seq AND ST_Intersects(a.geom, b.geom)
       WHERE a.job_id = $1 AND a.variant = 'proposal' AND a.flag IS NULL AND b.flag IS NULL
         AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) > 0
       ORDER BY a.seq DESC, b.seq LIMIT 1`, [id]);
    const { a, b } = pair[0];
    // A grid that borders neither: marked, so a recompute of it would show.
    const { rows: far } = await t.db.query<{ seq: number }>(
      `SELECT f.seq FROM partition_grids f WHERE f.job_id = $1 AND f.variant = 'proposal' AND f.seq NOT IN ($2, $3)
          AND NOT EXISTS (SELECT 1 FROM partition_grids n WHERE n.job_id = f.job_id AND n.variant = f.variant AND n.seq IN ($2, $3) AND ST_Intersects(n.geom, f.geom))
        ORDER BY f.seq LIMIT 1`, [id, a, b]);
    await t.db.query("UPDATE partition_grids SET area_m2 = -1 WHERE job_id = $1 AND variant = 'proposal' AND seq = $2", [id, far[0].seq]);
    const { rows: blocks } = await t.db.query<{ id: number }>('SELECT id FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2 ORDER BY id', [id, a]);
    const merge = await post(`/api/partitions/${id}/moves`, { moves: blocks.map((x) => ({ block: x.id, to: b })) });
    expect(merge.statusCode, merge.body).toBe(200);
    const { rows: mark } = await t.db.query<{ area_m2: number }>("SELECT area_m2 FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = $2", [id, far[0].seq]);
    expect(mark[0].area_m2).toBe(-1);
    await t.db.query("UPDATE partition_grids SET area_m2 = ST_Area(geom::geography) WHERE job_id = $1 AND variant = 'proposal' AND seq = $2", [id, far[0].seq]);
    // Everything recomputed: the same figures.
    const { rows: jr } = await t.db.query<{ params: PartitionParams }>('SELECT params FROM partition_jobs WHERE id = $1', [id]);
    const p = jr[0].params;
    const whole = await t.db.tx((q) => variantMetrics(q, id, 'proposal', [...new Set([...p.hardClasses, ...p.preferredClasses])], 32632, band(p)));
    const pick = (m: Record<string, unknown>) => ({ grids: m.grids, min: m.min, median: m.median, max: m.max, bandShare: m.bandShare, barrierShare: m.barrierShare, meanPolsbyPopper: m.meanPolsbyPopper, minPolsbyPopper: m.minPolsbyPopper });
    expect(pick(merge.json().metrics)).toEqual(pick(whole as unknown as Record<string, unknown>));
    const undo = await post(`/api/partitions/${id}/moves`, { moves: merge.json().moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(undo.statusCode, undo.body).toBe(200);
  }, 60_000);

  it('brings a merged tower back with its flag, reason and reason as data', async () => {
    const flagOf = async (seq: number) => {
      const grids = await t.app.inject({ method: 'GET', url: `/api/partitions/${id}/grids`, headers: bearer(planner) });
      const p = grids.json().features.find((f: any) => f.properties.seq === seq)?.properties;
      return p && { flag: p.flag, flagReason: p.flagReason, flagDetail: p.flagDetail };
    };
    const { rows: pair } = await t.db.query<{ a: number; b: number }>(
      `SELECT a.seq AS a, b.seq AS b FROM partition_grids a JOIN partition_grids b
          ON b.job_id = a.job_id AND b.variant = a.variant AND a.seq <> b.seq AND ST_Intersects(a.geom, b.geom)
       WHERE a.job_id = $1 AND a.variant = 'proposal' AND a.flag = 'tower' AND b.flag IS NULL
         AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) > 0
       ORDER BY a.seq, b.seq LIMIT 1`, [id]);
    const { a, b } = pair[0];
    const before = await flagOf(a);
    expect(before.flagDetail).toMatchObject({ code: 'tower', hi: 240 });
    const { rows: blocks } = await t.db.query<{ id: number }>('SELECT id FROM partition_blocks WHERE job_id = $1 AND grid_seq = $2 ORDER BY id', [id, a]);
    const merge = await post(`/api/partitions/${id}/moves`, { moves: blocks.map((x) => ({ block: x.id, to: b })) });
    expect(merge.statusCode, merge.body).toBe(200);
    expect(await flagOf(a)).toBeUndefined();
    const undo = await post(`/api/partitions/${id}/moves`, { moves: merge.json().moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(await flagOf(a)).toEqual(before);
  }, 60_000);

  it('splits a grid into two balanced contiguous parts; undo and redo are moves', async () => {
    const start = await proposalState(id);
    // The grids with the most blocks first; one whose blocks allow no two contiguous parts of
    // 35–65 % is refused (422 no_balanced_split) and changes nothing.
    const { rows: cand } = await t.db.query<{ seq: number; n: number }>(
      `SELECT g.seq, count(*)::int AS n FROM partition_grids g JOIN partition_blocks u ON u.job_id = g.job_id AND u.grid_seq = g.seq
        WHERE g.job_id = $1 AND g.variant = 'proposal' AND g.flag IS NULL GROUP BY g.seq ORDER BY count(*) DESC, g.seq`, [id]);
    let seq = 0;
    let split: Awaited<ReturnType<typeof post>> | null = null;
    for (const c of cand) {
      const res = await post(`/api/partitions/${id}/split`, { grid: c.seq });
      if (res.statusCode === 200) { seq = c.seq; split = res; break; }
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.details.reason).toBe('no_balanced_split');
      expect(await proposalState(id)).toEqual(start);
    }
    expect(split, 'no grid could be split').not.toBeNull();
    const before = start.grids.find((g) => g.seq === seq)!;
    const s = split!.json();
    expect(s.created).toHaveLength(1);
    expect(s.changed).toEqual([seq]);
    expect(s.metrics.grids).toBe(start.grids.length + 1);
    const mid = await proposalState(id);
    const parts = mid.grids.filter((g) => g.seq === seq || g.seq === s.created[0]);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.pieces).toBe(1);
    expect(parts[0].households + parts[1].households).toBe(before.households);
    // Each half within 35–65 % of the grid's households, without cutting a block (bisect.ts).
    for (const p of parts) {
      expect(p.households).toBeGreaterThanOrEqual(0.35 * before.households);
      expect(p.households).toBeLessThanOrEqual(0.65 * before.households);
    }
    const newCode = parts.find((p) => p.seq === s.created[0])!.code;
    expect(newCode).toMatch(/^980001006\d{3}$/);
    expect(start.grids.map((g) => g.code)).not.toContain(newCode);

    const undo = await post(`/api/partitions/${id}/moves`, { moves: s.moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().removed).toEqual(s.created);
    expect(await proposalState(id)).toEqual(start);
    const redo = await post(`/api/partitions/${id}/moves`, { moves: s.moves.map((m: any) => ({ block: m.block, to: m.to })) });
    expect(redo.statusCode, redo.body).toBe(200);
    expect(redo.json().created).toEqual(s.created);
    expect(await proposalState(id)).toEqual(mid);
    await post(`/api/partitions/${id}/moves`, { moves: s.moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(await proposalState(id)).toEqual(start);

    // A grid of one block cannot be split.
    const { rows: single } = await t.db.query<{ seq: number }>(
      'SELECT grid_seq AS seq FROM partition_blocks WHERE job_id = $1 GROUP BY grid_seq HAVING count(*) = 1 ORDER BY grid_seq LIMIT 1', [id]);
    if (single[0]) {
      const one = await post(`/api/partitions/${id}/split`, { grid: single[0].seq });
      expect(one.statusCode).toBe(422);
      expect(errorCode(one)).toBe('cannot_split');
    }
    expect(errorCode(await post(`/api/partitions/${id}/split`, { grid: 99999 }))).toBe('grid_not_found');
  }, 60_000);

  it('redraws an edge with a polygon and with a line; refuses what would tear a grid or cuts nothing', async () => {
    const start = await proposalState(id);
    // Pairs of neighbours with a block of A along the edge with B.
    const { rows: cands } = await t.db.query<{ a: number; b: number; block: number; pt: { coordinates: number[] } }>(
      `SELECT a.seq AS a, b.seq AS b, u.id AS block, ST_AsGeoJSON(ST_PointOnSurface(u.geom))::json AS pt
         FROM partition_grids a JOIN partition_grids b ON b.job_id = a.job_id AND b.variant = a.variant AND a.seq <> b.seq AND ST_Intersects(a.geom, b.geom)
         JOIN partition_blocks u ON u.job_id = a.job_id AND u.grid_seq = a.seq AND ST_Length(ST_CollectionExtract(ST_Intersection(u.geom, b.geom, 1e-9), 2)) > 0
        WHERE a.job_id = $1 AND a.variant = 'proposal' ORDER BY a.seq, b.seq, u.id LIMIT 40`, [id]);
    expect(cands.length).toBeGreaterThan(0);
    const square = (p: number[], r: number) => ({ type: 'Polygon', coordinates: [[[p[0] - r, p[1] - r], [p[0] + r, p[1] - r], [p[0] + r, p[1] + r], [p[0] - r, p[1] + r], [p[0] - r, p[1] - r]]] });
    let done: Record<string, any> | null = null;
    let refused = 0;
    for (const c of cands) {
      const res = await post(`/api/partitions/${id}/redraw`, { from: c.a, to: c.b, geometry: square(c.pt.coordinates, 0.000001) });
      if (res.statusCode === 200) { done = { ...res.json(), c }; break; }
      expect(res.statusCode, res.body).toBe(422);
      expect(['not_contiguous', 'would_empty']).toContain(errorCode(res));
      refused++;
      expect(await proposalState(id)).toEqual(start);
    }
    expect(done, `all ${refused} candidates refused`).not.toBeNull();
    expect(done!.moves).toEqual([{ block: done!.c.block, from: done!.c.a, to: done!.c.b }]);
    for (const g of (await proposalState(id)).grids) expect(g.pieces).toBe(1);
    const undo = await post(`/api/partitions/${id}/moves`, { moves: done!.moves.map((m: any) => ({ block: m.block, to: m.from })) });
    expect(undo.statusCode).toBe(200);
    expect(await proposalState(id)).toEqual(start);

    // A line along the inner side of a block X of A that holds most of A's edge with B (X's
    // boundary less A's boundary, a little longer at both ends): the line cuts X off A, and X's
    // piece has the longer edge on B, so exactly X moves to B (or the edit is refused whole).
    const { rows: lines } = await t.db.query<{ a: number; b: number; block: number; line: { type: string; coordinates: number[][] } }>(
      `WITH c AS (
         SELECT a.seq AS a, b.seq AS b, u.id AS block,
                ST_LineMerge(ST_Difference(ST_Boundary(u.geom), ST_Boundary(a.geom), 1e-9)) AS inner_line,
                ST_Length(ST_CollectionExtract(ST_Intersection(u.geom, b.geom, 1e-9), 2)) / ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) AS share
           FROM partition_grids a JOIN partition_grids b ON b.job_id = a.job_id AND b.variant = a.variant AND a.seq <> b.seq AND ST_Intersects(a.geom, b.geom)
           JOIN partition_blocks u ON u.job_id = a.job_id AND u.grid_seq = a.seq AND ST_Intersects(u.geom, b.geom)
          WHERE a.job_id = $1 AND a.variant = 'proposal'
            AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2)) > 0
       ), e AS (
         SELECT a, b, block, inner_line AS l, ST_NPoints(inner_line) AS n FROM c WHERE share > 0.6 AND GeometryType(inner_line) = 'LINESTRING'
       )
       SELECT a, b, block, ST_AsGeoJSON(ST_MakeLine(ARRAY[
                ST_Translate(ST_StartPoint(l), (ST_X(ST_StartPoint(l)) - ST_X(ST_PointN(l, 2))) * 0.05, (ST_Y(ST_StartPoint(l)) - ST_Y(ST_PointN(l, 2))) * 0.05),
                l,
                ST_Translate(ST_EndPoint(l), (ST_X(ST_EndPoint(l)) - ST_X(ST_PointN(l, n - 1))) * 0.05, (ST_Y(ST_EndPoint(l)) - ST_Y(ST_PointN(l, n - 1))) * 0.05)]), 9)::json AS line
         FROM e ORDER BY a, b, block LIMIT 20`, [id]);
    let lineDone = false;
    for (const c of lines) {
      const res = await post(`/api/partitions/${id}/redraw`, { from: c.a, to: c.b, geometry: c.line });
      if (res.statusCode !== 200) {
        expect(res.statusCode, res.body).toBe(422);
        expect(['not_contiguous', 'would_empty']).toContain(errorCode(res));
        expect(await proposalState(id)).toEqual(start);
        continue;
      }
      expect(res.json().moves).toEqual([{ block: c.block, from: c.a, to: c.b }]);
      for (const g of (await proposalState(id)).grids) expect(g.pieces).toBe(1);
      await post(`/api/partitions/${id}/moves`, { moves: res.json().moves.map((m: any) => ({ block: m.block, to: m.from })) });
      lineDone = true;
      break;
    }
    expect(lineDone, `no line redraw accepted among ${lines.length} candidates`).toBe(true);
    expect(await proposalState(id)).toEqual(start);
    const { a, b } = done!.c;
    const { rows: box } = await t.db.query<{ xmin: number; y: number }>(
      "SELECT ST_XMin(geom) - 0.001 AS xmin, ST_Y(ST_PointOnSurface(geom)) AS y FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = $2", [id, a]);
    const miss = { type: 'LineString', coordinates: [[box[0].xmin - 1, box[0].y], [box[0].xmin - 0.5, box[0].y]] };
    expect(errorCode(await post(`/api/partitions/${id}/redraw`, { from: a, to: b, geometry: miss }))).toBe('line_does_not_cut');
    const bad = await post(`/api/partitions/${id}/redraw`, { from: a, to: b, geometry: { type: 'Point', coordinates: [7.4, 43.7] } });
    expect(bad.statusCode).toBe(400);
  }, 60_000);
});
