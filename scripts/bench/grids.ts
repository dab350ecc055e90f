/**
 * Grids: locate throughput and latency over 10,000 unit grids (~200 m) under 100 communities
 * under one street, through the HTTP API (GET /api/locate one point at a time, from 1 and from
 * 16 concurrent clients; POST /api/locate with 10,000 points), beside the bare database work
 * (one ST_Intersects per point; 10k points in one statement). Goal on real PostGIS, 2 cores:
 * p99 ≤ 10 ms and ≥ 3,000 locates/s. Also one topology check and one publish of 100 children.
 * GRIDS_BENCH_SECONDS sets the length of each timed run (default 5).
 */
import { publishGrids } from '../../server/src/grids/publish.ts';
import { checkTopology } from '../../server/src/grids/topology.ts';
import { locatePoints } from '../../server/src/grids/locate.ts';
import { percentile, type BenchContext } from './context.ts';

const SECONDS = Number(process.env.GRIDS_BENCH_SECONDS ?? 5);
const LON0 = 116.2, LAT0 = 39.8, CELL = 0.002, SIDE = 100; // 100 × 100 unit grids, 10 × 10 communities

function randomPoint(): { lng: number; lat: number } {
  return { lng: LON0 + Math.random() * CELL * SIDE, lat: LAT0 + Math.random() * CELL * SIDE };
}

async function timed(seconds: number, concurrency: number, one: () => Promise<void>): Promise<{ n: number; perSecond: number; lat: number[] }> {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const s = performance.now();
      await one();
      lat.push(performance.now() - s);
    }
  }));
  lat.sort((a, b) => a - b);
  return { n: lat.length, perSecond: lat.length / ((performance.now() - t0) / 1000), lat };
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

export default async function gridsBench(ctx: BenchContext): Promise<void> {
  const { db, baseUrl, report } = ctx;
  const jid = (await db.query<{ id: number }>("INSERT INTO jurisdictions (name) VALUES ('grids bench') RETURNING id")).rows[0].id;
  await db.query("INSERT INTO tiers VALUES ($1, 1, '街道', 'Street'), ($1, 2, '社区', 'Community'), ($1, 3, '网格', 'Unit grid')", [jid]);
  const t0 = performance.now();
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, geom, valid_from)
                  VALUES ($1, 1, '110101001', 'bench street', ST_Multi(ST_MakeEnvelope($2::float8, $3::float8, $2::float8 + $4::float8 * $5::int, $3::float8 + $4::float8 * $5::int, 4326)), now() - interval '1 day')`,
    [jid, LON0, LAT0, CELL, SIDE]);
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
                  WITH k AS (SELECT $2::float8 AS x0, $3::float8 AS y0, $4::float8 AS d)
                  SELECT $1, 2, '110101001' || lpad((r * 10 + c + 1)::text, 3, '0'), 'community ' || (r * 10 + c + 1), '110101001',
                         ST_Multi(ST_MakeEnvelope(x0 + c * d * 10, y0 + (9 - r) * d * 10, x0 + (c + 1) * d * 10, y0 + (10 - r) * d * 10, 4326)), now() - interval '1 day'
                    FROM k, generate_series(0, 9) r, generate_series(0, 9) c`, [jid, LON0, LAT0, CELL]);
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
                  WITH k AS (SELECT $2::float8 AS x0, $3::float8 AS y0, $4::float8 AS d)
                  SELECT $1, 3, p || lpad((rr * 10 + cc + 1)::text, 3, '0'), 'grid', p,
                         ST_Multi(ST_MakeEnvelope(x0 + (c * 10 + cc) * d, y0 + ((9 - r) * 10 + 9 - rr) * d, x0 + (c * 10 + cc + 1) * d, y0 + ((9 - r) * 10 + 10 - rr) * d, 4326)), now() - interval '1 day'
                    FROM k, generate_series(0, 9) r, generate_series(0, 9) c, generate_series(0, 9) rr, generate_series(0, 9) cc,
                         LATERAL (SELECT '110101001' || lpad((r * 10 + c + 1)::text, 3, '0') AS p) s`, [jid, LON0, LAT0, CELL]);
  await db.query('ANALYZE grids');
  report(`10,100 grids written in ${f1(performance.now() - t0)} ms (3 tiers, unit grids ${CELL}° ≈ 200 m)`);

  // Bare database: one ST_Intersects per point, one query at a time.
  const bare = await timed(SECONDS, 1, async () => {
    const p = randomPoint();
    await db.query('SELECT code FROM grids WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AND valid_to IS NULL ORDER BY tier DESC LIMIT 1', [p.lng, p.lat]);
  });
  report('\n| work | n | per second | p50 ms | p99 ms | vs bare |');
  report('|---|---|---|---|---|---|');
  report(`| bare ST_Intersects, 1 client (pg) | ${bare.n} | ${f1(bare.perSecond)} | ${f2(percentile(bare.lat, 50))} | ${f2(percentile(bare.lat, 99))} | 1 |`);

  const http = async () => {
    const p = randomPoint();
    const res = await fetch(`${baseUrl}/api/locate?lng=${p.lng}&lat=${p.lat}`);
    if (res.status !== 200) throw new Error(`locate answered ${res.status}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 50; i++) await http(); // warm-up
  for (const c of [1, 4, 16]) {
    const r = await timed(SECONDS, c, http);
    report(`| GET /api/locate, ${c} client(s) | ${r.n} | ${f1(r.perSecond)} | ${f2(percentile(r.lat, 50))} | ${f2(percentile(r.lat, 99))} | ${f2(r.perSecond / bare.perSecond)} |`);
  }

  const points = Array.from({ length: 10_000 }, randomPoint);
  let s = performance.now();
  const direct = await locatePoints(db, points, { jurisdictionId: jid });
  const directMs = performance.now() - s;
  s = performance.now();
  const res = await fetch(`${baseUrl}/api/locate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ points }) });
  const body = (await res.json()) as { results: unknown[] };
  const postMs = performance.now() - s;
  report(`\nBatch of 10,000 points: locatePoints (one statement) ${f1(directMs)} ms (${direct.filter(Boolean).length} located); POST /api/locate ${f1(postMs)} ms (${body.results.length} results) = ${f1(10_000 / (postMs / 1000))} points/s.`);

  s = performance.now();
  const check = await db.tx((q) => checkTopology(q, { jurisdictionId: jid, parentCode: '110101001001', tier: 3, candidates: [], includeExisting: true }));
  report(`Topology check of 100 unit grids under one community: ${f1(performance.now() - s)} ms (${check.errors.length} errors).`);
  const { rows } = await db.query<{ geom: string }>("SELECT ST_AsGeoJSON(geom) AS geom FROM grids WHERE jurisdiction_id = $1 AND parent_code = '110101001002' AND valid_to IS NULL ORDER BY code", [jid]);
  s = performance.now();
  await db.tx((q) => publishGrids(q, { jurisdictionId: jid, parentCode: '110101001002', tier: 3, grids: rows.map((r, i) => ({ name: `g${i}`, geom: JSON.parse(r.geom) })), replaceChildren: true, user: null, acceptWarnings: true }));
  report(`Publish of 100 redrawn unit grids (check + close + insert + audit): ${f1(performance.now() - s)} ms.`);
}
