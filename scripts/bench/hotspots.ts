/**
 * Hot spots: H3 counts + Gi* with FDR over 1M incidents (goal ≤ 2 s), 999 conditional
 * permutations on 10k cells (goal ≤ 0.5 s), and an emerging-hot-spot run, through the HTTP API.
 * The one-time H3 backfill (cells 7–11 for every incident) is reported on its own line.
 * HOTSPOTS_BENCH_N overrides the incident count (default 1,000,000).
 */
import { gridDisk, latLngToCell } from 'h3-js';
import { hashPassword } from '../../server/src/core/auth.ts';
import { gi } from '../../server/src/hotspots/gi.ts';
import { fillCells } from '../../server/src/hotspots/h3cells.ts';
import { kRing } from '../../server/src/hotspots/weights.ts';
import { percentile, type BenchContext } from './context.ts';

const N = Number(process.env.HOTSPOTS_BENCH_N ?? 1_000_000);
// A 0.2° × 0.2° box (≈ 16 × 22 km, Chicago-sized) with a dense core, so there are hot spots.
const LON0 = -87.8, LAT0 = 41.75, SIZE = 0.2;

async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export default async function hotspotsBench(ctx: BenchContext): Promise<void> {
  const { db, app } = ctx;
  const jid = (await db.query<{ id: number }>("INSERT INTO jurisdictions (name) VALUES ('hotspots bench') RETURNING id")).rows[0].id;
  await db.query("INSERT INTO categories (code, name, name_en) VALUES ('bench_hs', 'bench', 'bench') ON CONFLICT DO NOTHING");
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, geom) VALUES ($1, 1, 'bench', 'bench', ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)))`,
    [jid, LON0, LAT0, LON0 + SIZE, LAT0 + SIZE]);
  const username = `bench_hs_${Date.now()}`;
  await db.query("INSERT INTO users (username, password_hash, roles, jurisdiction_id) VALUES ($1, $2, '{analyst}', $3)", [username, await hashPassword('bench-pass'), jid]);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'bench-pass' } });
  const headers = { authorization: `Bearer ${login.json().token}` };

  const load = await timeIt(() => db.query(`
    INSERT INTO incidents (jurisdiction_id, geom, category_code, reported_at, status)
    SELECT $1,
           ST_Point($2 + $4 * (CASE WHEN g % 4 = 0 THEN 0.45 + 0.1 * random() ELSE random() END),
                    $3 + $4 * (CASE WHEN g % 4 = 0 THEN 0.45 + 0.1 * random() ELSE random() END), 4326),
           'bench_hs', timestamptz '2015-01-01 00:00Z' + (g % 1826) * interval '1 day', 'registered'
    FROM generate_series(1, $5::int) AS g`, [jid, LON0, LAT0, SIZE, N]));
  const backfill = await timeIt(() => fillCells(db, 'incidents', jid));
  ctx.report(`| hotspots | setup: ${N.toLocaleString('en')} incidents inserted ${(load.ms / 1000).toFixed(1)} s; one-time H3 backfill (res 7–11) ${(backfill.ms / 1000).toFixed(1)} s |`);

  const runs = async (url: string, times = 3) => {
    const ms: number[] = [];
    let body: { features?: unknown[]; cells?: unknown[]; summary?: { hot: number; cold: number } } = {};
    for (let i = 0; i < times; i++) {
      const r = await timeIt(() => app.inject({ method: 'GET', url, headers }));
      if (r.value.statusCode !== 200) throw new Error(`${url}: ${r.value.statusCode} ${r.value.body.slice(0, 200)}`);
      body = r.value.json();
      ms.push(r.ms);
    }
    ms.sort((a, b) => a - b);
    return { p50: percentile(ms, 50), body };
  };

  const h3 = await runs('/api/hotspots/h3?res=10');
  ctx.report(`| hotspots | GET /api/hotspots/h3 res 10, ${N.toLocaleString('en')} incidents → ${h3.body.cells!.length.toLocaleString('en')} cells | p50 ${h3.p50.toFixed(0)} ms |`);
  const bare = await timeIt(() => db.query('SELECT h3_10::text, count(*)::int FROM incident_h3 WHERE jurisdiction_id = $1 GROUP BY 1', [jid]));
  ctx.report(`| hotspots | bare SQL GROUP BY of the stored res-10 cells | ${bare.ms.toFixed(0)} ms |`);
  for (const res of [9, 10]) {
    const g = await runs(`/api/hotspots/gi?unit=h3&res=${res}`);
    ctx.report(`| hotspots | GET /api/hotspots/gi H3 res ${res} (k-ring 1, FDR): ${N.toLocaleString('en')} incidents, ${g.body.features!.length.toLocaleString('en')} cells, ${g.body.summary!.hot} hot / ${g.body.summary!.cold} cold | p50 ${g.p50.toFixed(0)} ms (goal ≤ 2000) |`);
  }
  const perm = await runs('/api/hotspots/gi?unit=h3&res=9&permutations=999', 1);
  ctx.report(`| hotspots | GET /api/hotspots/gi H3 res 9 with 999 permutations | ${perm.p50.toFixed(0)} ms |`);
  const em = await runs('/api/hotspots/emerging?unit=h3&res=8&step=month', 1);
  ctx.report(`| hotspots | GET /api/hotspots/emerging H3 res 8, monthly, 60 steps, ${em.body.features!.length} cells | ${em.p50.toFixed(0)} ms |`);

  // The permutation core alone on ~10k cells (k-ring 1), the yardstick.
  const cells = gridDisk(latLngToCell(41.85, -87.65, 9), 57);
  const w = kRing(cells, 1);
  const values = cells.map((_, i) => (i * 2654435761) % 97);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await timeIt(() => gi(values, w, { permutations: 999, seed: i + 1 }))).ms);
  times.sort((a, b) => a - b);
  ctx.report(`| hotspots | Gi* + 999 conditional permutations, ${cells.length.toLocaleString('en')} cells (plain TS) | p50 ${percentile(times, 50).toFixed(0)} ms (goal ≤ 500) |`);
}
