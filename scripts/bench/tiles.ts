/**
 * Tiles: over the Monaco demo map plus 200,000 seeded synthetic incidents,
 *  - uncached tile time through the HTTP endpoint beside the bare database work of the same
 *    tile (on a real PostGIS the raw ST_AsMVT query; on the embedded one the rows query the
 *    JS encoder reads, and that query with the encoding, which is ST_AsMVT's share of the raw query
 *    on a real PostGIS), as p50 and the ratio (goal ≤ 1.2×). Both sides are timed in steady state
 *    (TILES_BENCH_WARMUP untimed runs first: a named statement plans custom five times per
 *    connection before its generic plan), from this process, on kept-alive connections: the raw
 *    query through the server's pg pool, the endpoint through a minimal HTTP/1.1 client
 *    (lib/http1.ts) and, on every third run, through node:http as earlier runs did. Right after
 *    each uncached tile the same URL is asked again (a cache hit): that round trip is the
 *    endpoint's fixed cost (HTTP, Fastify, the route) with the caches as cold as the DB work left them;
 *  - hot-spot tiles (H3 counts and Gi* per cell): the one-time precompute at a data version,
 *    then uncached tiles beside their bare query, measured from this process as above and, in
 *    alternating rounds, everything from a separate process (lib/tile-client.ts), each with the
 *    floor: a bare node:http server running the same statement (docs/tiles.md, 2026-12-01 03:00);
 *  - cached tiles per second through HTTP with 32 concurrent keep-alive clients (goal ≥ 5,000/s),
 *    the clients once in a separate process (the server has its own event loop, as in
 *    production) and once in the server's own process (as earlier runs measured), with the
 *    server's CPU time per cached tile — the figure that load from other work disturbs least.
 * TILES_BENCH_SECONDS sets the cached run's length (default 5); TILES_BENCH_ONLY=hotspots runs the
 * hot-spot tiles alone.
 */
import http from 'node:http';
import { readOsmPbf } from '../../server/src/osm/read-pbf.ts';
import { DEMO_PBF, DEMO_TIERS } from '../../server/src/osm/demo.ts';
import { importOsm } from '../../server/src/osm/import.ts';
import { fork, spawn } from 'node:child_process';
import { encodeRows, statementName, tileParams, tileSql } from '../../server/src/tiles/encode.ts';
import type { TileRow } from '../../server/src/tiles/mvt-writer.ts';
import { TILESETS } from '../../server/src/tiles/tilesets.ts';
import type { Db, DbKind } from '../../server/src/core/db.ts';
import { mulberry32 } from '../../server/src/core/random.ts';
import { percentile, type BenchContext } from './context.ts';
import { Http1Client } from './lib/http1.ts';
import type { TileJob, TileTimes } from './lib/tile-client.ts';

const SECONDS = Number(process.env.TILES_BENCH_SECONDS ?? 5);
/** Timed renders per tile (TILES_BENCH_RUNS); every third through node:http. */
const RUNS = Number(process.env.TILES_BENCH_RUNS ?? 45);
/** Untimed renders per tile first, so both sides are measured in steady state (TILES_BENCH_WARMUP). */
const WARMUP = Number(process.env.TILES_BENCH_WARMUP ?? 8);
/** TILES_BENCH_ONLY=hotspots: the hot-spot tiles alone (no map tile table, no cached run). */
const HOTSPOTS_ONLY = process.env.TILES_BENCH_ONLY === 'hotspots';

/**
 * The order of a tile's steps: a fresh (seeded) permutation per tile. Rotating one fixed order
 * kept each step after the same neighbour, and what ran just before decides how warm the server
 * process is: from a separate process, the endpoint always came after the client's two raw
 * queries (the server idle ≈ 1 ms) and the floor server right after the endpoint (the server
 * busy), which cost the endpoint ≈ 0.1 ms that the floor never paid (docs/tiles.md, 2026-12-01 12:45).
 */
const nextRandom = mulberry32(20261201);
function shuffled<T>(steps: readonly T[]): T[] {
  const out = [...steps];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(nextRandom() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The raw query, timed into `times`; on the embedded database also with the JS encoding the
 * endpoint does there (into `withEncoding`), since on a real PostGIS ST_AsMVT encodes inside the query.
 */
async function timeRawQuery(db: Db, kind: DbKind, sql: string, params: unknown[], times: number[] | null, withEncoding: number[] | null): Promise<void> {
  const t0 = performance.now();
  const r = await db.query(sql, params);
  times?.push(performance.now() - t0);
  if (kind === 'embedded') {
    encodeRows(r.rows as TileRow[]);
    withEncoding?.push(performance.now() - t0);
  }
}

function tileOf(lng: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [z, Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

function get(agent: http.Agent, url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    }).on('error', reject);
  });
}

export default async function tilesBench(ctx: BenchContext): Promise<void> {
  const { db, baseUrl, report, kind } = ctx;
  const features = await readOsmPbf(DEMO_PBF);
  const { jurisdictionId } = await importOsm(db, features, {
    jurisdiction: { name: 'tiles bench' }, tiers: DEMO_TIERS, rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '981', minBuildingShare: 0.2,
  });
  await db.query("INSERT INTO categories (code, name, name_en) VALUES ('bench', '基准', 'Bench') ON CONFLICT (code) DO NOTHING");
  const t0 = performance.now();
  // Seeded synthetic points on the buildings of Monaco (setseed makes random() repeatable).
  await db.query(`SELECT setseed(0.42)`);
  await db.query(
    `WITH pts AS (SELECT array_agg(pt ORDER BY id) AS a FROM households WHERE jurisdiction_id = $1),
          pick AS (SELECT a[1 + floor(random() * cardinality(a))::int] AS pt FROM pts, generate_series(1, 200000))
     INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, synthetic)
     SELECT $1, ST_SetSRID(ST_MakePoint(ST_X(pt) + (random() - 0.5) * 0.0005, ST_Y(pt) + (random() - 0.5) * 0.0005), 4326), 'bench',
            (ARRAY['reported', 'dispatched', 'closed', 'evaluated'])[1 + floor(random() * 4)::int], now() - random() * interval '90 days', true
       FROM pick`,
    [jurisdictionId]);
  report(`200,000 synthetic incidents written with the bins maintained by trigger in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const client = Http1Client.fromUrl(baseUrl);
  const token = await benchToken(ctx);
  report(`\nload average before: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  // On the embedded database the raw query returns rows and the endpoint encodes them in JS (what
  // ST_AsMVT does inside the raw query on a real PostGIS): there the raw query is also timed with
  // that encoding, as the like-for-like yardstick, beside the rows alone.
  const encoded = kind === 'embedded';
  report(`\n| tile | bytes | endpoint p50 ms | raw query p50 ms | ratio |${encoded ? ' raw query + JS encoding p50 ms | ratio |' : ''} raw prepared p50 ms | ratio to it | endpoint via node:http p50 ms | ratio | cached tile round trip p50 ms |`);
  report(`|---|---|---|---|---|${encoded ? '---|---|' : ''}---|---|---|---|---|`);
  const cases: [string, number][] = HOTSPOTS_ONLY ? [] : [['basemap', 14], ['basemap', 16], ['grids', 14], ['incidents', 16], ['incidents', 12]];
  for (const [id, z] of cases) {
    const t = TILESETS.find((s) => s.id === id)!;
    const [, x, y] = tileOf(7.4246, 43.7384, z);
    // The raw query: the tile alone, without the versions the endpoint reads in the same statement,
    // sent as a client would (parsed and planned each time), and as a named prepared statement (as
    // the endpoint sends its own statement), so both comparisons are in the table.
    const params = tileParams({ source: t.source, z, x, y, cap: ctx.config.WANGGE_TILE_FEATURE_CAP, arg: true });
    const bareSql = tileSql(kind, t.source, false);
    const bareName = statementName(bareSql);
    // The bench's user is a viewer, so grid tiles carry figures on both sides.
    // Each run follows an edit (a version bump), as a client would see one: the tile renders anew.
    // The timed part is the request only, which includes reading the new version. Raw query,
    // prepared query and endpoint run in a fresh order each time (shuffled), so load from other work
    // on the machine hits all three alike; all three go through the same pool from the same process.
    let bytes = 0;
    const endpoint: number[] = [];
    const viaNodeHttp: number[] = [];
    const cached: number[] = [];
    const bare: number[] = [];
    const bareEncoded: number[] = [];
    const prepared: number[] = [];
    for (let i = -WARMUP; i < RUNS; i++) {
      const keep = i >= 0;
      await db.query('SELECT bump_layer_version($1)', [t.dependsOn[0]]);
      const { rows } = await db.query<{ v: string }>('SELECT string_agg(COALESCE(v.version, 0)::text, \'.\' ORDER BY d.i) AS v FROM unnest($1::text[]) WITH ORDINALITY d(layer, i) LEFT JOIN layer_versions v ON v.layer = d.layer', [t.dependsOn]);
      const path = `/tiles/${id}/${z}/${x}/${y}.mvt?v=${rows[0].v}&access_token=${token}`;
      const steps = [
        () => timeRawQuery(db, kind, bareSql, params, keep ? bare : null, keep ? bareEncoded : null),
        async () => { const t0 = performance.now(); await db.pool.query({ name: bareName, text: bareSql, values: params }); if (keep) prepared.push(performance.now() - t0); },
        async () => {
          if (i % 3 === 2) {
            const t1 = performance.now();
            await get(agent, `${baseUrl}${path}`);
            if (keep) viaNodeHttp.push(performance.now() - t1);
            return;
          }
          const t1 = performance.now();
          const r = await client.get(path);
          const t2 = performance.now();
          if (r.status !== 200) throw new Error(`${id} ${z}/${x}/${y}: status ${r.status}`);
          // The same URL again: now a cache hit, so only HTTP, Fastify and the route are timed.
          await client.get(path);
          if (keep) { endpoint.push(t2 - t1); cached.push(performance.now() - t2); }
          bytes = r.body.length;
        },
      ];
      for (const step of shuffled(steps)) await step();
    }
    const p50 = (a: number[]) => percentile([...a].sort((a1, b1) => a1 - b1), 50);
    const [e, b, p, n, c] = [p50(endpoint), p50(bare), p50(prepared), p50(viaNodeHttp), p50(cached)];
    const be = encoded ? ` ${p50(bareEncoded).toFixed(2)} | ${(e / p50(bareEncoded)).toFixed(2)}× |` : '';
    report(`| ${id} ${z}/${x}/${y} | ${bytes} | ${e.toFixed(2)} | ${b.toFixed(2)} | ${(e / b).toFixed(2)}× |${be} ${p.toFixed(2)} | ${(e / p).toFixed(2)}× | ${n.toFixed(2)} | ${(n / b).toFixed(2)}× | ${c.toFixed(2)} |`);
  }
  client.close();

  await hotspotTiles(ctx, agent, token);
  if (HOTSPOTS_ONLY) { agent.destroy(); return; }

  const [z, x, y] = tileOf(7.4246, 43.7384, 15);
  const url = `${baseUrl}/tiles/basemap/${z}/${x}/${y}.mvt`;
  const first = await get(agent, url);
  // Clients in their own process: the server's event loop serves tiles only.
  const c0 = process.cpuUsage();
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    const child = spawn(process.execPath, ['--input-type=module', '-e', HAMMER, url, String(SECONDS), '32']);
    child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    child.on('error', reject);
    child.on('close', () => resolve(text.trim()));
  });
  const cpu = process.cpuUsage(c0);
  const [rate, n] = out.split(' ').map(Number);
  const perTile = (cpu.user + cpu.system) / n;
  report(`\ncached basemap tile ${z}/${x}/${y} (${first.bytes} bytes), 32 keep-alive clients in a separate process: ${rate} tiles/s over HTTP; server CPU ${perTile.toFixed(0)} µs per tile (≈ ${Math.round(1e6 / perTile)} tiles/s per core)`);

  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (performance.now() < end) {
      await get(agent, url);
      done++;
    }
  }));
  report(`same, the 32 clients in the server's own process (one event loop for both, as earlier runs): ${Math.round(done / ((performance.now() - start) / 1000))} tiles/s`);
  const load = (await import('node:os')).loadavg();
  report(`load average during the run: ${load.map((l) => l.toFixed(1)).join(', ')} (2 cores)`);
  agent.destroy();
}

/** Hot-spot tiles: the precompute at a new data version (first tile), then uncached neighbours. */
async function hotspotTiles(ctx: BenchContext, agent: http.Agent, token: string): Promise<void> {
  const { db, baseUrl, report, kind } = ctx;
  const t = TILESETS.find((s) => s.id === 'hotspots')!;
  const [z, x0, y0] = tileOf(7.4246, 43.7384, 14);
  const t0 = performance.now();
  const r = await get(agent, `${baseUrl}/tiles/hotspots/${z}/${x0}/${y0}.mvt?access_token=${token}`);
  report(`\nhot-spot tile ${z}/${x0}/${y0} at a new data version (status ${r.status}, ${r.bytes} bytes): ${(performance.now() - t0).toFixed(0)} ms, the cells' one-time precompute (H3 res 9 counts + Gi* over the 200,000 incidents) included`);
  // An incident edit moves the version: the next tile recomputes the cells (the H3 fill is kept).
  await db.query("SELECT bump_layer_version('incidents')");
  const t1 = performance.now();
  await get(agent, `${baseUrl}/tiles/hotspots/${z}/${x0}/${y0}.mvt?access_token=${token}`);
  report(`the same tile after an incident edit (recompute of counts + Gi* at the new version): ${(performance.now() - t1).toFixed(0)} ms`);
  // Uncached neighbours: HOTSPOT_ROUNDS timed rounds over the 14 tiles around it per way of
  // measuring (below), each round after an incident edit (the round's first request recomputes
  // the cells, untimed), rounds of the two ways alternating, a warm-up round of each first.
  //  - in this process (as earlier runs): raw query and named raw query through the server's
  //    pool, the endpoint through lib/http1.ts — the client's side of HTTP runs on the server's
  //    own event loop, the raw query's client side is pg's code in the same process;
  //  - from a separate process (lib/tile-client.ts, as HTTP load generators and psql would):
  //    the raw query, named and unnamed, on a pg connection of its own and the endpoint through
  //    http1.ts or node:http with a keep-alive Agent (alternate tiles), so both sides cross the
  //    same process boundary and neither shares the server's event loop.
  const endpoint: number[] = [];
  const bare: number[] = [];
  const bareEncoded: number[] = [];
  const prepared: number[] = [];
  const cached: number[] = [];
  const floor: number[] = [];
  const floorNamed: number[] = [];
  const sep = { raw: [] as number[], rawEncoded: [] as number[], named: [] as number[], http1: [] as number[], node: [] as number[], cached: [] as number[], floor: [] as number[], floorNamed: [] as number[] };
  const sql = tileSql(kind, t.source, false);
  const name = statementName(sql);
  const client = Http1Client.fromUrl(baseUrl);
  // The floor: a bare node:http server in this process (beside the app, as in production) that
  // runs the same statement through the same pool, encodes it where the endpoint does (embedded)
  // and answers the bytes — no Fastify, no auth, no validation, no cache, no version: what any
  // Node server in front of the raw query adds at the least, timed from both clients as well.
  const floorServer = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://floor');
    const params = tileParams({ source: t.source, z, x: Number(u.searchParams.get('x')), y: Number(u.searchParams.get('y')), cap: ctx.config.WANGGE_TILE_FEATURE_CAP, arg: '' });
    const q = u.searchParams.get('named') === '1' ? db.pool.query({ name, text: sql, values: params }) : db.pool.query(sql, params);
    q.then((r) => {
      const body: Buffer = kind === 'postgres' ? (r.rows[0] as { tile: Buffer }).tile : encodeRows(r.rows as TileRow[]);
      res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile', 'content-length': body.length });
      res.end(body);
    }, (err: unknown) => { res.writeHead(500); res.end(String(err)); });
  });
  await new Promise<void>((resolve) => floorServer.listen(0, '127.0.0.1', resolve));
  const floorUrl = `http://127.0.0.1:${(floorServer.address() as import('node:net').AddressInfo).port}`;
  const floorClient = Http1Client.fromUrl(floorUrl);
  const child = await startTileClient(db.pool.options.connectionString!, kind, baseUrl, floorUrl);
  const rounds = Number(process.env.TILES_BENCH_HOTSPOT_ROUNDS ?? 3);
  for (let round = -2; round < 2 * rounds; round++) {
    const keep = round >= 0;
    const separate = (round & 1) === 1;
    await db.query("SELECT bump_layer_version('incidents')");
    const { rows } = await db.query<{ v: string }>('SELECT string_agg(COALESCE(v.version, 0)::text, \'.\' ORDER BY d.i) AS v FROM unnest($1::text[]) WITH ORDINALITY d(layer, i) LEFT JOIN layer_versions v ON v.layer = d.layer', [t.dependsOn]);
    const query = `?v=${rows[0].v}&access_token=${token}`;
    await client.get(`/tiles/hotspots/${z}/${x0}/${y0}.mvt${query}`);
    // Separate rounds take the endpoint through http1.ts and node:http on alternate tiles.
    let k = (round >> 1) + 1;
    for (let dx = -2; dx <= 2; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        if (dx === 0 && dy === 0) continue;
        const [x, y] = [x0 + dx, y0 + dy];
        const params = tileParams({ source: t.source, z, x, y, cap: ctx.config.WANGGE_TILE_FEATURE_CAP, arg: '' });
        const path = `/tiles/hotspots/${z}/${x}/${y}.mvt${query}`;
        const floorPath = `/?x=${x}&y=${y}`;
        if (separate) {
          const order: TileJob['steps'] = ['raw', 'named', k % 2 ? 'node' : 'http1', 'floor', 'floorNamed'];
          const r = await child.tile({ path, floorPath, sql, name, params, steps: shuffled(order) });
          if (r.status !== 200 && r.status !== 204) throw new Error(`hotspots ${z}/${x}/${y}: status ${r.status}`);
          if (keep) {
            sep.raw.push(r.raw!);
            if (r.rawEncoded !== undefined) sep.rawEncoded.push(r.rawEncoded);
            sep.named.push(r.named!);
            if (r.http1 !== undefined) { sep.http1.push(r.http1); sep.cached.push(r.cached!); }
            if (r.node !== undefined) sep.node.push(r.node);
            sep.floor.push(r.floor!);
            sep.floorNamed.push(r.floorNamed!);
          }
          k++;
          continue;
        }
        const steps = [
          () => timeRawQuery(db, kind, sql, params, keep ? bare : null, keep ? bareEncoded : null),
          async () => { const b0 = performance.now(); await db.pool.query({ name, text: sql, values: params }); if (keep) prepared.push(performance.now() - b0); },
          async () => {
            const e0 = performance.now();
            const r = await client.get(path);
            const e1 = performance.now();
            if (r.status !== 200 && r.status !== 204) throw new Error(`hotspots ${z}/${x}/${y}: status ${r.status}`);
            await client.get(path);
            if (keep) { endpoint.push(e1 - e0); cached.push(performance.now() - e1); }
          },
          async () => { const f0 = performance.now(); await floorClient.get(`${floorPath}&named=0`); if (keep) floor.push(performance.now() - f0); },
          async () => { const f0 = performance.now(); await floorClient.get(`${floorPath}&named=1`); if (keep) floorNamed.push(performance.now() - f0); },
        ];
        for (const step of shuffled(steps)) await step();
      }
    }
  }
  client.close();
  floorClient.close();
  await child.end();
  floorServer.close();
  const p50 = (a: number[]) => percentile([...a].sort((a1, b1) => a1 - b1), 50);
  const [e, b, p, c] = [p50(endpoint), p50(bare), p50(prepared), p50(cached)];
  const [f, fn] = [p50(floor), p50(floorNamed)];
  report(`hot-spot tiles around it, uncached, client in this process (${endpoint.length} requests over ${rounds} rounds after edits): endpoint p50 ${e.toFixed(2)} ms, raw query p50 ${b.toFixed(2)} ms (${(e / b).toFixed(2)}×), raw prepared p50 ${p.toFixed(2)} ms (${(e / p).toFixed(2)}×)${kind === 'embedded' ? `, raw query + JS encoding p50 ${p50(bareEncoded).toFixed(2)} ms (${(e / p50(bareEncoded)).toFixed(2)}×)` : ''}; the same tile cached, round trip p50 ${c.toFixed(2)} ms; the floor (bare node:http server + the statement) ${f.toFixed(2)} ms unnamed (${(f / b).toFixed(2)}× raw), ${fn.toFixed(2)} ms named (${(fn / b).toFixed(2)}× raw)`);
  const [sr, sn, s1, sh, sc, sf, sfn] = [p50(sep.raw), p50(sep.named), p50(sep.http1), p50(sep.node), p50(sep.cached), p50(sep.floor), p50(sep.floorNamed)];
  report(`same, everything from a separate process (${sep.raw.length} tiles over ${rounds} rounds, alternating with the rounds above): raw query p50 ${sr.toFixed(2)} ms, named ${sn.toFixed(2)} ms${kind === 'embedded' ? `, raw + JS encoding ${p50(sep.rawEncoded).toFixed(2)} ms` : ''}; endpoint via http1.ts p50 ${s1.toFixed(2)} ms (${(s1 / sr).toFixed(2)}× raw, ${(s1 / sn).toFixed(2)}× named${kind === 'embedded' ? `, ${(s1 / p50(sep.rawEncoded)).toFixed(2)}× raw + encoding` : ''}, ${sep.http1.length} tiles), via node:http keep-alive ${sh.toFixed(2)} ms (${(sh / sr).toFixed(2)}×, ${(sh / sn).toFixed(2)}×, ${sep.node.length} tiles); cached round trip p50 ${sc.toFixed(2)} ms; the floor ${sf.toFixed(2)} ms unnamed (${(sf / sr).toFixed(2)}× raw), ${sfn.toFixed(2)} ms named (${(sfn / sr).toFixed(2)}× raw)`);
  // The analyst's filters: a 30-day window (one step of a time slider) is a scope of its own,
  // computed once at the version by its first tile, then read like the whole-period cells.
  const to = new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);
  const from = new Date(Date.now() - 60 * 86400e3).toISOString().slice(0, 10);
  const f0 = performance.now();
  const fr = await get(agent, `${baseUrl}/tiles/hotspots/${z}/${x0}/${y0}.mvt?from=${from}&to=${to}&access_token=${token}`);
  report(`the same tile with ?from=${from}&to=${to} (status ${fr.status}, ${fr.bytes} bytes): ${(performance.now() - f0).toFixed(0)} ms, that window's counts + Gi* computed and stored`);
  const filtered: number[] = [];
  for (let dx = -2; dx <= 2; dx++) {
    for (let dy = -1; dy <= 1; dy++) {
      if (dx === 0 && dy === 0) continue;
      const e0 = performance.now();
      await get(agent, `${baseUrl}/tiles/hotspots/${z}/${x0 + dx}/${y0 + dy}.mvt?from=${from}&to=${to}&access_token=${token}`);
      filtered.push(performance.now() - e0);
    }
  }
  report(`filtered hot-spot tiles around it, uncached: endpoint p50 ${percentile(filtered.sort((a, b2) => a - b2), 50).toFixed(1)} ms`);
}

/** The load generator of the separate-process run: plain JS, printed answer "rate count". */
const HAMMER = `
import http from 'node:http';
const [url, seconds, conc] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const get = () => new Promise((res, rej) => { http.get(url, { agent }, (r) => { r.on('data', () => {}); r.on('end', res); }).on('error', rej); });
let done = 0;
const start = performance.now();
const end = start + Number(seconds) * 1000;
await Promise.all(Array.from({ length: Number(conc) }, async () => { while (performance.now() < end) { await get(); done++; } }));
console.log(Math.round(done / ((performance.now() - start) / 1000)), done);
agent.destroy();
`;

async function benchToken(ctx: BenchContext): Promise<string> {
  const { hashPassword } = await import('../../server/src/core/auth.ts');
  await ctx.db.query("INSERT INTO users (username, password_hash, roles) VALUES ('tiles-bench', $1, '{viewer}') ON CONFLICT (username) DO NOTHING", [await hashPassword('tiles-bench-pass')]);
  const res = await fetch(`${ctx.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'tiles-bench', password: 'tiles-bench-pass' }) });
  return ((await res.json()) as { token: string }).token;
}

/** lib/tile-client.ts in a process of its own (fork keeps tsx's loader), one tile job at a time. */
async function startTileClient(dbUrl: string, kind: DbKind, baseUrl: string, floorUrl: string): Promise<{ tile(job: TileJob): Promise<TileTimes>; end(): Promise<void> }> {
  const child = fork(new URL('./lib/tile-client.ts', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { resolve: (m: { type: string; times?: TileTimes; message?: string }) => void } | null = null;
  child.on('message', (m: { type: string; times?: TileTimes; message?: string }) => { const w = waiting; waiting = null; w?.resolve(m); });
  const ask = (m: unknown) => new Promise<{ type: string; times?: TileTimes; message?: string }>((resolve) => { waiting = { resolve }; child.send(m as never); });
  const ready = await ask({ type: 'init', dbUrl, kind, baseUrl, floorUrl });
  if (ready.type !== 'ready') throw new Error(`tile client: ${ready.message}`);
  return {
    async tile(job) {
      const m = await ask({ type: 'tile', job });
      if (m.type !== 'times') throw new Error(`tile client: ${m.message}`);
      return m.times!;
    },
    end: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.send({ type: 'end' }); }),
  };
}
