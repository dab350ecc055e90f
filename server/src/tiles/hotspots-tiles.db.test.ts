import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { tileAsText } from './decode.ts';

// A made-up area in the open Pacific (no other test's data is near it), inside tile
// 13/682/4947 (lng -150.0293…-149.9854, lat -35.0300…-34.9940): one commune of two halves, a
// planted cluster of 40 incidents in its south-west corner and 20 spread over it.
const Z = 13, X = 682, Y = 4947;
const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;
const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/hotspots-z13.golden.txt');

let t: TestApp;
let jid: number;
let viewer: string;

/** Incident points: the cluster (8 × 5, 40 m apart) and a 5 × 4 lattice over the commune. */
function points(): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < 8; i++) for (let j = 0; j < 5; j++) out.push([-150.018 + i * 0.0004, -35.022 + j * 0.0004]);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) out.push([-150.0175 + i * 0.005, -35.0215 + j * 0.006]);
  return out;
}

async function addIncidents(pts: [number, number][], day: number): Promise<void> {
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes)
     SELECT $1, ST_SetSRID(ST_MakePoint(p[1], p[2]), 4326), 'hs-tiles-test', 'reported', $3::timestamptz + n * interval '1 hour',
            CASE WHEN p[1] < -150.0075 THEN 'H1001' ELSE 'H1002' END, ARRAY['H1', CASE WHEN p[1] < -150.0075 THEN 'H1001' ELSE 'H1002' END]
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a (j, n), LATERAL (SELECT ARRAY[(j->>0)::float8, (j->>1)::float8] AS p) q`,
    [jid, JSON.stringify(pts), `2026-02-${String(day).padStart(2, '0')}T00:00:00Z`]);
  await t.db.query("SELECT bump_layer_version('incidents')");
}

function expectGolden(text: string, file: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || (!fs.existsSync(file) && !process.env.CI)) fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

const cellsOf = (text: string) => [...text.matchAll(/\{"cell":"[^}]*\}|\{[^}]*"cell":"[^}]*\}/g)].map((m) => JSON.parse(m[0]) as { cell: string; count: number; gi_class?: number; rate?: number; households?: number });

beforeAll(async () => {
  t = await testApp();
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('hotspot-tiles')]);
  jid = rows[0].id;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households) VALUES
       ($1, 1, 'H1', '热区', 'Hot', NULL, $2, 150),
       ($1, 2, 'H1001', '西', 'West', 'H1', $3, 100),
       ($1, 2, 'H1002', '东', 'East', 'H1', $4, 50)`,
    [jid, box(-150.02, -35.025, -149.995, -35.0), box(-150.02, -35.025, -150.0075, -35.0), box(-150.0075, -35.025, -149.995, -35.0)]);
  await t.db.query(
    `INSERT INTO households (jurisdiction_id, geom, pt, households) VALUES
       ($1, $2, 'SRID=4326;POINT(-150.0165 -35.0205)', 60), ($1, $3, 'SRID=4326;POINT(-150.0005 -35.0055)', 40)`,
    [jid, box(-150.0166, -35.0206, -150.0164, -35.0204), box(-150.0006, -35.0056, -150.0004, -35.0054)]);
  await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('hs-tiles-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING`);
  await addIncidents(points(), 1);
  await t.db.query("SELECT bump_layer_version('grids'), bump_layer_version('households')");
  viewer = await tokenFor(t, ['viewer']);
});
afterAll(async () => { await t?.close(); });

describe('hot-spot tiles', () => {
  it('are listed with a TileJSON whose URL carries the data version', async () => {
    const list = await t.app.inject({ url: '/tiles' });
    expect(list.json().tilesets.map((s: { id: string }) => s.id)).toContain('hotspots');
    const tj = await t.app.inject({ url: '/tiles/hotspots.json', headers: bearer(viewer) });
    expect(tj.statusCode).toBe(200);
    expect(tj.json().tiles[0]).toMatch(/^\/tiles\/hotspots\/\{z\}\/\{x\}\/\{y\}\.mvt\?v=\d+\.\d+\.\d+$/);
    expect(tj.json().vector_layers[0].fields).toHaveProperty('gi_class');
    expect((await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt` })).statusCode).toBe(401);
  });

  it('draws the same H3 counts and Gi* classes as GET /api/hotspots/gi, identically on both databases (golden)', async () => {
    const res = await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(res.statusCode, res.body).toBe(200);
    const text = tileAsText(res.rawPayload);
    expectGolden(text, GOLDEN);
    const cells = cellsOf(text);
    const api = (await t.app.inject({ url: `/api/hotspots/gi?jurisdiction=${jid}&unit=h3&res=9`, headers: bearer(viewer) })).json();
    expect(cells.length).toBe(api.features.length);
    const byCell = new Map(api.features.map((f: { id: string }) => [f.id, f]));
    for (const c of cells) {
      const f = byCell.get(c.cell) as { count: number; gi_class: number; rate: number | null };
      expect([c.count, c.gi_class, c.rate ?? null]).toEqual([f.count, f.gi_class, f.rate === null ? null : Math.round(f.rate * 100) / 100]);
    }
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(60);
    expect(cells.some((c) => (c.gi_class ?? 0) >= 2)).toBe(true);
    expect(cells.some((c) => c.households !== undefined && c.rate !== undefined)).toBe(true);
  });

  it('never serves stale cells: new incidents move the version, and the tile at it counts them', async () => {
    const before = await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    await addIncidents([[-150.001, -35.004], [-150.001, -35.004], [-150.0012, -35.0041]], 2);
    const tj = (await t.app.inject({ url: '/tiles/hotspots.json', headers: bearer(viewer) })).json();
    const url = (tj.tiles[0] as string).replace('{z}', String(Z)).replace('{x}', String(X)).replace('{y}', String(Y));
    const after = await t.app.inject({ url, headers: bearer(viewer) });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.headers['cache-control']).toContain('immutable');
    expect(cellsOf(tileAsText(after.rawPayload)).reduce((s, c) => s + c.count, 0)).toBe(63);
    const again = await t.app.inject({ url, headers: { ...bearer(viewer), 'if-none-match': after.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    // Without ?v= (no-cache), the edit is read within a second at most: here at once through the version it names.
    const plain = await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt`, headers: bearer(viewer) });
    expect(plain.headers['cache-control']).toBe('no-cache');
  });

  it('limits a kiosk token to its area: counts of that area only', async () => {
    const { rows } = await t.db.query<{ id: number }>("SELECT id FROM users WHERE username LIKE 'viewer%' ORDER BY id DESC LIMIT 1");
    const kiosk = await t.app.wangge.tokens.issue(t.db, rows[0].id, { kind: 'kiosk', area: 'H1002' });
    const res = await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt?access_token=${kiosk}` });
    expect(res.statusCode, res.body).toBe(200);
    const cells = cellsOf(tileAsText(res.rawPayload));
    const { rows: n } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents i, grids g WHERE i.jurisdiction_id = $1 AND g.jurisdiction_id = $1 AND g.code = 'H1002' AND ST_Intersects(i.geom, g.geom)`, [jid]);
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(n[0].n);
    expect(n[0].n).toBeLessThan(63);
    expect(res.headers.etag).toContain('a.H1002');
    // With filters as well: the area's incidents of that period only, cached apart from the whole period's.
    const filtered = await t.app.inject({ url: `/tiles/hotspots/${Z}/${X}/${Y}.mvt?to=2026-02-03&access_token=${kiosk}` });
    expect(filtered.statusCode, filtered.body).toBe(200);
    const { rows: m } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents i, grids g WHERE i.jurisdiction_id = $1 AND g.jurisdiction_id = $1 AND g.code = 'H1002'
          AND ST_Intersects(i.geom, g.geom) AND i.reported_at < '2026-02-03T00:00:00Z'`, [jid]);
    expect(cellsOf(tileAsText(filtered.rawPayload)).reduce((s, c) => s + c.count, 0)).toBe(m[0].n);
    expect(m[0].n).toBeGreaterThan(0);
    expect(m[0].n).toBeLessThan(n[0].n);
    expect(filtered.headers.etag).toMatch(/a\.H1002\.q[0-9a-f]{16}/);
  });

  it('draws the analyst filters (from, to, category) as GET /api/hotspots/gi does, cached and labelled apart', async () => {
    // A second category: 12 incidents on 10 February in the east half.
    await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('hs-tiles-b', '测试二', 'Test B') ON CONFLICT (code) DO NOTHING`);
    await t.db.query(
      `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes)
       SELECT $1, ST_SetSRID(ST_MakePoint(-150.003 + (n % 4) * 0.0004, -35.010 + (n / 4) * 0.0004), 4326), 'hs-tiles-b', 'reported',
              '2026-02-10T08:00:00Z'::timestamptz + n * interval '1 minute', 'H1002', ARRAY['H1', 'H1002']
         FROM generate_series(0, 11) n`, [jid]);
    await t.db.query("SELECT bump_layer_version('incidents')");
    const sumOf = (body: Buffer) => cellsOf(tileAsText(body)).reduce((s, c) => s + c.count, 0);
    const countSql = async (where: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1 AND ${where}`, [jid])).rows[0].n;
    const cases = [
      { qs: 'from=2026-02-01&to=2026-02-02', n: await countSql("reported_at >= '2026-02-01T00:00:00Z' AND reported_at < '2026-02-02T00:00:00Z'") },
      { qs: 'category=hs-tiles-b', n: 12 },
      { qs: 'from=2026-02-02&category=hs-tiles-test', n: await countSql("reported_at >= '2026-02-02T00:00:00Z' AND category_code = 'hs-tiles-test'") },
    ];
    // The URLs of the TileJSON name the new version (a plain URL may be answered from the version known a second ago).
    const tileUrl = async (qs: string) => ((await t.app.inject({ url: `/tiles/hotspots.json${qs}`, headers: bearer(viewer) })).json().tiles[0] as string)
      .replace('{z}', String(Z)).replace('{x}', String(X)).replace('{y}', String(Y));
    const whole = await t.app.inject({ url: await tileUrl(''), headers: bearer(viewer) });
    const total = await countSql('true');
    expect(sumOf(whole.rawPayload)).toBe(total);
    const etags = new Set([whole.headers.etag]);
    let withGi = 0;
    for (const c of cases) {
      expect(c.n).toBeGreaterThan(0);
      expect(c.n).toBeLessThan(total);
      // The TileJSON carries the filters into its tile URL, beside the data version.
      const tj = (await t.app.inject({ url: `/tiles/hotspots.json?${c.qs}`, headers: bearer(viewer) })).json();
      expect(tj.tiles[0]).toMatch(/\?v=\d+\.\d+\.\d+&/);
      const url = (tj.tiles[0] as string).replace('{z}', String(Z)).replace('{x}', String(X)).replace('{y}', String(Y));
      for (const p of c.qs.split('&')) expect(url).toContain(p);
      const res = await t.app.inject({ url, headers: bearer(viewer) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(sumOf(res.rawPayload), c.qs).toBe(c.n);
      etags.add(res.headers.etag);
      // The same cells, counts and classes as the JSON endpoint with the same filters.
      const api = await t.app.inject({ url: `/api/hotspots/gi?jurisdiction=${jid}&unit=h3&res=9&${c.qs}`, headers: bearer(viewer) });
      const cells = cellsOf(tileAsText(res.rawPayload));
      if (api.statusCode === 200) {
        const byCell = new Map(api.json().features.map((f: { id: string }) => [f.id, f]));
        expect(cells.length).toBe(api.json().features.length);
        if (cells.some((cell) => cell.gi_class !== undefined)) withGi++;
        for (const cell of cells) {
          const f = byCell.get(cell.cell) as { count: number; gi_class: number };
          expect([cell.count, cell.gi_class], `${c.qs} ${cell.cell}`).toEqual([f.count, f.gi_class]);
        }
      } else {
        expect(api.statusCode, api.body).toBe(422);
        expect(cells.every((cell) => cell.gi_class === undefined)).toBe(true);
      }
      // The filtered tile is cached apart: asked again, it is answered from the cache with the same ETag.
      const again = await t.app.inject({ url, headers: bearer(viewer) });
      expect([again.headers.etag, sumOf(again.rawPayload)]).toEqual([res.headers.etag, c.n]);
    }
    expect(etags.size).toBe(cases.length + 1);
    // At least one filter set is large enough for Gi*, so classes were compared, not only counts.
    expect(withGi).toBeGreaterThan(0);
    // The unfiltered tile is still whole after the filtered ones were cached.
    expect(sumOf((await t.app.inject({ url: await tileUrl(''), headers: bearer(viewer) })).rawPayload)).toBe(total);

    // An edit inside a filter's window moves the version: the filtered tile at it counts the new incident.
    const before = (await t.app.inject({ url: '/tiles/hotspots.json?category=hs-tiles-b', headers: bearer(viewer) })).json().tiles[0] as string;
    await t.db.query(
      `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes)
       VALUES ($1, 'SRID=4326;POINT(-150.0031 -35.0101)', 'hs-tiles-b', 'reported', '2026-02-11T00:00:00Z', 'H1002', ARRAY['H1', 'H1002'])`, [jid]);
    await t.db.query("SELECT bump_layer_version('incidents')");
    const after = (await t.app.inject({ url: '/tiles/hotspots.json?category=hs-tiles-b', headers: bearer(viewer) })).json().tiles[0] as string;
    expect(after).not.toBe(before);
    const tile = await t.app.inject({ url: after.replace('{z}', String(Z)).replace('{x}', String(X)).replace('{y}', String(Y)), headers: bearer(viewer) });
    expect(sumOf(tile.rawPayload)).toBe(13);
  });

  it('refuses bad filters with specific errors', async () => {
    const tile = `/tiles/hotspots/${Z}/${X}/${Y}.mvt`;
    expect(errorCode(await t.app.inject({ url: `${tile}?from=yesterday`, headers: bearer(viewer) }))).toBe('invalid_date');
    expect(errorCode(await t.app.inject({ url: `${tile}?from=2026-03-01&to=2026-02-01`, headers: bearer(viewer) }))).toBe('empty_period');
    const unknown = await t.app.inject({ url: `${tile}?category=no-such-category`, headers: bearer(viewer) });
    expect([unknown.statusCode, errorCode(unknown)]).toEqual([404, 'category_not_found']);
    expect(errorCode(await t.app.inject({ url: '/tiles/hotspots.json?to=2026-13-45', headers: bearer(viewer) }))).toBe('invalid_date');
    // Rolled over by Date.parse, refused by PostgreSQL: the tile was a 500 (probe of 2026-12-01).
    expect(errorCode(await t.app.inject({ url: '/tiles/hotspots.json?to=2026-02-30', headers: bearer(viewer) }))).toBe('invalid_date');
    expect(errorCode(await t.app.inject({ url: `${tile}?from=0000-01-01`, headers: bearer(viewer) }))).toBe('invalid_date');
    const grids = await t.app.inject({ url: `/tiles/grids/${Z}/${X}/${Y}.mvt?category=hs-tiles-b` });
    expect([grids.statusCode, errorCode(grids)]).toEqual([400, 'filters_not_supported']);
  });

  it('evicts filtered cells unconfirmed for longer than processes trust them, never the whole-period ones', async () => {
    const { evictFilteredScopes } = await import('../hotspots/tileset.ts');
    const { rows: filtered } = await t.db.query<{ scope: string }>("SELECT DISTINCT scope FROM hotspot_cell_versions WHERE jurisdiction_id = $1 AND scope LIKE '%|%' ORDER BY scope", [jid]);
    expect(filtered.length).toBeGreaterThanOrEqual(3);
    const old = filtered[0].scope;
    await t.db.query("UPDATE hotspot_cell_versions SET used_at = now() - interval '2 hours' WHERE jurisdiction_id = $1 AND scope = $2", [jid, old]);
    // Over the cap, only scopes unconfirmed for longer than the trust period go.
    const evicted = await evictFilteredScopes(t.db, 0);
    expect(evicted).toBeGreaterThanOrEqual(1);
    const left = async (scope: string) => (await t.db.query<{ n: number }>('SELECT (SELECT count(*) FROM hotspot_cells WHERE jurisdiction_id = $1 AND scope = $2)::int + (SELECT count(*) FROM hotspot_cell_versions WHERE jurisdiction_id = $1 AND scope = $2)::int AS n', [jid, scope])).rows[0].n;
    expect(await left(old)).toBe(0);
    expect(await left(filtered[1].scope)).toBeGreaterThan(0);
    expect(await left('')).toBeGreaterThan(0);
  });

  it('answers ready without a promise only where ensure would do nothing (same version, scope and resolution)', async () => {
    const { FILTERED_TRUST_MS, HotspotCells } = await import('../hotspots/tileset.ts');
    const cells = new HotspotCells(t.db);
    const { rows } = await t.db.query<{ v: string }>(
      "SELECT string_agg(COALESCE(v.version, 0)::text, '.' ORDER BY d.i) AS v FROM unnest(ARRAY['incidents', 'households', 'grids']) WITH ORDINALITY d(layer, i) LEFT JOIN layer_versions v ON v.layer = d.layer");
    const v = rows[0].v;
    const tile = { z: Z, x: X, y: Y };
    const filter = { from: '2026-02-01', to: null, category: null };
    expect(cells.ready(tile, null, v)).toBe(false);
    await cells.ensure(tile, null, v);
    expect(cells.ready(tile, null, v)).toBe(true);
    expect(cells.ready(tile, null, `${v}9`)).toBe(false);
    expect(cells.ready({ z: 12, x: X >> 1, y: Y >> 1 }, null, v)).toBe(false); // resolution 8: not confirmed
    expect(cells.ready(tile, 'H1001', v)).toBe(false); // a kiosk area: ensure reads its jurisdictions
    expect(cells.ready(tile, null, v, filter)).toBe(false);
    await cells.ensure(tile, null, v, filter);
    expect(cells.ready(tile, null, v, filter)).toBe(true);
    // Filtered cells are trusted for FILTERED_TRUST_MS after their confirmation, as in ensure.
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + FILTERED_TRUST_MS + 1000);
    try {
      expect(cells.ready(tile, null, v, filter)).toBe(false);
      expect(cells.ready(tile, null, v)).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
    expect(cells.ready({ z: 5, x: 10, y: 19 }, null, v)).toBe(true); // below zoom 6: nothing to prepare
  });

  it('is empty below zoom 6', async () => {
    const res = await t.app.inject({ url: '/tiles/hotspots/5/10/19.mvt', headers: bearer(viewer) });
    expect(res.statusCode).toBe(204);
    expect(errorCode(await t.app.inject({ url: '/tiles/hotspots/17/0/0.mvt', headers: bearer(viewer) }))).toBe('zoom_out_of_range');
  });
});
