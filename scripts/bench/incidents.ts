/**
 * Incidents: bulk import (goal: 1M rows ≤ 30 s on real PostGIS), report and action latency,
 * filtered lists, and the synthetic generator. Rows: WANGGE_BENCH_IMPORT_ROWS (default 1M on
 * PostgreSQL, 100k embedded; WANGGE_BENCH_IMPORT_ROWS_EMBEDDED for the embedded one alone);
 * WANGGE_BENCH_IMPORT_ONLY=1 stops after the import (and skips a database given 0 rows).
 */
import { hashPassword } from '../../server/src/core/auth.ts';
import { generateIncidents } from '../../server/src/incidents/generator.ts';
import { percentile, type BenchContext } from './context.ts';

const X0 = 116.30, Y0 = 39.85, N = 20, STEP = 0.01;

export default async function bench(ctx: BenchContext): Promise<void> {
  const { db, baseUrl, kind, report } = ctx;
  const rowsWanted = Number((kind === 'embedded' ? process.env.WANGGE_BENCH_IMPORT_ROWS_EMBEDDED : undefined) ?? process.env.WANGGE_BENCH_IMPORT_ROWS ?? (kind === 'postgres' ? 1_000_000 : 100_000));
  if (rowsWanted <= 0 && process.env.WANGGE_BENCH_IMPORT_ONLY === '1') return;

  // A street of 20 × 20 communities of ~1 km², each split into 4 unit grids: 2,001 grids.
  const jid = (await db.query<{ id: number }>("INSERT INTO jurisdictions (name) VALUES ('bench incidents') RETURNING id")).rows[0].id;
  await db.query("INSERT INTO tiers VALUES ($1, 1, '街道', 'Street'), ($1, 2, '社区', 'Community'), ($1, 3, '单元网格', 'Unit grid')", [jid]);
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
    VALUES ($1, 1, '110000', 'Bench street', NULL, ST_Multi(ST_MakeEnvelope($2::float8, $3::float8, $2::float8 + $4::int * $5::float8, $3::float8 + $4::int * $5::float8, 4326)), '2020-01-01')`, [jid, X0, Y0, N, STEP]);
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
    SELECT $1, 2, '110000' || lpad((i * $4::int + j)::text, 3, '0'), 'C' || i || '-' || j, '110000',
           ST_Multi(ST_MakeEnvelope($2::float8 + i * $5::float8, $3::float8 + j * $5::float8, $2::float8 + (i + 1) * $5::float8, $3::float8 + (j + 1) * $5::float8, 4326)), '2020-01-01'
      FROM generate_series(0, $4::int - 1) i, generate_series(0, $4::int - 1) j`, [jid, X0, Y0, N, STEP]);
  await db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
    SELECT $1, 3, '110000' || lpad((i * $4::int + j)::text, 3, '0') || q, 'U' || i || '-' || j || '-' || q, '110000' || lpad((i * $4::int + j)::text, 3, '0'),
           ST_Multi(ST_MakeEnvelope($2::float8 + i * $5::float8 + (q::int % 2) * $5::float8 / 2, $3::float8 + j * $5::float8 + (q::int / 2) * $5::float8 / 2,
                                    $2::float8 + i * $5::float8 + (q::int % 2 + 1) * $5::float8 / 2, $3::float8 + j * $5::float8 + (q::int / 2 + 1) * $5::float8 / 2, 4326)), '2020-01-01'
      FROM generate_series(0, $4::int - 1) i, generate_series(0, $4::int - 1) j, unnest(ARRAY['0', '1', '2', '3']) q`, [jid, X0, Y0, N, STEP]);
  await db.query('ANALYZE grids');
  await db.query("INSERT INTO users (username, password_hash, roles, jurisdiction_id) VALUES ('bench-dispatcher', $1, ARRAY['dispatcher', 'officer'], $2)", [await hashPassword('bench-pass'), jid]);
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-dispatcher', password: 'bench-pass' }) });
  const token = ((await login.json()) as { token: string }).token;
  const auth = { authorization: `Bearer ${token}` };

  // 1. Bulk import, streamed as text/csv.
  let seed = 1;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const lines: string[] = ['date,longitude,latitude,kind'];
  for (let i = 0; i < rowsWanted; i++) {
    const d = new Date(Date.UTC(2019, 0, 1) + Math.floor(rnd() * 365 * 86400) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    lines.push(`${d},${(X0 + rnd() * N * STEP).toFixed(5)},${(Y0 + rnd() * N * STEP).toFixed(5)},street`);
  }
  const csv = lines.join('\n');
  let t0 = performance.now();
  const res = await fetch(`${baseUrl}/api/incidents/import?category=0404`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
  const imported = (await res.json()) as { imported: number; located: number; timings?: { read: number; locate: number; write: number; counts?: number; indexes?: number }; bulk?: boolean; rebuiltIndexes?: boolean; keysOnce?: boolean };
  const importS = (performance.now() - t0) / 1000;
  const st = imported.timings;
  const mode = imported.bulk ? ` (bulk: counts ${st?.counts?.toFixed(1)} s${imported.rebuiltIndexes ? `, indexes rebuilt ${st?.indexes?.toFixed(1)} s` : ''}${imported.keysOnce ? ', foreign keys checked once' : ''})` : '';
  const stages = st ? `; read + check + stage ${st.read.toFixed(1)} s, locate ${st.locate.toFixed(1)} s, write ${st.write.toFixed(1)} s${mode}` : '';
  report(`| import ${rowsWanted.toLocaleString('en')} CSV rows (${(csv.length / 1e6).toFixed(1)} MB) over HTTP, located into ${N * N * 5 + 1} grids | ${importS.toFixed(1)} s | ${Math.round(imported.imported / importS).toLocaleString('en')} rows/s, ${imported.located.toLocaleString('en')} located${stages}; goal 1M ≤ 30 s; bare COPY 1M ≈ 2.4 s |`);
  if (process.env.WANGGE_BENCH_IMPORT_ONLY === '1') return;

  // 2. Reports (locate + deadlines + history) and actions, one at a time.
  const times: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < 300; i++) {
    t0 = performance.now();
    const r = await fetch(`${baseUrl}/api/incidents`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ lng: X0 + rnd() * N * STEP, lat: Y0 + rnd() * N * STEP, category: '0202' }) });
    times.push(performance.now() - t0);
    ids.push(((await r.json()) as { id: number }).id);
  }
  times.sort((a, b) => a - b);
  report(`| POST /api/incidents × 300, sequential | p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms | ${(1000 / (times.reduce((a, b) => a + b, 0) / times.length)).toFixed(0)}/s |`);
  const acts: number[] = [];
  for (const id of ids) {
    t0 = performance.now();
    await (await fetch(`${baseUrl}/api/incidents/${id}/actions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"action":"register"}' })).arrayBuffer();
    acts.push(performance.now() - t0);
  }
  acts.sort((a, b) => a - b);
  report(`| POST /api/incidents/:id/actions (register) × 300 | p50 ${percentile(acts, 50).toFixed(1)} ms, p99 ${percentile(acts, 99).toFixed(1)} ms | |`);

  // 3. Lists over the imported set.
  for (const qs of ['limit=50', 'light=green&limit=50', `grid=110000001&limit=50`, 'status=closed&bbox=116.30,39.85,116.35,39.90&limit=200']) {
    const lt: number[] = [];
    for (let i = 0; i < 10; i++) {
      t0 = performance.now();
      await (await fetch(`${baseUrl}/api/incidents?${qs}`, { headers: auth })).arrayBuffer();
      lt.push(performance.now() - t0);
    }
    lt.sort((a, b) => a - b);
    report(`| GET /api/incidents?${qs} (with total) | p50 ${percentile(lt, 50).toFixed(0)} ms | |`);
  }
  t0 = performance.now();
  await (await fetch(`${baseUrl}/api/assessment?by=grid&tier=2&from=2019-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`, { headers: auth })).arrayBuffer();
  report(`| GET /api/assessment by=grid tier 2 | ${(performance.now() - t0).toFixed(0)} ms | |`);

  // 4. The synthetic generator (demo and demo:incidents) on a map of 20k building points.
  await db.query(`INSERT INTO households (jurisdiction_id, geom, pt, households)
    SELECT $1, p, p, 3 FROM (SELECT ST_SetSRID(ST_MakePoint($2::float8 + random() * $3::float8, $4::float8 + random() * $3::float8), 4326) AS p FROM generate_series(1, 20000)) x`, [jid, X0, N * STEP, Y0]);
  const genRows = kind === 'postgres' ? 100_000 : 20_000;
  t0 = performance.now();
  const g = await db.tx((q) => generateIncidents(q, jid, { count: genRows, seed: 1 }));
  const genS = (performance.now() - t0) / 1000;
  report(`| generate ${genRows.toLocaleString('en')} synthetic incidents with histories | ${genS.toFixed(1)} s | ${Math.round(g.inserted / genS).toLocaleString('en')} rows/s, ${g.histories.toLocaleString('en')} history lines |`);
}
