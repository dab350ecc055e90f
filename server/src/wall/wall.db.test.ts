import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';

/** The tile x/y holding a point at zoom z (Web Mercator, as slippy-map tiles count). */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

/** How many incidents a tile shows: points, or the sum of the bins' totals. */
function incidentsIn(body: Buffer): number {
  if (body.length === 0) return 0;
  const tile = new VectorTile(new PbfReader(body));
  let n = tile.layers.incidents?.length ?? 0;
  const bins = tile.layers.incident_bins;
  for (let i = 0; i < (bins?.length ?? 0); i++) n += Number(bins.feature(i).properties.total);
  return n;
}

const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;

let t: TestApp;
let jid: number;
let admin: string;
let viewer: string;

// Two communities (W1001, W1002) under one street (W1), somewhere no other test draws.
beforeAll(async () => {
  t = await testApp();
  jid = (await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('wall')])).rows[0].id;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, households) VALUES
       ($1, 1, 'W1', '街道', NULL, $2, 300), ($1, 2, 'W1001', '甲社区', 'W1', $3, 100), ($1, 2, 'W1002', '乙社区', 'W1', $4, 200)`,
    [jid, box(-150, -40, -149.98, -39.99), box(-150, -40, -149.99, -39.99), box(-149.99, -40, -149.98, -39.99)]);
  await t.db.query("INSERT INTO categories (code, name, name_en) VALUES ('wall-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING");
  const dept = (await t.db.query<{ id: number }>("INSERT INTO departments (jurisdiction_id, code, name) VALUES ($1, $2, '环卫') RETURNING id", [jid, uniq('dept')])).rows[0].id;
  // In W1001: one reported today, one overdue (red), one closed on time, one closed late (both due in the last 30 days, one evaluated 4).
  // In W1002: one open, not yet due.
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, closed_at, close_due_at, close_warn_at, satisfaction, evaluated_at, grid_code, grid_codes, department_id) VALUES
      ($1, 'SRID=4326;POINT(-149.995 -39.995)', 'wall-test', 'reported', now() - interval '1 minute', NULL, now() + interval '5 days', now() + interval '4 days', NULL, NULL, 'W1001', '{W1,W1001}', NULL),
      ($1, 'SRID=4326;POINT(-149.995 -39.995)', 'wall-test', 'dispatched', now() - interval '10 days', NULL, now() - interval '2 days', now() - interval '3 days', NULL, NULL, 'W1001', '{W1,W1001}', $2),
      ($1, 'SRID=4326;POINT(-149.995 -39.995)', 'wall-test', 'evaluated', now() - interval '12 days', now() - interval '6 days', now() - interval '5 days', now() - interval '6 days', 4, now() - interval '5 days', 'W1001', '{W1,W1001}', $2),
      ($1, 'SRID=4326;POINT(-149.995 -39.995)', 'wall-test', 'closed', now() - interval '12 days', now() - interval '3 days', now() - interval '5 days', now() - interval '6 days', NULL, NULL, 'W1001', '{W1,W1001}', $2),
      ($1, 'SRID=4326;POINT(-149.985 -39.995)', 'wall-test', 'registered', now() - interval '2 days', NULL, now() + interval '3 days', now() + interval '2 days', NULL, NULL, 'W1002', '{W1,W1002}', NULL)`,
    [jid, dept]);
  admin = await tokenFor(t, ['admin']);
  viewer = await tokenFor(t, ['viewer'], { jurisdictionId: jid });
});
afterAll(async () => { await t?.close(); });

describe('wall summary', () => {
  it('computes the KPIs, rankings, ticker and 30-day series from the incidents', async () => {
    const res = await t.app.inject({ url: '/api/wall/summary?tz=UTC', headers: bearer(viewer) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.jurisdictionId).toBe(jid);
    expect(body.kpis).toMatchObject({ open: 3, overdue: 1, due30d: 3, closureRate: 66.67, onTimeRate: 33.33, satisfaction: 4 });
    expect(body.kpis.reportedToday).toBeGreaterThanOrEqual(1);
    expect(body.rankTier).toBe(2);
    expect(body.gridRanking.map((g: { code: string }) => g.code)).toEqual(['W1001', 'W1002']);
    expect(body.gridRanking[0]).toMatchObject({ open: 2, overdue: 1, households: 100 });
    expect(body.departmentRanking[0]).toMatchObject({ open: 1, overdue: 1 });
    expect(body.ticker).toHaveLength(5);
    expect(body.ticker[0].light).toBe('green');
    expect(body.series).toHaveLength(30);
    expect(body.series.reduce((a: number, d: { reported: number }) => a + d.reported, 0)).toBe(5);
  });

  it('narrows to an area and refuses bad input with clear errors', async () => {
    const area = (await t.app.inject({ url: '/api/wall/summary?area=W1002', headers: bearer(viewer) })).json();
    expect(area.kpis).toMatchObject({ open: 1, overdue: 0 });
    const tz = await t.app.inject({ url: '/api/wall/summary?tz=Mars/Base', headers: bearer(viewer) });
    expect(tz.statusCode).toBe(400);
    expect(errorCode(tz)).toBe('unknown_time_zone');
    const unknown = await t.app.inject({ url: '/api/wall/summary?area=NOPE1', headers: bearer(viewer) });
    expect(unknown.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/wall/summary' })).statusCode).toBe(401);
  });
});

describe('kiosk tokens', () => {
  it('opens the wall read-only, limited to its area, until revoked', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: bearer(admin), payload: { name: '指挥中心大屏', area: 'W1002' } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, token, url } = created.json();
    expect(url).toBe(`/wall?kiosk=${token}&area=W1002`);
    // The kiosk sees its area only, whatever it asks for, and may not write.
    const summary = await t.app.inject({ url: `/api/wall/summary?access_token=${token}&area=W1001` });
    expect(summary.json()).toMatchObject({ area: 'W1002', kpis: { open: 1 } });
    const write = await t.app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: bearer(token), payload: { name: 'x' } });
    expect(write.statusCode).toBe(403);
    // Its incident tiles hold its area's incidents only, close up and far out.
    const count = async (lng: number, z: number, auth: { token?: string; admin?: boolean }) => {
      const [x, y] = tileOf(lng, -39.995, z);
      const res = await t.app.inject({ url: `/tiles/incidents/${z}/${x}/${y}.mvt${auth.token ? `?access_token=${auth.token}` : ''}`, headers: auth.admin ? bearer(admin) : {} });
      return { n: incidentsIn(res.rawPayload), etag: res.headers.etag };
    };
    // Close up: W1002's point is there, W1001's four are not; far out: one bin count of 1 against 5.
    expect((await count(-149.985, 15, { token })).n).toBe(1);
    expect((await count(-149.995, 15, { token })).n).toBe(0);
    expect((await count(-149.995, 15, { admin: true })).n).toBe(4);
    const far = await count(-149.985, 9, { token });
    const farAdmin = await count(-149.985, 9, { admin: true });
    expect(far.n).toBe(1);
    expect(farAdmin.n).toBeGreaterThanOrEqual(5);
    expect(far.etag).not.toBe(farAdmin.etag);
    // Its hot-spot counts likewise, whatever grid it asks for.
    const h3 = await t.app.inject({ url: `/api/hotspots/h3?res=9&jurisdiction=${jid}&grid=W1001`, headers: bearer(token) });
    expect(h3.statusCode, h3.body).toBe(200);
    expect(h3.json().total).toBe(1);
    const list = (await t.app.inject({ url: '/api/kiosk-tokens', headers: bearer(admin) })).json();
    expect(list.items.find((k: { id: string }) => k.id === id)).toMatchObject({ name: '指挥中心大屏', area: 'W1002', revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(token);

    expect((await t.app.inject({ method: 'DELETE', url: `/api/kiosk-tokens/${id}`, headers: bearer(admin) })).statusCode).toBe(204);
    // Another process (no cached token check) refuses it at once; this one within the cache time.
    const other = await testApp();
    try {
      const refused = await other.app.inject({ url: `/api/wall/summary?access_token=${token}` });
      expect(refused.statusCode).toBe(401);
    } finally {
      await other.close();
    }
    expect((await t.app.inject({ method: 'DELETE', url: `/api/kiosk-tokens/${id}`, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it('refuses an unknown area and non-admins', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: bearer(admin), payload: { name: 'x', area: 'NOPE1' } });
    expect(bad.statusCode).toBe(404);
    expect(errorCode(bad)).toBe('unknown_area');
    expect((await t.app.inject({ method: 'GET', url: '/api/kiosk-tokens', headers: bearer(viewer) })).statusCode).toBe(403);
  });
});
