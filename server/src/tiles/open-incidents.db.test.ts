import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { tileAsText } from './decode.ts';

// A made-up area in the open Pacific that no other test uses, inside tile 14/1365/9624
// (lng -150.0073…-149.9853, lat -29.9930…-30.0120). The feature cap is 3, so a tile of every
// status cannot hold all five incidents below.
const Z = 14, X = 1365, Y = 9624;
const CAP = 3;
const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;
const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/open-incidents-old-overdue-kept-z14.golden.txt');

let t: TestApp;
let jid: number;
let viewer: string;

const pointsOf = (text: string) => [...text.matchAll(/point (\{[^\n]*"light"[^\n]*\})/g)].map((m) => JSON.parse(m[1]) as { status: string; light: string; reported_at?: string });
const binsOf = (text: string) => [...text.matchAll(/point (\{"open":\d+\})/g)].map((m) => (JSON.parse(m[1]) as { open: number }).open);

beforeAll(async () => {
  t = await testApp({ WANGGE_TILE_FEATURE_CAP: CAP });
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('open-tiles')]);
  jid = rows[0].id;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households) VALUES
       ($1, 1, 'OP1', '开放', 'Open', NULL, $2, 30),
       ($1, 2, 'OP1001', '西', 'West', 'OP1', $3, 10),
       ($1, 2, 'OP1002', '东', 'East', 'OP1', $4, 20)`,
    [jid, box(-150.006, -30.008, -149.99, -29.996), box(-150.006, -30.008, -149.998, -29.996), box(-149.998, -30.008, -149.99, -29.996)]);
  await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('tiles-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING`);
  // An open case reported long ago and already past its deadline, four newer closed or parked
  // cases, and one newer open case in the east.
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, handle_warn_at, handle_due_at, grid_code, grid_codes) VALUES
       ($1, 'SRID=4326;POINT(-150.004 -30.003)', 'tiles-test', 'dispatched', '2025-06-01T08:00:00Z', '2025-06-02T08:00:00Z', '2025-06-03T08:00:00Z', 'OP1001', '{OP1,OP1001}'),
       ($1, 'SRID=4326;POINT(-150.003 -30.002)', 'tiles-test', 'closed', '2026-01-01T08:00:00Z', NULL, NULL, 'OP1001', '{OP1,OP1001}'),
       ($1, 'SRID=4326;POINT(-150.002 -30.002)', 'tiles-test', 'closed', '2026-01-02T08:00:00Z', NULL, NULL, 'OP1001', '{OP1,OP1001}'),
       ($1, 'SRID=4326;POINT(-149.997 -30.002)', 'tiles-test', 'evaluated', '2026-01-03T08:00:00Z', NULL, NULL, 'OP1002', '{OP1,OP1002}'),
       ($1, 'SRID=4326;POINT(-149.996 -30.004)', 'tiles-test', 'parked', '2026-01-04T08:00:00Z', NULL, NULL, 'OP1002', '{OP1,OP1002}'),
       ($1, 'SRID=4326;POINT(-149.995 -30.005)', 'tiles-test', 'reported', '2026-01-05T08:00:00Z', NULL, NULL, 'OP1002', '{OP1,OP1002}')`, [jid]);
  await t.db.query("SELECT bump_layer_version('incidents')");
  viewer = await tokenFor(t, ['viewer']);
});
afterAll(async () => { await t?.close(); });

describe('open incidents tiles (what the panorama and the wall draw)', () => {
  it('hold every open incident, the oldest overdue one too, where a tile of every status drops it under the cap', async () => {
    const all = await t.app.inject({ url: `/tiles/incidents/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(all.statusCode, all.body).toBe(200);
    const newest = pointsOf(tileAsText(all.rawPayload));
    expect(newest).toHaveLength(CAP);
    expect(newest.map((p) => p.reported_at)).not.toContain('2025-06-01T08:00:00Z');
    expect(newest.map((p) => p.status)).not.toContain('dispatched');

    const open = await t.app.inject({ url: `/tiles/open-incidents/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(open.statusCode, open.body).toBe(200);
    const text = tileAsText(open.rawPayload);
    if (process.env.UPDATE_GOLDEN === '1' || (!fs.existsSync(GOLDEN) && !process.env.CI)) fs.writeFileSync(GOLDEN, text);
    expect(text).toBe(fs.readFileSync(GOLDEN, 'utf8'));
    const points = pointsOf(text);
    // The old overdue case (the only dispatched one) and the newest open one; lean properties.
    expect(points.map((p) => [p.status, p.light]).sort()).toEqual([['dispatched', 'red'], ['reported', 'green']]);
    expect(Object.keys(points[0]).sort()).toEqual(['category', 'class', 'light', 'status']);
  });

  it('count open incidents only in the bins far out, leaving out bins with none open', async () => {
    const res = await t.app.inject({ url: '/tiles/open-incidents/8/21/150.mvt', headers: bearer(viewer) });
    expect(res.statusCode, res.body).toBe(200);
    const bins = binsOf(tileAsText(res.rawPayload));
    expect(bins.every((n) => n > 0)).toBe(true);
    const { rows } = await t.db.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM incidents WHERE incident_is_open(status) AND geom && ST_Transform(ST_TileEnvelope(8, 21, 150), 4326)`);
    expect(bins.reduce((a, b) => a + b, 0)).toBe(rows[0].open);
    expect(rows[0].open).toBeGreaterThanOrEqual(2);
  });

  it("limit a kiosk token to its area's open incidents, near and far", async () => {
    const { rows } = await t.db.query<{ id: number }>("SELECT id FROM users WHERE username LIKE 'viewer%' ORDER BY id DESC LIMIT 1");
    const kiosk = await t.app.wangge.tokens.issue(t.db, rows[0].id, { kind: 'kiosk', area: 'OP1002' });
    const near = await t.app.inject({ url: `/tiles/open-incidents/${Z}/${X}/${Y}.mvt?access_token=${kiosk}` });
    expect(near.statusCode, near.body).toBe(200);
    expect(pointsOf(tileAsText(near.rawPayload)).map((p) => p.status)).toEqual(['reported']);
    const far = await t.app.inject({ url: `/tiles/open-incidents/8/21/150.mvt?access_token=${kiosk}` });
    expect(binsOf(tileAsText(far.rawPayload))).toEqual([1]);
  });

  it('are refused without a role', async () => {
    const res = await t.app.inject({ url: `/tiles/open-incidents/${Z}/${X}/${Y}.mvt` });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('unauthenticated');
  });
});
