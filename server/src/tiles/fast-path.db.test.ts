import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';

// A made-up area in the Southern Ocean (no other test's data is near it), inside tile
// 14/15472/10490 (lng 159.9609…159.9829, lat -45.0114…-44.9959): one commune of two halves,
// incidents over both, households in one. The answers compared below are whole (every header
// but the connection's and the date), so a hook or plugin that changes what Fastify sends for a
// tile, and that the fast path does not know of, fails this file.
const Z = 14, X = 15472, Y = 10490;
const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;

let t: TestApp;
let base: string;
let viewer: string;
let analyst: string;
let kiosk: string;
let version: string;
/** The tile fast path's count of answers it sent itself. */
let served: () => number;

beforeAll(async () => {
  // A feature cap of 3: the grid tile (two grids, a commune, their labels) comes truncated, so that header is compared too.
  t = await testApp({ WANGGE_TILE_FEATURE_CAP: 3 });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const fastPath = t.app.wangge.fastPaths[0] as unknown as { served: number };
  served = () => fastPath.served;
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('fast-path')]);
  const jid = rows[0].id;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households) VALUES
       ($1, 1, 'F1', '南洋', 'South', NULL, $2, 30),
       ($1, 2, 'F1001', '西', 'West', 'F1', $3, 10),
       ($1, 2, 'F1002', '东', 'East', 'F1', $4, 20)`,
    [jid, box(159.965, -45.005, 159.98, -44.995), box(159.965, -45.005, 159.972, -44.995), box(159.972, -45.005, 159.98, -44.995)]);
  await t.db.query(`INSERT INTO households (jurisdiction_id, geom, pt, households) VALUES ($1, $2, 'SRID=4326;POINT(159.9685 -45.0005)', 12)`,
    [jid, box(159.968, -45.001, 159.969, -45.0)]);
  await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('fast-path-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING`);
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes)
     SELECT $1, ST_SetSRID(ST_MakePoint(159.966 + (n % 7) * 0.002, -45.004 + (n / 7) * 0.002), 4326), 'fast-path-test', 'reported',
            '2026-03-01T00:00:00Z'::timestamptz + n * interval '1 hour',
            CASE WHEN 159.966 + (n % 7) * 0.002 < 159.972 THEN 'F1001' ELSE 'F1002' END,
            ARRAY['F1', CASE WHEN 159.966 + (n % 7) * 0.002 < 159.972 THEN 'F1001' ELSE 'F1002' END]
       FROM generate_series(0, 27) n`, [jid]);
  await t.db.query("SELECT bump_layer_version('grids'), bump_layer_version('households'), bump_layer_version('incidents')");
  viewer = await tokenFor(t, ['viewer']);
  analyst = await tokenFor(t, ['analyst']);
  const user = await t.db.query<{ id: number }>("INSERT INTO users (username, password_hash, roles) VALUES ($1, 'x', '{viewer}') RETURNING id", [uniq('kiosk')]);
  kiosk = await t.app.wangge.tokens.issue(t.db, user.rows[0].id, { kind: 'kiosk', area: 'F1001' });
  version = (await t.app.inject({ url: '/tiles/grids.json' })).json().version as string;
});
afterAll(async () => { await t?.close(); });

interface Seen { status: number; headers: Record<string, string>; body: string }

/** Headers that belong to the connection or the moment, not to the answer. */
const TRANSIENT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function answer(status: number, headers: Iterable<[string, unknown]>, body: Buffer, keepRequestId: boolean): Seen {
  const kept: Record<string, string> = {};
  for (const [k, v] of headers) if (!TRANSIENT.has(k) && (keepRequestId || k !== 'x-request-id')) kept[k] = String(v);
  return { status, headers: Object.fromEntries(Object.entries(kept).sort()), body: body.toString('base64') };
}

/** The same request over HTTP (where the fast path sits) and through Fastify's router (inject bypasses the server). */
async function both(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET'): Promise<{ http: Seen; fastify: Seen; fast: boolean }> {
  const keepId = 'x-request-id' in headers;
  const before = served();
  const res = await fetch(`${base}${url}`, { method, headers });
  const http = answer(res.status, res.headers, Buffer.from(await res.arrayBuffer()), keepId);
  const fast = served() > before;
  const inj = await t.app.inject({ method, url, headers });
  const fastify = answer(inj.statusCode, Object.entries(inj.headers), inj.rawPayload, keepId);
  return { http, fastify, fast };
}

describe('the tile fast path', () => {
  it('answers plain tile requests itself, exactly as the Fastify route does (status, headers, bytes)', async () => {
    // A token is read from the database once, by Fastify's auth hook, and then cached: its tiles go the fast way.
    for (const token of [viewer, analyst, kiosk, 'not-a-token']) await t.app.inject({ url: '/api/health', headers: bearer(token) });
    const cases: [string, Record<string, string>?][] = [
      [`/tiles/grids/${Z}/${X}/${Y}.mvt`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}`, bearer(viewer)],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?access_token=${viewer}&v=${version}`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=0.0.1`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=999.999.999`],
      [`/tiles/basemap/${Z}/${X}/${Y}.mvt`, { 'x-request-id': 'fast-path-test-1' }],
      [`/tiles/incidents/${Z}/${X}/${Y}.mvt?v=${version}`, bearer(viewer)],
      [`/tiles/open-incidents/${Z}/${X}/${Y}.mvt`, bearer(kiosk)],
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt`, bearer(analyst)],
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt?access_token=${kiosk}`],
      // An empty tile (204) and a token no one issued (public tiles still answer).
      [`/tiles/grids/${Z}/${X + 9}/${Y}.mvt`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt`, bearer('not-a-token')],
    ];
    for (const [url, headers] of cases) {
      // Twice: the first renders (or reads the cache), the second may be a cache hit.
      for (let i = 0; i < 2; i++) {
        const r = await both(url, headers);
        expect(r.http, `${url} ${JSON.stringify(headers ?? {})}`).toEqual(r.fastify);
        expect(r.fast, url).toBe(true);
      }
    }
    const tile = await both(`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}`, bearer(viewer));
    expect(tile.http.status).toBe(200);
    expect(tile.http.headers['x-wangge-truncated']).toBe('1');
    expect(tile.http.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    // With the ETag: 304 from both.
    const etag = tile.http.headers.etag;
    const again = await both(`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}`, { ...bearer(viewer), 'if-none-match': etag });
    expect(again.http.status).toBe(304);
    expect(again.http).toEqual(again.fastify);
    expect(again.fast).toBe(true);
  });

  it('hands errors to Fastify, which answers and formats them (the fast path writes nothing)', async () => {
    const cases: [string, number, Record<string, string>?][] = [
      [`/tiles/nothing/${Z}/${X}/${Y}.mvt`, 404],
      [`/tiles/grids/${Z}/${2 ** Z}/${Y}.mvt`, 400],
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt`, 401],
      [`/tiles/grids/17/0/0.mvt`, 400],
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt`, 401, bearer('not-a-token')],
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt?access_token=${kiosk.slice(0, -1)}x`, 401],
    ];
    for (const [url, status, headers] of cases) {
      const r = await both(url, headers);
      expect(r.http.status, url).toBe(status);
      expect(r.http, url).toEqual(r.fastify);
      expect(r.fast, url).toBe(false);
    }
  });

  it('leaves to Fastify what it does not read itself: filters, other parameters, odd numbers, HEAD', async () => {
    const cases: [string, ('GET' | 'HEAD')?][] = [
      [`/tiles/hotspots/${Z}/${X}/${Y}.mvt?access_token=${analyst}&from=2026-03-01`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}&v=${version}`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${version}&other=1`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v`],
      [`/tiles/grids/0${Z}/${X}/${Y}.mvt`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt?v=${'1'.repeat(65)}`],
      [`/tiles/grids/${Z}/${X}/${Y}.mvt`, 'HEAD'],
    ];
    for (const [url, method] of cases) {
      const r = await both(url, {}, method);
      expect(r.http, url).toEqual(r.fastify);
      expect(r.fast, url).toBe(false);
    }
    // A token not read yet: Fastify's auth hook reads it, after which its tiles go the fast way.
    const fresh = await tokenFor(t, ['analyst']);
    const first = await both(`/tiles/hotspots/${Z}/${X}/${Y}.mvt`, bearer(fresh));
    expect(first.fast).toBe(false);
    expect(first.http.status).toBe(200);
    expect((await both(`/tiles/hotspots/${Z}/${X}/${Y}.mvt`, bearer(fresh))).fast).toBe(true);
  });

  it('is not there when WANGGE_TILE_FAST_PATH is false', async () => {
    const off = await testApp({ WANGGE_TILE_FAST_PATH: false });
    try {
      expect(off.app.wangge.fastPaths).toHaveLength(0);
    } finally {
      await off.close();
    }
  });
});
