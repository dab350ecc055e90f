import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { tileAsText } from './decode.ts';

// A small made-up area in the open Pacific (no other test's data is near it), inside tile
// 14/1820/9624, which spans lng -140.0098…-139.9878, lat -29.9930…-30.0120. The commune
// reaches past the tile's west edge, so clipping is exercised.
const Z = 14, X = 1820, Y = 9624;
const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;
const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/small-area-z14.golden.txt');
const GOLDEN_PUBLIC = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/small-area-z14-public.golden.txt');

let t: TestApp;
let jid: number;
let viewer: string;

beforeAll(async () => {
  t = await testApp();
  const { rows } = await t.db.query<{ id: number }>("INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id", [uniq('tiles')]);
  jid = rows[0].id;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households) VALUES
       ($1, 1, 'T1', '太平', 'Pacific', NULL, $2, 30),
       ($1, 2, 'T1001', '西区', 'West', 'T1', $3, 10),
       ($1, 2, 'T1002', '东区', 'East', 'T1', $4, 20)`,
    [jid, box(-140.02, -30.008, -139.992, -29.996), box(-140.02, -30.008, -139.9985, -29.996), box(-139.9985, -30.008, -139.992, -29.996)]);
  await t.db.query(
    `INSERT INTO barriers (jurisdiction_id, geom, kind, class, name) VALUES
       ($1, 'SRID=4326;MULTILINESTRING((-139.9985 -30.01,-139.9985 -29.994))', 'road', 'primary', '中路'),
       ($1, 'SRID=4326;MULTILINESTRING((-140.004 -30.002,-139.993 -30.002))', 'road', 'residential', NULL)`, [jid]);
  await t.db.query(
    `INSERT INTO households (jurisdiction_id, geom, pt, households) VALUES
       ($1, $2, 'SRID=4326;POINT(-140.0015 -30.0015)', 12)`, [jid, box(-140.002, -30.002, -140.001, -30.001)]);
  await t.db.query(`INSERT INTO basemap_areas (jurisdiction_id, geom, kind, name) VALUES ($1, $2, 'water', '池')`, [jid, box(-139.996, -30.006, -139.994, -30.004)]);
  await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('tiles-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING`);
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes) VALUES
       ($1, 'SRID=4326;POINT(-140.003 -30.003)', 'tiles-test', 'reported', '2026-01-02T03:04:05Z', 'T1001', '{T1,T1001}'),
       ($1, 'SRID=4326;POINT(-139.995 -30.003)', 'tiles-test', 'dispatched', '2026-01-03T03:04:05Z', 'T1002', '{T1,T1002}'),
       ($1, 'SRID=4326;POINT(-139.994 -30.0035)', 'tiles-test', 'closed', '2026-01-04T03:04:05Z', 'T1002', '{T1,T1002}')`, [jid]);
  await t.db.query("SELECT bump_layer_version('grids'), bump_layer_version('incidents')");
  viewer = await tokenFor(t, ['viewer']);
});
afterAll(async () => { await t?.close(); });

/** Compares with the golden file; writes it when asked (UPDATE_GOLDEN=1) or when it does not exist outside CI. */
function expectGolden(text: string, file: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || (!fs.existsSync(file) && !process.env.CI)) fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

describe('vector tiles', () => {
  it('lists the tilesets and serves TileJSON whose tile URL carries the data version', async () => {
    const list = await t.app.inject({ url: '/tiles' });
    expect(list.json().tilesets.map((s: { id: string }) => s.id)).toEqual(['grids', 'basemap', 'incidents', 'open-incidents', 'hotspots']);
    const tj = (await t.app.inject({ url: '/tiles/grids.json' })).json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/^\/tiles\/grids\/\{z\}\/\{x\}\/\{y\}\.mvt\?v=\d+\.\d+\.\d+$/);
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toContain('tier2');
  });

  it('encodes the same tile on both databases: grids with figures for a role (golden)', async () => {
    const res = await t.app.inject({ url: `/tiles/grids/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const basemap = await t.app.inject({ url: `/tiles/basemap/${Z}/${X}/${Y}.mvt` });
    const incidents = await t.app.inject({ url: `/tiles/incidents/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(incidents.statusCode, incidents.body).toBe(200);
    const text = [res, basemap, incidents].map((r) => tileAsText(r.rawPayload)).join('\n');
    expectGolden(text, GOLDEN);
    // Figures are really computed: West holds one open incident, East one open and one closed.
    expect(text).toContain('"code":"T1001","households":10,"name":"西区","name_en":"West","open":1');
    expect(text).toContain('"code":"T1002","households":20,"name":"东区","name_en":"East","open":1');
  });

  it('leaves the figures out for anonymous readers and refuses them the incidents', async () => {
    const res = await t.app.inject({ url: `/tiles/grids/${Z}/${X}/${Y}.mvt` });
    const text = tileAsText(res.rawPayload);
    expectGolden(text, GOLDEN_PUBLIC);
    expect(text).not.toContain('households');
    const incidents = await t.app.inject({ url: `/tiles/incidents/${Z}/${X}/${Y}.mvt` });
    expect(incidents.statusCode).toBe(401);
    expect(errorCode(incidents)).toBe('unauthenticated');
  });

  it('answers If-None-Match with 304 and marks a tile immutable only at the current version', async () => {
    const tj = (await t.app.inject({ url: '/tiles/basemap.json' })).json();
    const url = (tj.tiles[0] as string).replace('{z}', String(Z)).replace('{x}', String(X)).replace('{y}', String(Y));
    const first = await t.app.inject({ url });
    expect(first.headers['cache-control']).toContain('immutable');
    const again = await t.app.inject({ url, headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    const stale = await t.app.inject({ url: `/tiles/basemap/${Z}/${X}/${Y}.mvt?v=old` });
    expect(stale.headers['cache-control']).toBe('no-cache');
  });

  it('never serves a stale tile after an edit: the version moves and the tile changes', async () => {
    const url = `/tiles/grids/${Z}/${X}/${Y}.mvt`;
    const before = await t.app.inject({ url });
    expect(tileAsText(before.rawPayload)).toContain('"name":"东区"');
    const { rows } = await t.db.query<{ v: number }>(
      `WITH u AS (UPDATE grids SET name = '新东区' WHERE jurisdiction_id = $1 AND code = 'T1002') SELECT bump_layer_version('grids') AS v`, [jid]);
    // A client that heard of the edit asks for the new version and gets it at once.
    const tj = (await t.app.inject({ url: '/tiles/grids.json' })).json();
    const [g, h, i] = (tj.version as string).split('.').map(Number);
    expect(g).toBe(rows[0].v);
    const after = await t.app.inject({ url: `${url}?v=${g}.${h}.${i}` });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(tileAsText(after.rawPayload)).toContain('"name":"新东区"');
    const revalidated = await t.app.inject({ url, headers: { 'if-none-match': before.headers.etag as string } });
    expect(revalidated.statusCode).toBe(200);
  });

  it('reads a version it has not seen with the tile itself, and hears of edits made in this process at once', async () => {
    const url = `/tiles/grids/${Z}/${X}/${Y}.mvt`;
    const tj = (await t.app.inject({ url: '/tiles/grids.json' })).json();
    const [, h, i] = (tj.version as string).split('.');
    // An edit this process has not heard of yet (as if its notification were still on the way):
    // the bump's NOTIFY trigger is skipped for this one transaction.
    const rows = await t.db.tx(async (c) => {
      await c.query(`UPDATE grids SET name = '远东区' WHERE jurisdiction_id = $1 AND code = 'T1002'`, [jid]);
      await c.query('SET LOCAL session_replication_role = replica');
      return (await c.query<{ v: number }>(`SELECT bump_layer_version('grids') AS v`)).rows;
    });
    // Unheard, a plain request still gets the tile of the version known (no poll while listening).
    expect((await t.app.inject({ url })).headers.etag).not.toContain(`-${rows[0].v}.${h}.${i}-`);
    const named = await t.app.inject({ url: `${url}?v=${rows[0].v}.${h}.${i}` });
    expect(tileAsText(named.rawPayload)).toContain('"name":"远东区"');
    expect(named.headers.etag).toContain(`-${rows[0].v}.${h}.${i}-`);
    expect(named.headers['cache-control']).toContain('immutable');
    // An edit announced on this process's event bus: the next plain request reads the versions again.
    const warm = await t.app.inject({ url });
    const { rows: r2 } = await t.db.query<{ v: number }>(
      `WITH u AS (UPDATE grids SET name = '东区' WHERE jurisdiction_id = $1 AND code = 'T1002') SELECT bump_layer_version('grids') AS v`, [jid]);
    t.app.wangge.events.publish('grids.edited', jid, { code: 'T1002' });
    const after = await t.app.inject({ url });
    expect(after.headers.etag).not.toBe(warm.headers.etag);
    expect(after.headers.etag).toContain(`-${r2[0].v}.`);
    expect(tileAsText(after.rawPayload)).toContain('"name":"东区"');
  });

  it('hears a bump as it commits (NOTIFY): the next plain request gets the new tile, filed under the new version', async () => {
    const url = `/tiles/grids/${Z}/${X}/${Y}.mvt`;
    await t.app.inject({ url: '/tiles/grids.json' });
    const readAt = Date.now();
    const before = await t.app.inject({ url });
    // No event on this process's bus: only the notification can tell it (the poll, when not
    // listening, would wait a second after the read above).
    const { rows } = await t.db.query<{ v: number }>(
      `WITH u AS (UPDATE grids SET name = '北区' WHERE jurisdiction_id = $1 AND code = 'T1002') SELECT bump_layer_version('grids') AS v`, [jid]);
    let after = await t.app.inject({ url });
    while (!(after.headers.etag as string).includes(`-${rows[0].v}.`) && Date.now() - readAt < 900) {
      await new Promise((r) => setTimeout(r, 10));
      after = await t.app.inject({ url });
    }
    expect(Date.now() - readAt).toBeLessThan(900);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.headers.etag).toContain(`-${rows[0].v}.`);
    // Filed under the new version, the tile holds its data (the bare statement ran after the bump was heard).
    expect(tileAsText(after.rawPayload)).toContain('"name":"北区"');
    await t.db.query(`WITH u AS (UPDATE grids SET name = '东区' WHERE jurisdiction_id = $1 AND code = 'T1002') SELECT bump_layer_version('grids')`, [jid]);
  });

  it('serves exact precomputed incident counts at far zooms', async () => {
    // z 8: the three incidents fall into bins of tile 8/28/150.
    const res = await t.app.inject({ url: '/tiles/incidents/8/28/150.mvt', headers: bearer(viewer) });
    const text = tileAsText(res.rawPayload);
    const totals = [...text.matchAll(/"open":(\d+),"total":(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const sum = totals.reduce((a, [o, n]) => [a[0] + o, a[1] + n], [0, 0]);
    const { rows } = await t.db.query<{ n: number; open: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE incident_is_open(status))::int AS open FROM incidents
        WHERE geom && ST_Transform(ST_TileEnvelope(8, 28, 150), 4326)`);
    expect(sum).toEqual([rows[0].open, rows[0].n]);
    expect(rows[0].n).toBeGreaterThanOrEqual(3);
    // A status change moves the open count without touching the total.
    await t.db.query(`UPDATE incidents SET status = 'closed' WHERE jurisdiction_id = $1 AND status = 'reported'`, [jid]);
    const { rows: cells } = await t.db.query<{ total: number; open: number }>(
      `SELECT sum(total)::int AS total, sum(open)::int AS open FROM incident_cells WHERE jurisdiction_id = $1 AND level = 19`, [jid]);
    expect(cells[0]).toEqual({ total: 3, open: 1 });
    const { rows: grids } = await t.db.query<{ grid_code: string; total: number; open: number }>(
      'SELECT grid_code, total, open FROM grid_incident_counts WHERE jurisdiction_id = $1 ORDER BY grid_code', [jid]);
    expect(grids).toEqual([{ grid_code: 'T1', total: 3, open: 1 }, { grid_code: 'T1001', total: 1, open: 0 }, { grid_code: 'T1002', total: 2, open: 1 }]);
    // An update that changes nothing counted moves nothing; a delete takes its counts away.
    await t.db.query(`UPDATE incidents SET description = 'seen' WHERE jurisdiction_id = $1`, [jid]);
    await t.db.query(`DELETE FROM incidents WHERE jurisdiction_id = $1 AND status = 'dispatched'`, [jid]);
    const { rows: after } = await t.db.query<{ total: number; open: number }>(
      `SELECT sum(total)::int AS total, sum(open)::int AS open FROM incident_cells WHERE jurisdiction_id = $1 AND level = 12`, [jid]);
    expect(after[0]).toEqual({ total: 2, open: 0 });
  });

  it('rejects unknown tilesets and tiles outside the pyramid with clear errors', async () => {
    const unknown = await t.app.inject({ url: '/tiles/nope/1/0/0.mvt' });
    expect(unknown.statusCode).toBe(404);
    expect(errorCode(unknown)).toBe('unknown_tileset');
    const outside = await t.app.inject({ url: '/tiles/basemap/2/4/0.mvt' });
    expect(outside.statusCode).toBe(400);
    expect(errorCode(outside)).toBe('tile_out_of_range');
  });
});
