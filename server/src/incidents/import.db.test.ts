import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { locatePoints } from '../grids/locate.ts';
import { importCsv, type ImportOptions, type ImportReport } from './import.ts';
import { makeTown, square } from './fixtures/town.ts';

let t: TestApp;
let jid: number;
let code: string;
let dispatcher: string;
const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const count = async () => (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1 AND source = 'import'", [jid])).rows[0].n;

beforeAll(async () => {
  t = await testApp();
  ({ jid, code } = await makeTown(t, 'import'));
  dispatcher = await tokenFor(t, ['dispatcher'], { jurisdictionId: jid });
});
afterAll(async () => { await t?.close(); });

describe('POST /api/incidents/import', () => {
  it('streams a CSV in the Chicago data set\'s format, locating what falls in a grid', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404&timeZone=America/Chicago', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-chicago-format.csv') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, imported: 3, located: 2, skipped: 0 });
    const { rows } = await t.db.query<{ grid_code: string | null; reported_at: Date; status: string; attributes: Record<string, string> }>(
      "SELECT grid_code, reported_at, status, attributes FROM incidents WHERE jurisdiction_id = $1 AND source = 'import' ORDER BY reported_at", [jid]);
    expect(rows.map((r) => r.grid_code)).toEqual([`${code}001001`, `${code}002`, null]);
    // Local Chicago time (CST, UTC−6) → UTC.
    expect(rows[0].reported_at.toISOString()).toBe('2019-03-01T14:05:00.000Z');
    expect(rows[0]).toMatchObject({ status: 'closed', attributes: { loc_cat: 'street', district: '1' } });
    // The chain (stored once per distinct chain: migrations/0013_grid_chains.sql) comes back as
    // locate gives it, with names and tiers; a row in no grid has none.
    const ids = (await t.db.query<{ id: number }>("SELECT id FROM incidents WHERE jurisdiction_id = $1 AND source = 'import' ORDER BY reported_at", [jid])).rows.map((r) => r.id);
    const chainOf = async (id: number) => (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}`, headers: bearer(dispatcher) })).json().gridChain;
    const [located] = await locatePoints(t.db, [{ lng: 116.4025, lat: 39.905 }], { jurisdictionId: jid });
    expect(await chainOf(ids[0])).toEqual(located!.chain);
    expect((await chainOf(ids[0])).map((c: { code: string }) => c.code)).toEqual([code, `${code}001`, `${code}001001`]);
    expect(await chainOf(ids[2])).toEqual([]);
  });

  it('stops at a bad row and writes nothing, or skips it when asked', async () => {
    const before = await count();
    const strict = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-bad-time.csv') });
    expect(strict.statusCode).toBe(422);
    expect(errorCode(strict)).toBe('bad_row');
    expect(strict.json().error.details).toEqual({ row: 2 });
    expect(await count()).toBe(before);
    const lenient = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404&skipInvalid=true', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-bad-time.csv') });
    expect(lenient.json()).toMatchObject({ imported: 1, skipped: 1, errors: [{ row: 2, reason: 'no valid time ("yesterday")' }] });
    expect(await count()).toBe(before + 1);
  });

  it('keeps descriptions and attributes as they were, whatever characters they hold', async () => {
    const texts = ['say "hi"', 'back\\slash \\" both', '{braces},[brackets]', 'NULL', '', '  ', '网格 事件 🚧', 'two\nlines', '\\u0041 not an escape', 'tab\there'];
    const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const lines = ['lng,lat,time,description,note,k', ...texts.map((v, i) => `116.4025,39.905,2022-02-0${1 + (i % 9)} 08:00,${q(v)},${q(v + '|')},${i}`)];
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: lines.join('\r\n') });
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = await t.db.query<{ description: string; attributes: Record<string, string> }>(
      "SELECT description, attributes FROM incidents WHERE jurisdiction_id = $1 AND source = 'import' AND attributes ? 'note' AND reported_at >= '2022-01-31' ORDER BY (attributes->>'k')::int", [jid]);
    // Spaces around unquoted fields are trimmed by the reader; quoted fields keep them.
    expect(rows.map((r) => r.description)).toEqual(texts);
    expect(rows.map((r) => r.attributes)).toEqual(texts.map((v, i) => ({ note: `${v}|`, k: String(i) })));
    const props = { reported_at: '2020-03-01T10:00:00+08:00', category: '0301', description: 'q"\\', nested: { a: [1, 'x"y', null], b: true }, empty: null, num: 1.5 };
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [116.4025, 39.905] }, properties: props }] };
    const geo = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
    expect(geo.json()).toMatchObject({ imported: 1 });
    const { rows: [g] } = await t.db.query<{ description: string; attributes: unknown }>(
      "SELECT description, attributes FROM incidents WHERE jurisdiction_id = $1 AND source = 'import' AND attributes ? 'nested'", [jid]);
    expect(g).toEqual({ description: 'q"\\', attributes: { nested: props.nested, empty: null, num: 1.5 } });
  });

  it('takes GeoJSON with a category per feature, and refuses unknown categories', async () => {
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [116.4025, 39.905] }, properties: { reported_at: '2020-05-01T10:00:00+08:00', category: '0301', description: 'rubbish' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [116.4150, 39.905] }, properties: { reported_at: '2020-05-02T10:00:00+08:00', category: '0202' } },
    ] };
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
    expect(res.json()).toMatchObject({ imported: 2, located: 2 });
    fc.features[1].properties.category = '9999';
    const bad = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
    expect(bad.json().error).toMatchObject({ code: 'bad_row', message: expect.stringMatching(/unknown category "9999"/) });
  });

  it('locates in bulk as one point is located, on edges and corners too, and where only a grid with children holds a point', async () => {
    // Community C has one unit grid on its west half; its east half is C's own.
    await t.db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from)
      VALUES ($1, 2, $2 || '003', 'C', $2, ST_GeomFromGeoJSON($3), '2020-01-01'), ($1, 3, $2 || '003001', 'C1', $2 || '003', ST_GeomFromGeoJSON($4), '2020-01-01')`,
    [jid, code, square(116.42, 39.90, 116.43, 39.91), square(116.42, 39.90, 116.425, 39.91)]);
    const xs = ['116.3995', '116.4', '116.4025', '116.405', '116.4075', '116.41', '116.415', '116.42', '116.4225', '116.425', '116.4275', '116.43', '116.4305'];
    const ys = ['39.8995', '39.9', '39.905', '39.91', '39.9105'];
    const lines = ['lng,lat,time,n'];
    for (const x of xs) for (const y of ys) lines.push(`${x},${y},2020-01-01 00:00,${lines.length}`);
    // Enough rows for a fine lattice (one cell per ~4 rows).
    let seed = 7;
    const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    for (let i = 0; i < 600; i++) lines.push(`${(116.399 + rnd() * 0.032).toFixed(4)},${(39.899 + rnd() * 0.012).toFixed(4)},2020-01-01 00:00,${lines.length}`);
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: lines.join('\n') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: lines.length - 1, imported: lines.length - 1 });
    // The answer one point gets: the first leaf grid (no current child) that holds it, deepest
    // tier then code first; else the first grid of any kind.
    const { rows } = await t.db.query<{ n: string; got: string | null; want: string | null; chain: string[] }>(
      `WITH g AS (SELECT g.*, NOT EXISTS (SELECT 1 FROM grids k WHERE k.jurisdiction_id = g.jurisdiction_id AND k.valid_to IS NULL AND k.parent_code = g.code) AS leaf
                    FROM grids g WHERE g.jurisdiction_id = $1 AND g.valid_to IS NULL)
       SELECT i.attributes->>'n' AS n, i.grid_code AS got, i.grid_codes AS chain,
              COALESCE((SELECT code FROM g WHERE leaf AND ST_Intersects(g.geom, i.geom) ORDER BY tier DESC, code LIMIT 1),
                       (SELECT code FROM g WHERE ST_Intersects(g.geom, i.geom) ORDER BY tier DESC, code LIMIT 1)) AS want
         FROM incidents i WHERE i.jurisdiction_id = $1 AND i.source = 'import' AND i.attributes ? 'n'`, [jid]);
    expect(rows).toHaveLength(lines.length - 1);
    expect(rows.filter((r) => r.got !== r.want)).toEqual([]);
    const byN = new Map(rows.map((r) => [Number(r.n), r]));
    const at = (x: string, y: string) => byN.get(1 + xs.indexOf(x) * ys.length + ys.indexOf(y))!;
    expect(at('116.4275', '39.905')).toMatchObject({ got: `${code}003`, chain: [code, `${code}003`] });
    expect(at('116.4225', '39.905').got).toBe(`${code}003001`);
    expect(at('116.4305', '39.905').got).toBeNull();
    // On the edge between A1 and A2 both hold the point: the code decides.
    expect(at('116.405', '39.905').got).toBe(`${code}001001`);
  });

  it('locates through the in-memory lattice as the database does, on diagonal edges, holes, parts, tiny and invalid grids', async () => {
    // Its own town: a street and one community whose unit grids are two triangles, a grid with a
    // hole, a grid in two parts, a grid smaller than a lattice cell (in the hole), and a bow-tie
    // (not valid: the lattice leaves its box to the database). The community's own area shows
    // through the hole and between the parts.
    const town = await makeTown(t, 'lattice');
    const X = 116.43, Y = 39.92, c = `${town.code}009`;
    const wkt = (s: string) => `SRID=4326;MULTIPOLYGON(${s})`;
    const add = (tier: number, code: string, parent: string, geom: string) => t.db.query(
      "INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, valid_from) VALUES ($1, $2, $3, $3, $4, ST_GeomFromEWKT($5), '2020-01-01')",
      [town.jid, tier, code, parent, wkt(geom)]);
    const r = (x0: number, y0: number, x1: number, y1: number) => `(${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0})`;
    await add(2, c, town.code, `(${r(X, Y, X + 0.03, Y + 0.02)})`);
    await add(3, `${c}001`, c, `((${X} ${Y},${X + 0.01} ${Y},${X} ${Y + 0.01},${X} ${Y}))`);
    await add(3, `${c}002`, c, `((${X + 0.01} ${Y},${X + 0.01} ${Y + 0.01},${X} ${Y + 0.01},${X + 0.01} ${Y}))`);
    await add(3, `${c}003`, c, `(${r(X + 0.01, Y, X + 0.02, Y + 0.01)},${r(X + 0.013, Y + 0.003, X + 0.017, Y + 0.007)})`);
    await add(3, `${c}004`, c, `(${r(X, Y + 0.01, X + 0.004, Y + 0.014)}),(${r(X + 0.006, Y + 0.01, X + 0.01, Y + 0.014)})`);
    await add(3, `${c}005`, c, `(${r(X + 0.0140001, Y + 0.0040001, X + 0.0140009, Y + 0.0040009)})`);
    await add(3, `${c}006`, c, `((${X + 0.02} ${Y + 0.01},${X + 0.03} ${Y + 0.02},${X + 0.03} ${Y + 0.01},${X + 0.02} ${Y + 0.02},${X + 0.02} ${Y + 0.01}))`);
    const lines = ['lng,lat,time,n'];
    // Vertices, points on edges (straight and diagonal), a hair off them, then random points.
    const special = [[X, Y], [X + 0.005, Y + 0.005], [X + 0.01, Y + 0.005], [X + 0.013, Y + 0.005], [X + 0.002, Y + 0.014],
      [X + 0.0140001, Y + 0.0040005], [X + 0.025, Y + 0.015], [X + 0.03, Y + 0.02], [X + 0.0050000000001, Y + 0.0049999999999],
      [X + 0.005, Y + 0.0050000000001], [X + 0.0140005, Y + 0.0040005], [X + 0.015, Y + 0.005], [X + 0.024, Y + 0.015]];
    for (const [x, y] of special) lines.push(`${x},${y},2020-01-01 00:00,${lines.length}`);
    let seed = 5;
    const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    for (let i = 0; i < 3000; i++) lines.push(`${(X - 0.002 + rnd() * 0.034).toFixed(i % 3 === 0 ? 3 : 6)},${(Y - 0.002 + rnd() * 0.024).toFixed(i % 3 === 0 ? 3 : 6)},2020-01-01 00:00,${lines.length}`);
    const csv = async function* () { yield lines.join('\n'); };
    const base: ImportOptions = { jurisdictionId: town.jid, category: '0404', timeZone: 'Asia/Shanghai', status: 'closed', skipInvalid: false };
    const runs: [string, Partial<ImportOptions>][] = [['database only', { lattice: false }], ['coarse lattice', { lattice: true, latticeCells: 64 }],
      ['fine lattice', { lattice: true, latticeCells: 200_000 }], ['default lattice', { lattice: true }]];
    for (const [name, extra] of runs) {
      // Each run is rolled back, so that the next one starts from the same table.
      const undo = new Error('undo');
      let report: ImportReport | undefined;
      await t.db.tx(async (q) => {
        report = await importCsv(q, csv(), { ...base, ...extra });
        // Each row's grid as the reference query gives it (the least-ranked grid holding it: leaf grids first, deeper tier, code).
        const { rows } = await q.query<{ n: string; got: string | null; want: string | null }>(
          `WITH g AS (SELECT g.*, NOT EXISTS (SELECT 1 FROM grids k WHERE k.jurisdiction_id = g.jurisdiction_id AND k.valid_to IS NULL AND k.parent_code = g.code) AS leaf
                        FROM grids g WHERE g.jurisdiction_id = $1 AND g.valid_to IS NULL),
                w AS (SELECT i.attributes->>'n' AS n, i.grid_code AS got,
                             (SELECT code FROM g WHERE ST_Intersects(g.geom, i.geom) ORDER BY leaf DESC, tier DESC, code LIMIT 1) AS want
                        FROM incidents i WHERE i.jurisdiction_id = $1 AND i.source = 'import')
           SELECT * FROM w WHERE w.got IS DISTINCT FROM w.want`, [town.jid]);
        expect({ name, wrong: rows }).toEqual({ name, wrong: [] });
        const { rows: [k] } = await q.query<{ n: number; codes: number }>(
          "SELECT count(*)::int AS n, count(DISTINCT grid_code)::int AS codes FROM incidents WHERE jurisdiction_id = $1 AND source = 'import'", [town.jid]);
        expect(k.n).toBe(lines.length - 1);
        expect(k.codes).toBe(7);
        throw undo;
      }).catch((err: unknown) => { if (err !== undo) throw err; });
      if (!report) throw new Error('no report');
      expect(report.imported).toBe(lines.length - 1);
      if (extra.lattice === false) expect(report.latticeRows).toBe(0);
      else {
        // Both paths were used: the lattice answered for some rows, the database for the rest.
        expect(report.latticeRows, name).toBeGreaterThan(0);
        expect(report.latticeRows, name).toBeLessThan(lines.length - 1);
      }
      if (name === 'default lattice') expect(report.latticeRows).toBeGreaterThan((lines.length - 1) * 0.8);
    }
  });

  it('writes a large import as a bulk load (indexes dropped and rebuilt, counts set-based) with the same result, and a failure undoes all of it', async () => {
    const indexes = async () => (await t.db.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents' ORDER BY indexname")).rows;
    const triggerOn = async () => (await t.db.query<{ on: boolean }>("SELECT tgenabled = 'O' AS on FROM pg_trigger WHERE tgname = 'incident_counts_insert'")).rows[0].on;
    const cells = async () => (await t.db.query<{ n: number; total: number }>('SELECT count(*)::int AS n, COALESCE(sum(total), 0)::int AS total FROM incident_cells WHERE jurisdiction_id = $1', [jid])).rows[0];
    // Counts recounted from scratch over the jurisdiction's incidents, the way the triggers add them.
    const mismatches = async () => (await t.db.query<{ n: number }>(`
      WITH leaf AS (SELECT c[1] AS cx, c[2] AS cy, count(*) AS total, count(*) FILTER (WHERE incident_is_open(i.status)) AS open
                      FROM incidents i, mercator_cell19(i.geom) c WHERE i.jurisdiction_id = $1 GROUP BY 1, 2),
           want AS (SELECT lv.level, l.cx >> (19 - lv.level) AS cx, l.cy >> (19 - lv.level) AS cy, sum(l.total)::int AS total, sum(l.open)::int AS open
                      FROM leaf l, generate_series(6, 19) lv (level) GROUP BY 1, 2, 3),
           got AS (SELECT level, cx, cy, total, open FROM incident_cells WHERE jurisdiction_id = $1 AND (total <> 0 OR open <> 0)),
           gwant AS (SELECT code, count(*)::int AS total, (count(*) FILTER (WHERE incident_is_open(i.status)))::int AS open
                       FROM incidents i, unnest(i.grid_codes) code WHERE i.jurisdiction_id = $1 GROUP BY 1),
           ggot AS (SELECT grid_code AS code, total, open FROM grid_incident_counts WHERE jurisdiction_id = $1 AND (total <> 0 OR open <> 0))
      SELECT (SELECT count(*) FROM want w FULL JOIN got g USING (level, cx, cy) WHERE w.total IS DISTINCT FROM g.total OR w.open IS DISTINCT FROM g.open)::int
           + (SELECT count(*) FROM gwant w FULL JOIN ggot g USING (code) WHERE w.total IS DISTINCT FROM g.total OR w.open IS DISTINCT FROM g.open)::int AS n`, [jid])).rows[0].n;
    let seed = 11;
    const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    const lines = ['lng,lat,time'];
    for (let i = 0; i < 500; i++) lines.push(`${(116.398 + rnd() * 0.035).toFixed(4)},${(39.898 + rnd() * 0.014).toFixed(4)},2021-06-0${1 + (i % 9)} 12:00`);
    const csv = async function* () { yield lines.join('\n'); };
    const opts: ImportOptions = { jurisdictionId: jid, category: '0301', timeZone: 'Asia/Shanghai', status: 'reported', skipInvalid: false, batch: 100, rebuildIndexes: true };
    const before = { rows: await count(), indexes: await indexes(), cells: await cells() };
    expect(before.indexes.length).toBeGreaterThan(5);
    expect(await mismatches()).toBe(0);

    // Fails after the first written chunk: indexes, trigger, rows and counts as before.
    const failed = t.db.tx((q) => importCsv(q, csv(), { ...opts, onProgress: (done) => { if (done > 0) throw new Error('stop here'); } }));
    await expect(failed).rejects.toThrow('stop here');
    expect(await count()).toBe(before.rows);
    expect(await indexes()).toEqual(before.indexes);
    expect(await triggerOn()).toBe(true);
    expect(await cells()).toEqual(before.cells);

    // Foreign keys checked once (the test databases' user may skip the per-row checks), and the
    // setting that skips them does not outlive the rows' statements.
    const report = await t.db.tx(async (q) => {
      const r = await importCsv(q, csv(), opts);
      expect((await q.query<{ role: string }>("SELECT current_setting('session_replication_role') AS role")).rows[0].role).toBe('origin');
      return r;
    });
    expect(report).toMatchObject({ imported: 500, bulk: true, rebuiltIndexes: true, keysOnce: true });
    expect(report.located).toBeGreaterThan(300);
    expect(await count()).toBe(before.rows + 500);
    expect(await indexes()).toEqual(before.indexes);
    expect(await triggerOn()).toBe(true);
    expect(await mismatches()).toBe(0);
    // The same file the ordinary way (per-statement trigger), and in bulk with the indexes kept:
    // the same counts, and the indexes answer for all three.
    const plain = await t.db.tx((q) => importCsv(q, csv(), { ...opts, rebuildIndexes: undefined, status: 'closed' }));
    expect(plain).toMatchObject({ imported: 500, bulk: false, rebuiltIndexes: false });
    expect(await mismatches()).toBe(0);
    const kept = await t.db.tx((q) => importCsv(q, csv(), { ...opts, bulk: true, rebuildIndexes: false, keysOnce: false, status: 'closed' }));
    expect(kept).toMatchObject({ imported: 500, bulk: true, rebuiltIndexes: false, keysOnce: false });
    expect(await triggerOn()).toBe(true);
    expect(await mismatches()).toBe(0);
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1 AND category_code = '0301' AND source = 'import' AND grid_codes @> ARRAY[$2::text] AND reported_at >= '2021-06-01'", [jid, code]);
    expect(rows[0].n).toBe(report.located * 3);
    expect(plain.located).toBe(report.located);
    // Every imported row's keys hold, whichever way it was written.
    const { rows: orphans } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents i
       WHERE i.source = 'import' AND (NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = i.category_code)
                                      OR NOT EXISTS (SELECT 1 FROM jurisdictions j WHERE j.id = i.jurisdiction_id))`);
    expect(orphans[0].n).toBe(0);
  });

  it('checks a bulk write\'s keys once: a category gone by the time the rows are written stops the import, nothing written', async () => {
    const before = await count();
    const cat = uniq('zz').slice(0, 12);
    const lines = ['lng,lat,time'];
    for (let i = 0; i < 50; i++) lines.push(`116.40${i % 10},39.905,2021-07-01 12:00`);
    const run = () => t.db.tx(async (q) => {
      await q.query("INSERT INTO categories (code, parent_code, name, name_en) VALUES ($1, '03', 'gone', 'gone')", [cat]);
      let removed = false;
      return importCsv(q, (async function* () { yield lines.join('\n'); })(), {
        jurisdictionId: jid, category: cat, timeZone: 'Asia/Shanghai', status: 'closed', skipInvalid: false, bulk: true, keysOnce: true,
        // Once every row is read and checked against the categories, the category goes.
        onProgress: (done, read) => { if (done === 0 && read === 50 && !removed) { removed = true; void q.query('DELETE FROM categories WHERE code = $1', [cat]); } },
      });
    });
    await expect(run()).rejects.toMatchObject({ code: 'unknown_category' });
    expect(await count()).toBe(before);
  });

  it('answers 413 for an upload over the limit, multipart CSV or GeoJSON, and writes nothing', async () => {
    const small = await testApp({ WANGGE_UPLOAD_LIMIT_MB: 0.001 });
    try {
      const token = await tokenFor(small, ['dispatcher'], { jurisdictionId: jid });
      const before = await count();
      const csv = 'date,lng,lat\n' + '2020-01-01 00:00,116.4025,39.905\n'.repeat(200);
      const boundary = `----${uniq('b')}`;
      const payload = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="old.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
      const multi = await small.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
      expect(multi.statusCode, multi.body).toBe(413);
      expect(errorCode(multi)).toBe('file_too_large');
      expect(multi.json().error.message).toMatch(/old\.csv is larger than the upload limit of 0\.001 MB/);
      const gj = payload.toString().replace('old.csv', 'old.geojson').replace(csv, JSON.stringify({ type: 'FeatureCollection', features: Array(100).fill({ type: 'Feature' }) }));
      const multiGeo = await small.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: gj });
      expect(multiGeo.statusCode, multiGeo.body).toBe(413);
      expect(errorCode(multiGeo)).toBe('file_too_large');
      const fc = { type: 'FeatureCollection', features: Array.from({ length: 50 }, () => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [116.4025, 39.905] }, properties: { reported_at: '2020-05-01T10:00:00+08:00', category: '0301' } })) };
      const geo = await small.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(token), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
      expect(geo.statusCode).toBe(413);
      expect(await count()).toBe(before);
    } finally {
      await small.close();
    }
  });

  it('refuses mislabelled, non-UTF-8 and broken files and impossible times with a 4xx naming the problem, writing nothing (probe of 2026-12-01)', async () => {
    const before = await count();
    const multipart = (name: string, content: Buffer) => {
      const boundary = `----${uniq('b')}`;
      const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    };
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    const head = 'reported_at,lng,lat,description\n2026-01-05 10:00,116.4025,39.905,ok\n';
    const cases: [string, Buffer, number, string, RegExp][] = [
      ['photo.csv', png, 422, 'not_text', /taken for CSV but is a PNG image/],
      ['u16.csv', Buffer.from('\ufeff' + head, 'utf16le'), 422, 'not_text', /UTF-16/],
      // GBK 中文 in the second data row's description: was imported as U+FFFD mojibake.
      ['gbk.csv', Buffer.concat([Buffer.from(head + '2026-01-05 11:00,116.4025,39.905,'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from('\n')]), 422, 'not_utf8', /not UTF-8 \(line 3\)/],
      ['quote.csv', Buffer.from(head + '"2026-01-05 11:00,116.4025,39.905,x\n2026-01-05 12:00,116.4025,39.905,y\n'), 422, 'bad_csv', /quote is not closed/],
      ['few.csv', Buffer.from(head + '2026-01-05 11:00,116.4025\n'), 422, 'bad_row', /Row 2: no valid lng\/lat/],
      ['num.csv', Buffer.from(head + '2026-01-05 11:00,abc,39.905,x\n'), 422, 'bad_row', /Row 2: no valid lng\/lat/],
      // Rolled over to 2 March / the next day / 1 BC and imported before.
      ['feb30.csv', Buffer.from(head + '2026-02-30 10:00,116.4025,39.905,x\n'), 422, 'bad_row', /Row 2: no valid time \("2026-02-30 10:00"\)/],
      ['h25.csv', Buffer.from(head + '2026-01-05 25:00,116.4025,39.905,x\n'), 422, 'bad_row', /Row 2: no valid time/],
      ['y0.csv', Buffer.from(head + '0000-01-01T10:00:00Z,116.4025,39.905,x\n'), 422, 'bad_row', /Row 2: no valid time/],
      ['empty.csv', Buffer.alloc(0), 422, 'empty_file', /no rows/],
      ['empty.geojson', Buffer.alloc(0), 422, 'empty_file', /empty/],
      ['photo.geojson', png, 422, 'bad_geojson', /not JSON/],
    ];
    for (const [name, content, status, code, message] of cases) {
      const res = await multipart(name, content);
      expect([res.statusCode, res.statusCode < 500 && errorCode(res)], `${name}: ${res.body}`).toEqual([status, code]);
      expect(res.json().error.message, name).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it('refuses files without the needed columns, other media types, and officers', async () => {
    const cols = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: 'a,b\n1,2\n' });
    expect(errorCode(cols)).toBe('missing_columns');
    const xml = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
    const officer = await tokenFor(t, ['officer'], { jurisdictionId: jid });
    expect((await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(officer), 'content-type': 'text/csv' }, payload: 'x' })).statusCode).toBe(403);
  });
});
