import type { Geometry, GeometryCollection, MultiPolygon, Polygon } from 'geojson';
import type { Db, Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { generateCodes } from '../grids/codes.ts';
import { h3Tiling, weightedKMeans } from './baselines.ts';
import { deadEndCuts, kdCuts, orientedRect, type Segment } from './cuts.ts';
import { summarize, type GridRow, type Summary } from './metrics.ts';
import { band, PERSONS_PER_HOUSEHOLD, type PartitionParams } from './params.ts';
import { regionalize, type Edge, type Region, type Unit } from './regionalize.ts';

/**
 * The partition pipeline for one job (a row of partition_jobs): heavy geometry in PostGIS,
 * graph work in TypeScript.
 *   lines → faces (blocks) → zones (hard faces) → households per face → split lines in blocks
 *   above half the target → units → households per unit → regionalise → grids → codes → metrics
 *   (+ the current grids and the two baselines). The split lines are made four times (Voronoi edges
 *   between buildings; straight cuts of cuts.ts; a per-block mix of the two with dead ends
 *   continued across their block; that mix with the blocks above the band cut at whole targets)
 *   and the best-scoring unit set is kept.
 */

const sql = (name: string) => sqlFile(import.meta.url, `sql/${name}.sql`);

/** Blocks holding more than this share of the target are split between their buildings. */
export const SPLIT_SHARE = 0.5;

/**
 * Straight cuts (cuts.ts) stop at pieces of at most this share of the target (measured on
 * Helsinki centre and Monaco's quarters: 0.12, 0.25 and 0.4 tried; 0.12 balanced best).
 */
export const STRAIGHT_LEAF_SHARE = 0.12;

/**
 * Dead ends are continued across their block up to this length (m). Measured over seeds 1–3 on
 * Kamppi, La Rousse and Helsinki centre: 50, 80, 120 m and no limit tried; 50–80 m gained most
 * on barriers, longer ones add units (Helsinki +376 without a limit) that rarely become edges.
 */
export const DEAD_END_MAX_M = 80;

/** Slivers merge one per neighbour per pass (sliver-fill.sql); a handful of passes takes them all. */
const SLIVER_PASSES = 5;

/**
 * What decides between the two unit sets: the share of unflagged regions within the band, then
 * the share of the cut between regions that runs on a barrier line (between two blocks, or
 * along a dead-end street or path inside one) rather than between buildings. Both from the
 * graph, before any grid is written.
 */
export function scoreRegions(units: { id: number; face: number }[], edges: Edge[], regions: Region[], regionOf: Map<number, number>, lo: number, hi: number): { band: number; barrier: number } {
  const unflagged = regions.filter((r) => !r.flag);
  const inBand = unflagged.filter((r) => r.w >= lo && r.w <= hi).length;
  const faceOf = new Map(units.map((u) => [u.id, u.face]));
  let cut = 0;
  let onBarrier = 0;
  for (const e of edges) {
    if (regionOf.get(e.a) === regionOf.get(e.b)) continue;
    cut += e.len;
    onBarrier += faceOf.get(e.a) !== faceOf.get(e.b) ? e.len : Math.min(e.len, e.on ?? 0);
  }
  return { band: unflagged.length > 0 ? inBand / unflagged.length : 1, barrier: cut > 0 ? onBarrier / cut : 1 };
}

/** The lines of a GeoJSON geometry (LineStrings, MultiLineStrings, collections of them) as coordinate lists. */
function linesOf(g: Geometry | null): [number, number][][] {
  if (!g) return [];
  if (g.type === 'LineString') return [g.coordinates as [number, number][]];
  if (g.type === 'MultiLineString') return g.coordinates as [number, number][][];
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(linesOf);
  return [];
}

/** Per block cut between buildings: the length of cut off barrier lines between its regions, and how many regions it lies in. */
function faceCuts(r: { units: { id: number; face: number }[]; edges: Edge[]; regionOf: Map<number, number> }): Map<number, { cut: number; pieces: number }> {
  const faceOf = new Map(r.units.map((u) => [u.id, u.face]));
  const out = new Map<number, { cut: number; pieces: number }>();
  const regionsIn = new Map<number, Set<number>>();
  for (const u of r.units) {
    const set = regionsIn.get(u.face) ?? new Set<number>();
    set.add(r.regionOf.get(u.id) ?? -1);
    regionsIn.set(u.face, set);
  }
  for (const [face, set] of regionsIn) out.set(face, { cut: 0, pieces: set.size });
  for (const e of r.edges) {
    const f = faceOf.get(e.a);
    if (f === undefined || f !== faceOf.get(e.b) || r.regionOf.get(e.a) === r.regionOf.get(e.b)) continue;
    out.get(f)!.cut += e.len - Math.min(e.len, e.on ?? 0);
  }
  return out;
}

export class Cancelled extends Error {
  constructor() { super('cancelled'); }
}

export interface RunOptions {
  onProgress?: (stage: string, progress: number) => Promise<void> | void;
  isCancelled?: () => boolean;
  /** Metrics of the proposal (default true); the baselines follow params.baselines. */
  metrics?: boolean;
}

export interface VariantResult { summary: Summary; resolution?: number }

export interface PartitionResult {
  by: 'households' | 'people';
  target: number;
  band: [number, number];
  metrics: (Summary & { runtimeMs: number; units: number; blocks: number }) | null;
  current: VariantResult | null;
  baselines: { h3: VariantResult; kmeans: VariantResult } | null;
  grids: number;
  runtimeMs: number;
}

interface JobRow { id: number; jurisdiction_id: number; parent_code: string | null; params: PartitionParams; srid: number; area: Polygon | MultiPolygon }

/**
 * A transaction without JIT: PostGIS functions carry high planner costs, so PostgreSQL would
 * JIT-compile these statements and spend most of a second doing it (measured: 0.88 s of a
 * 0.93 s statement). PGlite has no JIT; the setting is harmless there.
 */
export function txNoJit<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.tx(async (q) => {
    await q.query('SET LOCAL jit = off');
    return fn(q);
  });
}

export async function runPartition(db: Db, jobId: number, opts: RunOptions = {}): Promise<PartitionResult> {
  const started = Date.now();
  const step = async (stage: string, progress: number) => {
    if (opts.isCancelled?.()) throw new Cancelled();
    await opts.onProgress?.(stage, progress);
  };
  const { rows: jr } = await db.query<JobRow>(
    `SELECT id, jurisdiction_id, parent_code, params,
            (CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END + least(60, floor((ST_X(c) + 180) / 6)::int + 1)) AS srid,
            ST_AsGeoJSON(area, 9)::json AS area
       FROM partition_jobs, LATERAL ST_Centroid(area) c WHERE id = $1`, [jobId]);
  const job = jr[0];
  if (!job) throw new Error(`no partition job ${jobId}`);
  const p = job.params;
  const b = band(p);
  const classes = [...new Set([...p.hardClasses, ...p.preferredClasses])];

  await step('blocks', 0.05);
  type UnitRow = { id: number; face: number; zone: number; households: number; population: number; x: number; y: number; area: number };
  const { blocks, units, regions, regionOf } = await txNoJit(db, async (q) => {
    await q.query('DELETE FROM partition_blocks WHERE job_id = $1', [jobId]);
    await q.query(sql('lines-temp'));
    await q.query(sql('faces-temp'));
    await q.query(sql('lines'), [jobId, p.hardClasses, classes, p.keepLowerBorders]);
    await q.query(sql('faces'), [jobId]);
    // Units look their face up by point; without an index that is a scan per unit.
    await q.query('CREATE INDEX ON partition_faces USING gist (geom)');
    await q.query('ANALYZE partition_faces');
    await q.query(sql('zones'));
    await q.query(sql('face-households'), [jobId]);
    // A block is split between its buildings when it holds more than half the target: with
    // coarser units the regions cannot be balanced (measured on Monaco: splitting only above the
    // band gave 90 % of unflagged grids in the band, at half the target 93 %, with the barrier
    // share 85 % → 82 %; the search still prefers barrier edges, SPLIT_COST). People are
    // estimated from households, so the same test holds for a people band.
    // Rural mode keeps villages whole: only a block above the band is split.
    const splitAt = p.rural ? b.hi : SPLIT_SHARE * b.target;
    const splitHouseholds = b.by === 'people' ? splitAt / PERSONS_PER_HOUSEHOLD : splitAt;
    const targetHouseholds = b.by === 'people' ? b.target / PERSONS_PER_HOUSEHOLD : b.target;
    // Two ways of cutting those blocks (see "How it works" in docs/partition.md): the Voronoi
    // edges between single buildings, and straight lines between groups of buildings (cuts.ts);
    // a third set that mixes them per block and continues dead-end streets and paths across
    // their block (cuts.ts deadEndCuts); a fourth that cuts the blocks above the band of the third
    // at whole targets only. All are regionalised; the one whose regions score best is kept.
    type Cuts = 'voronoi' | 'straight' | 'mixed' | 'whole';
    const { rows: big } = await q.query<{ id: number; xs: number[]; ys: number[]; ws: number[]; outline: { coordinates: [number, number][] } }>(
      sql('split-points'), [jobId, splitHouseholds, job.srid]);
    const straight: { face: number; s: Segment }[] = [];
    // The fourth set's cuts of the blocks above the band: at whole targets, pieces in the band left whole.
    const whole: { face: number; s: Segment }[] = [];
    const bandHouseholds: [number, number] = b.by === 'people' ? [b.lo / PERSONS_PER_HOUSEHOLD, b.hi / PERSONS_PER_HOUSEHOLD] : [b.lo, b.hi];
    for (const f of big) {
      const ring = orientedRect(f.outline.coordinates);
      const pts = f.xs.map((x, i) => ({ x, y: f.ys[i], w: f.ws[i] }));
      for (const seg of kdCuts(pts, ring, STRAIGHT_LEAF_SHARE * targetHouseholds)) straight.push({ face: f.id, s: seg });
      if (f.ws.reduce((a, w) => a + w, 0) > bandHouseholds[1]) {
        for (const seg of kdCuts(pts, ring, STRAIGHT_LEAF_SHARE * targetHouseholds, targetHouseholds, bandHouseholds)) whole.push({ face: f.id, s: seg });
      }
    }
    const { rows: deadRows } = await q.query<{ face: number; lng: number[]; lat: number[]; px: number[]; py: number[]; qx: number[]; qy: number[]; lines: GeometryCollection }>(
      sql('dead-ends'), [splitHouseholds, job.srid]);
    // Each continuation starts exactly at its dead end (lng, lat as the network has it).
    const ext: { s: Segment; lng: number; lat: number; face: number }[] = [];
    for (const f of deadRows) {
      const ends = f.px.map((px, i) => ({ px, py: f.py[i], qx: f.qx[i], qy: f.qy[i] }));
      for (const c of deadEndCuts(ends, linesOf(f.lines), DEAD_END_MAX_M)) ext.push({ s: c, lng: f.lng[c.end], lat: f.lat[c.end], face: f.face });
    }
    // Each unit set is built in a work table of this transaction, not in partition_blocks: a
    // permanent table's statistics describe other jobs' rows (or none, before autovacuum has
    // looked), and with them the planner joined every household to every unit of the job
    // (six copies of Monaco: unit-households.sql 0.1 s as planned here, 43 s per set that way),
    // and the sets deleted and rewritten there left it bloated in a long-used database. The
    // index and an ANALYZE after each set give the planner the set as it is.
    await q.query(sql('units-temp'));
    await q.query('CREATE INDEX ON partition_units USING gist (geom)');
    // unit-edges.sql looks up barrier lines (not the cuts) by point, inside blocks: in pieces of
    // at most 32 vertices, or every lookup would test the whole area boundary or coastline (six
    // copies of Monaco: engine 109 → 164 s with whole lines).
    await q.query('CREATE TEMP TABLE partition_line_ix ON COMMIT DROP AS SELECT ST_Subdivide(g, 32) AS g FROM partition_lines WHERE NOT split');
    await q.query('CREATE INDEX ON partition_line_ix USING gist (g)');
    await q.query('ANALYZE partition_line_ix');

    // What a unit set adds to the network: Voronoi edges in every block above half the target
    // except `notVoronoi`, straight segments per block, and the dead ends continued in `extFaces`.
    type Seg = { face: number; s: Segment };
    interface Plan { notVoronoi: Set<number>; segs: Seg[]; extFaces: Set<number> }
    const build = async (plan: Plan) => {
      await q.query('DELETE FROM partition_lines WHERE split');
      await q.query('TRUNCATE partition_units');
      await q.query(sql('split-lines'), [jobId, splitHouseholds, [...plan.notVoronoi]]);
      const st = plan.segs;
      if (st.length > 0) await q.query(sql('split-cuts'), [st.map((c) => c.face), job.srid, st.map((c) => c.s.x0), st.map((c) => c.s.y0), st.map((c) => c.s.x1), st.map((c) => c.s.y1)]);
      const ex = ext.filter((c) => plan.extFaces.has(c.face));
      if (ex.length > 0) await q.query(sql('dead-end-cuts'), [job.srid, ex.map((c) => c.s.x0), ex.map((c) => c.s.y0), ex.map((c) => c.s.x1), ex.map((c) => c.s.y1), ex.map((c) => c.lng), ex.map((c) => c.lat)]);
      await q.query(sql('units'), [jobId]);
      await q.query('ANALYZE partition_units');
      // Slivers of the area left outside every unit (see gap-fill.sql); the union is only worth
      // computing when the areas say there is something to fill.
      const { rows: gap } = await q.query<{ gap: number }>(
        'SELECT ST_Area(area) - (SELECT sum(ST_Area(geom)) FROM partition_units) AS gap FROM partition_jobs WHERE id = $1', [jobId]);
      if (Math.abs(gap[0].gap) > 1e-14) await q.query(sql('gap-fill'), [jobId]);
      for (let pass = 0; pass < SLIVER_PASSES; pass++) if (!(await q.query(sql('sliver-fill'))).rowCount) break;
      await q.query(sql('unit-households'), [jobId, PERSONS_PER_HOUSEHOLD]);
      // The units must cover the area: a geometry step that failed quietly (an empty result)
      // must fail the job, not give a proposal with holes.
      const { rows } = await q.query<{ n: number; units: number; share: number | null }>(
        `SELECT (SELECT count(*)::int FROM partition_faces) AS n, (SELECT count(*)::int FROM partition_units) AS units,
                (SELECT sum(ST_Area(geom)) FROM partition_units) / nullif((SELECT ST_Area(area) FROM partition_jobs WHERE id = $1), 0) AS share`, [jobId]);
      if (rows[0].units === 0 || rows[0].share === null || Math.abs(rows[0].share - 1) > 1e-6) {
        throw new Error(`the blocks cover ${((rows[0].share ?? 0) * 100).toFixed(4)} % of the area (${rows[0].units} units); the geometry engine failed on this area`);
      }
      const units = (await q.query<UnitRow>(sql('unit-graph'), [job.srid])).rows;
      const edges = (await q.query<Edge>(sql('unit-edges'), [job.srid])).rows;
      return { blocks: rows[0].n, units, edges };
    };
    const solve = (g: { units: UnitRow[]; edges: Edge[] }) => {
      const graphUnits: Unit[] = g.units.map((u) => ({ id: u.id, face: u.face, zone: u.zone, w: b.by === 'people' ? u.population : u.households, x: u.x, y: u.y, area: u.area }));
      const r = regionalize({ units: graphUnits, edges: g.edges, target: b.target, lo: b.lo, hi: b.hi, seed: p.seed });
      return { ...r, score: scoreRegions(g.units, g.edges, r.regions, r.regionOf, b.lo, b.hi) };
    };

    // Progress is reported after this transaction: the runner writes it to the job's row, and
    // on the embedded database (one session) that write would wait for this transaction.
    type Built = Awaited<ReturnType<typeof build>> & ReturnType<typeof solve> & { cuts: Cuts; plan: Plan };
    const better = (x: Built, y: Built) => x.score.band > y.score.band + 1e-9 || (Math.abs(x.score.band - y.score.band) <= 1e-9 && x.score.barrier > y.score.barrier + 1e-9);
    let best: Built | null = null;
    let last: Built | null = null;
    const keep = async (r: Built) => {
      last = r;
      if (best && !better(r, best)) return r;
      best = r;
      // The best units so far are kept aside, so they need not be built again if nothing beats them.
      await q.query('DROP TABLE IF EXISTS partition_units_kept');
      await q.query('CREATE TEMP TABLE partition_units_kept ON COMMIT DROP AS SELECT * FROM partition_units');
      return r;
    };
    const tryBuild = async (cuts: Cuts, plan: Plan) => {
      if (opts.isCancelled?.()) throw new Cancelled();
      const g = await build(plan);
      return keep({ ...g, ...solve(g), cuts, plan });
    };
    const noFaces = new Set<number>();
    const allExt = new Set(ext.map((c) => c.face));
    // Four unit sets: the Voronoi edges, the straight cuts, a mix of the two (each block cut the
    // way that divided it with less cut off barrier lines in its own set's regions) with the dead
    // ends continued across their blocks, and that mix with the blocks above the band cut at whole
    // targets. The set whose regions score best is kept.
    const voronoi = await tryBuild('voronoi', { notVoronoi: noFaces, segs: [], extFaces: noFaces });
    const straightAll = new Set(straight.map((c) => c.face));
    const straightFaces = new Set<number>();
    if (straightAll.size > 0) {
      const st = await tryBuild('straight', { notVoronoi: new Set(big.map((f) => f.id)), segs: straight, extFaces: noFaces });
      const fv = faceCuts(voronoi);
      const fs = faceCuts(st);
      // Cut off barriers per extra region the block was divided into; a block left whole in a set tells nothing.
      const per = (x: { cut: number; pieces: number } | undefined) => (x && x.pieces > 1 ? x.cut / (x.pieces - 1) : Infinity);
      for (const face of straightAll) if (per(fs.get(face)) < per(fv.get(face))) straightFaces.add(face);
    }
    if (ext.length > 0 || (straightFaces.size > 0 && straightFaces.size < straightAll.size)) {
      await tryBuild('mixed', { notVoronoi: straightFaces, segs: straight.filter((c) => straightFaces.has(c.face)), extFaces: allExt });
    }
    // A fourth set: the third, with every block above the band cut at whole targets only, each
    // piece in the band left whole — few straight lines across the block instead of a path
    // between small pieces. Rigid pieces cost band share in dense centres (Helsinki, Kamppi), so
    // it is kept only where it scores better, as the others (docs/partition.md).
    const wholeFaces = new Set(whole.map((c) => c.face));
    if (whole.length > 0) {
      await tryBuild('whole', {
        notVoronoi: new Set([...straightFaces, ...wholeFaces]),
        segs: [...straight.filter((c) => straightFaces.has(c.face) && !wholeFaces.has(c.face)), ...whole], extFaces: allExt,
      });
    }
    // Only the kept set is written to partition_blocks (the edits work on it).
    await q.query(`INSERT INTO partition_blocks (job_id, id, geom, face, zone, households, population)
                   SELECT $1, id, geom, face, zone, households, population FROM ${last === best ? 'partition_units' : 'partition_units_kept'}`, [jobId]);
    return best!;
  });

  await step('graph', 0.3);
  await step('regions', 0.4);
  await step('grids', 0.55);
  await txNoJit(db, async (q) => {
    await q.query("DELETE FROM partition_grids WHERE job_id = $1 AND variant = 'proposal'", [jobId]);
    await q.query(sql('assign'), [jobId, [...regionOf.keys()], [...regionOf.values()]]);
    await q.query(sql('proposal-grids'), [jobId, regions.map((r) => r.seq), regions.map((r) => r.flag), regions.map((r) => r.reason),
      regions.map((r) => (r.detail ? JSON.stringify({ ...r.detail, by: b.by }) : null))]);
    await assignCodes(q, jobId, job.parent_code);
  });

  const result: PartitionResult = {
    by: b.by, target: b.target, band: [b.lo, b.hi], metrics: null, current: null, baselines: null, grids: regions.length, runtimeMs: 0,
  };
  const engineMs = Date.now() - started;
  if (opts.metrics !== false) {
    await step('metrics', 0.65);
    const summary = await txNoJit(db, (q) => variantMetrics(q, jobId, 'proposal', classes, job.srid, b));
    const { rows: codes } = await db.query<{ seq: number; code: string }>("SELECT seq, code FROM partition_grids WHERE job_id = $1 AND variant = 'proposal'", [jobId]);
    const codeOf = new Map(codes.map((c) => [c.seq, c.code]));
    const crossed = regions.filter((r) => r.crossedHard);
    result.metrics = {
      ...summary, crossedHard: crossed.length, crossedHardReasons: crossed.map((r) => `${codeOf.get(r.seq)}: ${r.crossedHard}`),
      crossedHardDetails: crossed.map((r) => ({ grid: codeOf.get(r.seq) ?? null, ...r.crossedHardDetail! })),
      runtimeMs: engineMs, units: units.length, blocks,
    };
  }
  if (p.baselines) {
    await step('current', 0.72);
    await db.query("DELETE FROM partition_grids WHERE job_id = $1 AND variant IN ('current', 'h3', 'kmeans')", [jobId]);
    result.current = await txNoJit(db, async (q) => {
      const { rowCount } = await q.query(sql('current-grids'), [jobId]);
      return rowCount ? { summary: await variantMetrics(q, jobId, 'current', classes, job.srid, b) } : null;
    });

    await step('baseline-h3', 0.8);
    const k = Math.max(1, regions.length);
    const h3 = h3Tiling(job.area, k);
    const h3Summary = await txNoJit(db, async (q) => {
      await q.query(sql('baseline-grids'), [jobId, 'h3', h3.cells.map((c) => JSON.stringify(c))]);
      return variantMetrics(q, jobId, 'h3', classes, job.srid, b);
    });

    await step('baseline-kmeans', 0.9);
    const { rows: pts } = await db.query<{ lng: number; lat: number; w: number }>(
      `SELECT ST_X(h.pt) AS lng, ST_Y(h.pt) AS lat, ${b.by === 'people' ? `coalesce(h.population, h.households * ${PERSONS_PER_HOUSEHOLD})` : 'h.households'}::float8 AS w
         FROM partition_jobs j JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND ST_Intersects(j.area, h.pt)
        WHERE j.id = $1 ORDER BY h.id`, [jobId]);
    const centres = weightedKMeans(pts, k, p.seed);
    const kmSummary = await txNoJit(db, async (q) => {
      const { rows: cells } = await q.query<{ gj: string }>(sql('kmeans-voronoi'), [jobId, centres.map((c) => c.lng), centres.map((c) => c.lat)]);
      await q.query(sql('baseline-grids'), [jobId, 'kmeans', cells.map((c) => c.gj)]);
      return variantMetrics(q, jobId, 'kmeans', classes, job.srid, b);
    });
    result.baselines = { h3: { summary: h3Summary, resolution: h3.resolution }, kmeans: { summary: kmSummary } };
  }
  result.runtimeMs = Date.now() - started;
  return result;
}

/**
 * The per-grid metrics of a variant, written to its rows, and their summary. `touched`: the
 * grids an edit changed — only they and their neighbours are recomputed (metrics.sql), the
 * summary still covers every grid (a job stored before the boundary metres were kept is
 * recomputed whole).
 */
export async function variantMetrics(q: Queryable, jobId: number, variant: string, classes: string[], srid: number, b: ReturnType<typeof band>, touched?: number[]): Promise<Summary> {
  await q.query('DROP TABLE IF EXISTS partition_metric_lines');
  await q.query(sql('metric-lines'), [jobId, classes, srid]);
  await q.query('CREATE INDEX ON partition_metric_lines USING gist (gm)');
  await q.query('ANALYZE partition_metric_lines');
  if (touched) {
    const { rows: kept } = await q.query<{ missing: number }>(
      'SELECT count(*) FILTER (WHERE inner_m IS NULL)::int AS missing FROM partition_grids WHERE job_id = $1 AND variant = $2', [jobId, variant]);
    if (kept[0].missing === 0) {
      await q.query(sql('metrics'), [jobId, variant, srid, PERSONS_PER_HOUSEHOLD, touched]);
      const { rows } = await q.query<GridRow>(
        `SELECT seq, households, population, area_m2 AS "areaM2", polsby_popper AS "polsbyPopper", inner_m AS "innerM",
                on_barrier_m AS "onBarrierM", flag, flag_reason AS "flagReason"
           FROM partition_grids WHERE job_id = $1 AND variant = $2 ORDER BY seq`, [jobId, variant]);
      return summarize(rows, b.by, b.lo, b.hi);
    }
  }
  const { rows } = await q.query<GridRow>(sql('metrics'), [jobId, variant, srid, PERSONS_PER_HOUSEHOLD, null]);
  return summarize(rows, b.by, b.lo, b.hi);
}

/** Codes in the standard's order (west→east, north→south): parent code + 3-digit sequence. */
async function assignCodes(q: Queryable, jobId: number, parentCode: string | null): Promise<void> {
  const { rows } = await q.query<{ seq: number; x: number; y: number }>(
    `SELECT seq, (ST_XMin(geom) + ST_XMax(geom)) / 2 AS x, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS y
       FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' ORDER BY seq`, [jobId]);
  const codes = generateCodes(parentCode ?? '', rows);
  await q.query(
    `UPDATE partition_grids p SET code = c.code FROM unnest($2::int[], $3::text[]) AS c(seq, code)
      WHERE p.job_id = $1 AND p.variant = 'proposal' AND p.seq = c.seq`, [jobId, rows.map((r) => r.seq), codes]);
}
