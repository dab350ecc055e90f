import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { fixture } from './testkit.ts';

let t: TestApp;
let planner: string;
let viewer: string;
let jid: number;
beforeAll(async () => {
  t = await testApp();
  planner = await tokenFor(t, ['planner']);
  viewer = await tokenFor(t, ['viewer']);
});
afterAll(async () => { await t?.close(); });

const post = (url: string, payload: object, token = planner) => t.app.inject({ method: 'POST', url, payload, headers: bearer(token) });
const get = (url: string, token?: string) => t.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });

describe('OpenAPI', () => {
  it('lists the grids routes', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/jurisdictions', '/api/jurisdictions/{id}', '/api/grids', '/api/grids/{code}', '/api/grids/{code}/versions', '/api/grids/{code}/staff',
      '/api/grids/validate', '/api/grids/publish', '/api/grids/changesets', '/api/grids/export', '/api/locate', '/api/imports', '/api/imports/{id}']));
  });

  it('publishes the reasons as data: a finding\'s detail, a proposed grid\'s flagDetail and the crossings\' details', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const ok = (path: string, method: string, status: string) => JSON.stringify(doc.paths[path][method].responses[status]);
    expect(ok('/api/grids/validate', 'get', '200')).toContain('"households_out_of_band"');
    const job = ok('/api/partitions/{id}', 'get', '200');
    expect(job).toContain('"flagDetail"');
    expect(job).toContain('"whole_area"');
    expect(job).toContain('"crossedHardDetails"');
    expect(job).toContain('"takes_empty_enclosed"');
  });
});

describe('jurisdictions', () => {
  it('creates one with tiers and lists it', async () => {
    const name = uniq('街道');
    const res = await post('/api/jurisdictions', { name, nameEn: 'Test street', codePrefix: '110101', tiers: [{ name: '街道', nameEn: 'Street' }, { name: '社区', nameEn: 'Community' }] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    jid = body.id;
    expect(body.tiers).toEqual([{ level: 1, name: '街道', nameEn: 'Street', grids: 0 }, { level: 2, name: '社区', nameEn: 'Community', grids: 0 }]);
    expect(body.codePrefix).toBe('110101');
    const one = await get(`/api/jurisdictions/${jid}`);
    expect(one.json().name).toBe(name);
    const list = await get('/api/jurisdictions');
    expect(list.json().map((j: { id: number }) => j.id)).toContain(jid);
    const again = await post('/api/jurisdictions', { name, tiers: [{ name: 'a', nameEn: 'a' }, { name: 'b', nameEn: 'b' }] });
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe('jurisdiction_exists');
  });

  it('refuses one tier, six tiers, and viewers', async () => {
    const tier = { name: 'x', nameEn: 'x' };
    expect((await post('/api/jurisdictions', { name: uniq('j'), tiers: [tier] })).statusCode).toBe(400);
    expect((await post('/api/jurisdictions', { name: uniq('j'), tiers: Array(6).fill(tier) })).statusCode).toBe(400);
    expect((await post('/api/jurisdictions', { name: uniq('j'), tiers: [tier, tier] }, viewer)).statusCode).toBe(403);
    expect((await get('/api/jurisdictions/999999')).statusCode).toBe(404);
  });
});

describe('publish, read, locate over HTTP', () => {
  it('publishes the top tier with a generated code and children under it', async () => {
    const whole = fixture('parent-community').features[0].geometry;
    const top = await post('/api/grids/publish', { jurisdictionId: jid, parentCode: null, grids: [{ name: 'East street', geom: whole }] });
    expect(top.statusCode).toBe(201);
    expect(top.json().opened.map((o: { code: string }) => o.code)).toEqual(['110101001']);
    const halves = fixture('clean-two-halves').features.map((f) => ({ name: f.properties.name, geom: f.geometry }));
    // No households imported: both are below the band, a warning to accept explicitly.
    const warned = await post('/api/grids/publish', { jurisdictionId: jid, parentCode: '110101001', grids: halves });
    expect(warned.statusCode).toBe(422);
    expect(errorCode(warned)).toBe('topology_warnings');
    const res = await post('/api/grids/publish', { jurisdictionId: jid, parentCode: '110101001', grids: halves, summary: 'first drawing', acceptWarnings: true });
    expect(res.statusCode).toBe(201);
    expect(res.json().report.warnings.map((w: { kind: string }) => w.kind)).toEqual(['households_out_of_band', 'households_out_of_band']);
    // The message's figures as data, through the route's schema.
    const { min, max } = res.json().report.householdsBand;
    expect(res.json().report.warnings[0].detail).toEqual({ code: 'households_out_of_band', households: 0, min, max });
    expect(res.json().opened.map((o: { code: string }) => o.code)).toEqual(['110101001001', '110101001002']);
  });

  it('checks drawn grids without publishing them, and lists change sets', async () => {
    const gs = fixture('overlap-between-siblings').features.map((f) => ({ name: f.properties.name, geom: f.geometry }));
    const res = await post('/api/grids/validate', { jurisdictionId: jid, parentCode: '110101001', grids: gs });
    expect(res.statusCode).toBe(200);
    expect(res.json().errors.map((e: { kind: string; indexes: number[] }) => [e.kind, e.indexes])).toEqual([['overlap', [0, 1]]]);
    const sets = (await get(`/api/grids/changesets?jurisdiction=${jid}`)).json();
    expect(sets.map((c: { parentCode: string | null; openedCodes: string[]; summary: string }) => [c.parentCode, c.openedCodes, c.summary]))
      .toEqual([['110101001', ['110101001001', '110101001002'], 'first drawing'], [null, ['110101001'], '']]);
  });

  it('refuses a gap over HTTP with 422 and the report', async () => {
    const gs = fixture('gap-between-siblings').features.map((f) => ({ name: f.properties.name, geom: f.geometry }));
    const res = await post('/api/grids/publish', { jurisdictionId: jid, parentCode: '110101001', grids: gs });
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('topology_errors');
    expect(res.json().error.details.errors[0].kind).toBe('gap');
  });

  it('refuses a grid outside WGS84 (lng 200, lat 95) with 422 and writes nothing', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1', [jid])).rows[0];
    const geom = { type: 'Polygon', coordinates: [[[200, 95], [201, 95], [201, 96], [200, 95]]] };
    const res = await post('/api/grids/publish', { jurisdictionId: jid, parentCode: '110101001', grids: [{ name: 'off the globe', geom }] });
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('topology_errors');
    expect(res.json().error.details.errors.map((e: { kind: string }) => e.kind)).toContain('invalid_geometry');
    expect((await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1', [jid])).rows[0]).toEqual(before);
  });

  it('refuses a grid of 300,000 positions (under the body limit) with 422 too_many_positions and writes nothing', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1', [jid])).rows[0];
    // A circle inside the fixture's community 110101001, 299,999 positions and its closing one.
    const n = 300_000;
    const ring = Array.from({ length: n - 1 }, (_, i) => [116.405 + 0.002 * Math.cos((2 * Math.PI * i) / (n - 1)), 39.905 + 0.002 * Math.sin((2 * Math.PI * i) / (n - 1))]);
    const geom = { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
    for (const url of ['/api/grids/publish', '/api/grids/validate']) {
      const res = await post(url, { jurisdictionId: jid, parentCode: '110101001', grids: [{ name: 'survey trace', geom }] });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(422);
      expect(errorCode(res)).toBe('too_many_positions');
      expect(res.json().error.details).toEqual({ index: 0, code: null, positions: 300_000, max: 100_000 });
    }
    expect((await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1', [jid])).rows[0]).toEqual(before);
  });

  it('lists grids as GeoJSON by tier and parent', async () => {
    const res = await get(`/api/grids?jurisdiction=${jid}&tier=2&parent=110101001`);
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['110101001001', '110101001002']);
    const p = fc.features[0].properties;
    expect(p.tierName).toBe('社区');
    expect(p.areaM2).toBeGreaterThan(940_000);
    expect(p.areaM2).toBeLessThan(960_000);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    const none = await get(`/api/grids?jurisdiction=${jid}&bbox=0,0,1,1`);
    expect(none.json().features).toEqual([]);
    expect((await get(`/api/grids?bbox=1,2,3`)).statusCode).toBe(400);
    const before = await get(`/api/grids?jurisdiction=${jid}&asOf=2000-01-01`);
    expect(before.json().features).toEqual([]);
    // Not a real date: refused, not read as another day (2026-02-30 was 2 March; probe of 2026-12-01).
    for (const bad of ['2026-02-30', '1', 'March 5']) {
      const res = await get(`/api/grids?jurisdiction=${jid}&asOf=${encodeURIComponent(bad)}`);
      expect([res.statusCode, errorCode(res)], bad).toEqual([400, 'bad_as_of']);
    }
  });

  it('finds grids by text in code, name or English name, best matches first, wildcards literal', async () => {
    const codes = async (q: string) => {
      const res = await get(`/api/grids?jurisdiction=${jid}&q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      return res.json().features.map((f: { properties: { code: string } }) => f.properties.code);
    };
    // The fixture names the halves 'west' and 'east'; the top grid is 'East street'.
    expect(fixture('clean-two-halves').features.map((f) => f.properties.name)).toEqual(['west', 'east']);
    expect(await codes('WEST')).toEqual(['110101001001']);
    expect(await codes('East STREET')).toEqual(['110101001']);
    // An exact name ranks above a prefix, whatever the tier; a prefix above a match inside.
    expect(await codes('east')).toEqual(['110101001002', '110101001']);
    expect(await codes('e')).toEqual(['110101001', '110101001002', '110101001001']);
    // By code: the exact code first, then its children (code prefixes).
    expect(await codes('110101001')).toEqual(['110101001', '110101001001', '110101001002']);
    expect(await codes('001002')).toEqual(['110101001002']);
    expect(await codes('%')).toEqual([]);
    expect(await codes('_')).toEqual([]);
    expect(await codes('no such grid')).toEqual([]);
    const tier = (await get(`/api/grids?jurisdiction=${jid}&q=110101&tier=1`)).json();
    expect(tier.features.map((f: { properties: { code: string; tierName: string } }) => [f.properties.code, f.properties.tierName])).toEqual([['110101001', '街道']]);
    expect((await get(`/api/grids?q=${'x'.repeat(101)}`)).statusCode).toBe(400);
  });

  it('shows staff phones only to roles that need them', async () => {
    const put = await t.app.inject({ method: 'PUT', url: `/api/grids/110101001001/staff?jurisdiction=${jid}`, headers: bearer(planner),
      payload: { staff: [{ role: 'head', name: '王网格长', phone: '13800000001' }, { role: 'officer', name: '李网格员', phone: '13800000002', publicContact: '010-12345' }] } });
    expect(put.statusCode).toBe(200);
    const asPlanner = (await get(`/api/grids/110101001001?jurisdiction=${jid}`, planner)).json();
    expect(asPlanner.staff.map((s: { name: string; phone: string }) => [s.name, s.phone])).toEqual([['王网格长', '13800000001'], ['李网格员', '13800000002']]);
    expect(asPlanner.chain.map((c: { code: string }) => c.code)).toEqual(['110101001', '110101001001']);
    const asViewer = (await get(`/api/grids/110101001001?jurisdiction=${jid}`, viewer)).json();
    expect(asViewer.staff.map((s: { phone: string | null }) => s.phone ?? null)).toEqual([null, null]);
    const anonymous = await get(`/api/grids/110101001001?jurisdiction=${jid}`);
    expect(anonymous.body).not.toContain('13800000001');
    const { rows } = await t.db.query("SELECT details FROM audit_log WHERE action = 'set_staff' AND entity_id = $1", [`${jid}:110101001001`]);
    expect(JSON.stringify(rows)).not.toContain('13800000001');
  });

  it('counts open, overdue and closed incidents of a grid at any tier', async () => {
    await t.db.query("INSERT INTO categories (code, name, name_en) VALUES ('grids_test', '测试', 'test') ON CONFLICT DO NOTHING");
    const ins = `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, closed_at, close_due_at)
                 VALUES ($1, ST_SetSRID(ST_MakePoint($2, 39.905), 4326), 'grids_test', $3, now() - interval '1 hour', $4, $5)`;
    await t.db.query(ins, [jid, 116.405, 'registered', null, new Date(Date.now() - 60_000)]);
    await t.db.query(ins, [jid, 116.406, 'dispatched', null, new Date(Date.now() + 86_400_000)]);
    await t.db.query(ins, [jid, 116.407, 'closed', new Date(), null]);
    await t.db.query(ins, [jid, 116.415, 'reported', null, null]);
    const west = (await get(`/api/grids/110101001001?jurisdiction=${jid}`)).json();
    expect(west.incidents).toMatchObject({ open: 2, overdue: 1, closedThisPeriod: 1, total: 3 });
    const street = (await get(`/api/grids/110101001?jurisdiction=${jid}`)).json();
    expect(street.incidents).toMatchObject({ open: 3, overdue: 1, closedThisPeriod: 1, total: 4 });
    expect(street.children).toBe(2);
  });

  it('locates a point with chain and the officer\'s public contact, 404 outside', async () => {
    const res = await get(`/api/locate?lng=116.405&lat=39.905&jurisdiction=${jid}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.chain.map((c: { code: string; tierName: string }) => [c.code, c.tierName])).toEqual([['110101001', '街道'], ['110101001001', '社区']]);
    expect(body.officer).toEqual({ gridCode: '110101001001', role: 'officer', name: '李网格员', publicContact: '010-12345' });
    expect(res.body).not.toContain('13800000002');
    const out = await get(`/api/locate?lng=10&lat=10&jurisdiction=${jid}`);
    expect(out.statusCode).toBe(404);
    expect(errorCode(out)).toBe('outside_grids');
  });

  it('converts GCJ-02 and BD-09 input to WGS84', async () => {
    // A point just east of the shared edge in WGS84; its GCJ-02 coordinates are ~500 m off.
    const wgs: [number, number] = [116.4103, 39.905];
    const gcj = gcoord.transform(wgs, gcoord.WGS84, gcoord.GCJ02) as [number, number];
    const bd = gcoord.transform(wgs, gcoord.WGS84, gcoord.BD09) as [number, number];
    const viaGcj = (await get(`/api/locate?lng=${gcj[0]}&lat=${gcj[1]}&crs=GCJ-02&jurisdiction=${jid}`)).json();
    expect(viaGcj.chain.at(-1).code).toBe('110101001002');
    const viaBd = (await get(`/api/locate?lng=${bd[0]}&lat=${bd[1]}&crs=BD09&jurisdiction=${jid}`)).json();
    expect(viaBd.chain.at(-1).code).toBe('110101001002');
    // Declared as WGS84, the GCJ-02 point lands elsewhere: the declaration matters.
    const wrong = await get(`/api/locate?lng=${gcj[0]}&lat=${gcj[1]}&jurisdiction=${jid}`);
    expect(wrong.statusCode === 404 || wrong.json().chain.at(-1).code !== '110101001002' || gcj[0] < 116.42).toBe(true);
  });

  it('converts projected coordinates and refuses wrong declarations', async () => {
    // EPSG:3857 (web mercator) of 116.405 E, 39.905 N
    const res = await get(`/api/locate?lng=12958145.33&lat=4852146.73&crs=EPSG:3857&jurisdiction=${jid}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().chain.at(-1).code).toBe('110101001001');
    const projectedAsWgs = await get('/api/locate?lng=12958145.33&lat=4852146.73');
    expect(projectedAsWgs.statusCode).toBe(400);
    expect(errorCode(projectedAsWgs)).toBe('coordinates_out_of_range');
    const unknown = await get('/api/locate?lng=1&lat=1&crs=EPSG:999999');
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('unknown_crs');
  });

  it('locates a batch in input order', async () => {
    const res = await post('/api/locate', { jurisdiction: jid, points: [{ lng: 116.415, lat: 39.905 }, { lng: 0, lat: 0 }, { lng: 116.405, lat: 39.901 }] });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { chain: { code: string }[] } | null) => r?.chain.at(-1)?.code ?? null)).toEqual(['110101001002', null, '110101001001']);
    const tooMany = await post('/api/locate', { points: Array.from({ length: 10_001 }, () => ({ lng: 1, lat: 1 })) });
    expect(tooMany.statusCode).toBe(400);
    expect(errorCode(tooMany)).toBe('validation_failed');
  });

  it('answers the same from the in-memory index as from SQL, edges and vertices included', async () => {
    const points = [
      { lng: 116.41, lat: 39.905 }, { lng: 116.41, lat: 39.90 }, { lng: 116.40, lat: 39.91 }, { lng: 116.42, lat: 39.905 },
      ...Array.from({ length: 300 }, (_, i) => ({ lng: 116.399 + ((i * 7919) % 300) / 300 * 0.022, lat: 39.899 + ((i * 104729) % 300) / 300 * 0.012 })),
    ];
    const fromMemory = (await post('/api/locate', { jurisdiction: jid, points })).json().results;
    const fromSql = (await post('/api/locate', { jurisdiction: jid, points, asOf: new Date(Date.now() + 1000).toISOString() })).json().results;
    expect(fromMemory.slice(0, 4).map((r: { chain: { code: string }[] } | null) => r?.chain.at(-1)?.code ?? null)).toEqual(['110101001001', '110101001001', '110101001001', '110101001002']);
    expect(fromMemory).toEqual(fromSql);
    expect(fromMemory.filter((r: unknown) => r === null).length).toBeGreaterThan(0);
  });

  it('overrides households with a reason, as a new version', async () => {
    const noReason = await t.app.inject({ method: 'PATCH', url: `/api/grids/110101001002?jurisdiction=${jid}`, headers: bearer(planner), payload: { householdsOverride: { value: 220 } } });
    expect(noReason.statusCode).toBe(400);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/grids/110101001002?jurisdiction=${jid}`, headers: bearer(planner), payload: { householdsOverride: { value: 220, reason: 'census 2025 count' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, households: 220, householdsDerived: 0, householdsOverride: 220 });
    const versions = (await get(`/api/grids/110101001002/versions?jurisdiction=${jid}`)).json();
    expect(versions.map((v: { version: number; householdsOverride: number | null }) => [v.version, v.householdsOverride])).toEqual([[1, null], [2, 220]]);
    expect(versions[0].validTo).toBe(versions[1].validFrom);
  });

  it('validates the current children of a parent', async () => {
    const res = await get(`/api/grids/validate?parent=110101001&jurisdiction=${jid}`, planner);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, tier: 2, checkedGrids: 2, errors: [] });
    // Break it behind the API's back: shrink one child, leaving a gap.
    await t.db.query(`UPDATE grids SET geom = ST_Multi(ST_MakeEnvelope(116.41, 39.90, 116.419, 39.91, 4326)) WHERE jurisdiction_id = $1 AND code = '110101001002' AND valid_to IS NULL`, [jid]);
    const broken = (await get(`/api/grids/validate?parent=110101001&jurisdiction=${jid}`, planner)).json();
    expect(broken.ok).toBe(false);
    expect(broken.errors.map((e: { kind: string }) => e.kind)).toEqual(['gap']);
    expect((await get(`/api/grids/validate?parent=110101001&jurisdiction=${jid}`, viewer)).statusCode).toBe(403);
  });
});

describe('export', () => {
  it('downloads a tier as a GeoJSON attachment that imports back', async () => {
    const res = await get(`/api/grids/export?jurisdiction=${jid}&tier=2`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="grids-j\d+-tier2-\d{4}-\d{2}-\d{2}\.geojson"/);
    const fc = JSON.parse(res.body);
    expect(fc.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['110101001001', '110101001002']);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    expect((await get(`/api/grids/export?jurisdiction=${jid}&format=gpkg`)).statusCode).toBe(400);
  });

  it('round-trips a tier through a GeoPackage export and import', async () => {
    const res = await get(`/api/grids/export?jurisdiction=${jid}&tier=2&format=geopackage`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/\.gpkg"$/);
    const { readGeoPackage } = await import('./gpkg.ts');
    const g = await readGeoPackage(res.rawPayload);
    expect(g.srid).toBe(4326);
    expect(g.rows.map((r) => [r.properties.code, r.properties.parent_code, r.properties.tier])).toEqual([['110101001001', '110101001', 2], ['110101001002', '110101001', 2]]);
    const { rows } = await t.db.query("SELECT ST_Equals(ST_GeomFromWKB(decode($1, 'hex'), 4326), geom) AS same FROM grids WHERE jurisdiction_id = $2 AND code = '110101001001' AND valid_to IS NULL", [g.rows[0].wkbHex, jid]);
    expect(rows[0].same).toBe(true);
  });

  it('round-trips a tier through a zipped Shapefile export and import', async () => {
    const res = await get(`/api/grids/export?jurisdiction=${jid}&tier=2&format=shapefile`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const { parseZip } = await import('shpjs');
    const fc = await parseZip(res.rawPayload) as { features: { properties: Record<string, unknown>; geometry: { type: string } }[] };
    expect(fc.features.map((f) => [f.properties.code, f.properties.parent, f.properties.tier])).toEqual([['110101001001', '110101001', 2], ['110101001002', '110101001', 2]]);
    expect(fc.features[0].geometry.type).toMatch(/Polygon/);
  });
});
