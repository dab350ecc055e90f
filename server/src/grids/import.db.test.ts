import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { seedStreet } from './testkit.ts';

let t: TestApp;
let planner: string;
beforeAll(async () => { t = await testApp(); planner = await tokenFor(t, ['planner']); });
afterAll(async () => { await t?.close(); });

const FIX = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'fixtures');

function multipart(fields: Record<string, string | number>, file?: { name: string; content: Buffer | string }) {
  const boundary = `----wangge${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...bearer(planner) } };
}

async function startImport(app: TestApp['app'], fields: Record<string, string | number>, file?: { name: string; content: Buffer | string }) {
  return app.inject({ method: 'POST', url: '/api/imports', ...multipart(fields, file) });
}

async function finished(id: number, tries = 200) {
  for (let i = 0; i < tries; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: bearer(planner) });
    const job = res.json();
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const read = (name: string) => ({ name, content: fs.readFileSync(path.join(FIX, name)) });

/** A zip of stored (uncompressed) entries, written by hand so a test can make any archive. */
function zipOf(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const n = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20); dir.writeUInt32LE(data.length, 24); dir.writeUInt16LE(n.length, 28); dir.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dirBytes.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}

describe('POST /api/imports', () => {
  it('imports communities from a CSV with WKT and derives households from an imported CSV of points', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    const hh = await startImport(t.app, { kind: 'households', jurisdiction: jid, householdsField: 'households', onReject: 'skip' }, read('households-lonlat.csv'));
    expect(hh.statusCode).toBe(202);
    const hhJob = await finished(hh.json().id);
    expect(hhJob.status).toBe('done');
    expect(hhJob.report.rejected).toEqual([
      { ref: 3, reason: 'households is missing' },
      { ref: 4, reason: 'geometry cannot be read as WKT in WGS84' },
      { ref: 5, reason: 'households is not a whole number ≥ 0 (-3)' },
    ]);
    expect(hhJob.report.written).toEqual({ households: 2 });
    const res = await startImport(t.app, { kind: 'grids', jurisdiction: jid, parent: '110101001', tier: 2 }, read('communities-wkt.csv'));
    const job = await finished(res.json().id);
    expect(job.status).toBe('done');
    expect(job.report.written).toEqual({ grids: 2 });
    const { rows } = await t.db.query('SELECT code, households FROM grids WHERE jurisdiction_id = $1 AND tier = 2 AND valid_to IS NULL ORDER BY code', [jid]);
    expect(rows).toEqual([{ code: '110101001001', households: 120 }, { code: '110101001002', households: 130 }]);
  });

  it('fails the whole job on a rejected feature by default and writes nothing', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    const res = await startImport(t.app, { kind: 'households', jurisdiction: jid, householdsField: 'households' }, read('households-lonlat.csv'));
    const job = await finished(res.json().id);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('features_rejected');
    expect(job.report.rejected).toHaveLength(3);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM households WHERE jurisdiction_id = $1', [jid]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a GeoJSON with a gap with the topology report', async () => {
    const jid = await seedStreet(t.db, uniq('imp'));
    const res = await startImport(t.app, { kind: 'grids', jurisdiction: jid, parent: '110101001' }, read('gap-between-siblings.geojson'));
    const job = await finished(res.json().id);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('topology_errors');
    expect(job.report.topology.errors.map((e: { kind: string }) => e.kind)).toEqual(['gap']);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 AND tier = 2', [jid]);
    expect(rows[0].n).toBe(0);
  });

  it('reads projected coordinates when the CRS is declared and rejects them when it is not', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    // Web-mercator metres of 116.405 E, 39.905 N and 116.415 E, 39.905 N.
    const csv = 'x,y\n12958145.33,4852146.73\n12959258.52,4852146.73\n';
    const wrong = await finished((await startImport(t.app, { kind: 'households', jurisdiction: jid }, { name: 'pts.csv', content: csv })).json().id);
    expect(wrong.status).toBe('failed');
    expect(wrong.report.rejected[0].reason).toMatch(/crs declaration/);
    const right = await finished((await startImport(t.app, { kind: 'households', jurisdiction: jid, crs: 'EPSG:3857' }, { name: 'pts.csv', content: csv })).json().id);
    expect(right.status).toBe('done');
    const { rows } = await t.db.query('SELECT round(ST_X(pt)::numeric, 4)::float8 AS x FROM households WHERE jurisdiction_id = $1 ORDER BY 1', [jid]);
    expect(rows.map((r) => r.x)).toEqual([116.405, 116.415]);
  });

  it('imports two tiers from one file, parents first, and validates the top tier', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    const job = await finished((await startImport(t.app, { kind: 'grids', jurisdiction: jid, parentField: 'parent', replaceChildren: 'false', acceptWarnings: 'true' }, read('street-and-communities.geojson'))).json().id);
    expect(job.error).toBeNull();
    expect(job.report.written).toEqual({ grids: 3 });
    expect(job.report.changeSets).toHaveLength(2);
    const { rows } = await t.db.query('SELECT code, tier, parent_code FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL ORDER BY code', [jid]);
    expect(rows.map((r) => [r.code, r.tier, r.parent_code])).toEqual([
      ['110101001', 1, null], ['110101002', 1, null], ['110101002001', 2, '110101002'], ['110101002002', 2, '110101002']]);
    const top = await t.app.inject({ method: 'GET', url: `/api/grids/validate?jurisdiction=${jid}`, headers: bearer(planner) });
    expect(top.json()).toMatchObject({ ok: true, tier: 1, checkedGrids: 2, errors: [] });
  });

  it('imports incidents through the incidents importer, located into grids', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    const csv = 'date,longitude,latitude\n2025-03-01 08:05,116.405,39.905\n2025-03-02 09:00,116.415,39.905\nbad,116.4,39.9\n';
    const job = await finished((await startImport(t.app, { kind: 'incidents', jurisdiction: jid, category: '0404', timeZone: 'Asia/Shanghai', onReject: 'skip' }, { name: 'hist.csv', content: csv })).json().id);
    expect(job.error).toBeNull();
    expect(job.report).toMatchObject({ features: 3, accepted: 2, written: { incidents: 2, located: 2 } });
    expect(job.report.rejected).toHaveLength(1);
    const { rows } = await t.db.query('SELECT grid_code FROM incidents WHERE jurisdiction_id = $1 ORDER BY reported_at', [jid]);
    expect(rows.map((r) => r.grid_code)).toEqual(['110101001', '110101001']);
  });

  it('makes a new jurisdiction from an OSM PBF extract', async () => {
    const { DEMO_PBF } = await import('../osm/demo.ts');
    const tiers = JSON.stringify([{ adminLevel: 8, name: '市', nameEn: 'Commune' }, { adminLevel: 10, name: '社区', nameEn: 'Quarter' }, { name: '网格', nameEn: 'Unit grid' }]);
    const bad = await startImport(t.app, { kind: 'osm', name: uniq('osm'), tiers: '[{"name":"x"}]' }, { name: 'm.osm.pbf', content: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('bad_tiers');
    // Not PBF (a PNG, text, a cut extract): osm-read allocated a negative-sized buffer in an fs
    // callback on the first two and the uncaught exception ended the server (probe of 2026-12-01).
    const pbf = fs.readFileSync(DEMO_PBF);
    const jobsBefore = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n;
    for (const [name, content, why] of [
      ['photo.osm.pbf', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), /does not start with an OSM PBF block header/],
      ['text.osm.pbf', Buffer.from('hello, not a PBF'), /does not start with an OSM PBF block header/],
      ['cut.osm.pbf', pbf.subarray(0, pbf.length - 100), /block \d+ is cut off/],
    ] as const) {
      const res = await startImport(t.app, { kind: 'osm', name: uniq('osm'), tiers }, { name, content });
      expect([res.statusCode, errorCode(res)], name).toEqual([400, 'invalid_pbf']);
      expect(res.json().error.message, name).toMatch(why);
    }
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n).toBe(jobsBefore);
    const res = await startImport(t.app, { kind: 'osm', name: uniq('摩纳哥'), tiers, codePrefix: '980', minBuildingShare: 0.2 }, { name: 'monaco.osm.pbf', content: pbf });
    expect(res.statusCode).toBe(202);
    const job = await finished(res.json().id, 2400);
    expect(job.error).toBeNull();
    expect(job.report.written['grids.tier1']).toBe(1);
    expect(job.report.written['grids.tier2']).toBe(9);
    // Untyped buildings in Fontvieille's industrial zone, the cemetery, … count no households.
    expect(job.report.written.buildingsInNonResidentialLanduse).toBeGreaterThan(20);
    expect(job.jurisdictionId).toBe(job.report.written.jurisdictionId);
    const loc = await t.app.inject({ method: 'GET', url: `/api/locate?lng=7.4246&lat=43.7384&jurisdiction=${job.jurisdictionId}` });
    expect(loc.json().chain.map((c: { tier: number }) => c.tier)).toEqual([1, 2]);
  });

  it('takes the land uses whose untyped buildings count no households, or none, and refuses a list it cannot read', async () => {
    const { DEMO_PBF } = await import('../osm/demo.ts');
    const pbf = fs.readFileSync(DEMO_PBF);
    const tiers = JSON.stringify([{ adminLevel: 8, name: '市', nameEn: 'Commune' }, { adminLevel: 10, name: '社区', nameEn: 'Quarter' }, { name: '网格', nameEn: 'Unit grid' }]);
    const jobsBefore = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n;
    const bad = await startImport(t.app, { kind: 'osm', name: uniq('osm'), tiers, nonResidentialLanduse: 'commercial;retail' }, { name: 'monaco.osm.pbf', content: pbf });
    expect([bad.statusCode, errorCode(bad)]).toEqual([400, 'bad_field']);
    expect(bad.json().error.message).toMatch(/"commercial;retail" is not an OSM landuse value/);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n).toBe(jobsBefore);
    const written: Record<string, Record<string, number>> = {};
    for (const uses of ['none', 'industrial']) {
      const res = await startImport(t.app, { kind: 'osm', name: uniq('osm'), tiers, codePrefix: '980', minBuildingShare: 0.2, nonResidentialLanduse: uses }, { name: 'monaco.osm.pbf', content: pbf });
      expect(res.statusCode, uses).toBe(202);
      const job = await finished(res.json().id, 2400);
      expect(job.error, uses).toBeNull();
      written[uses] = job.report.written;
    }
    // None: no land use makes an untyped building empty (office and hotel tags on a building still do).
    expect(written.none.buildingsInNonResidentialLanduse).toBe(0);
    // Industrial only: Fontvieille's business centres, not the commercial areas or the cemetery.
    expect(written.industrial.buildingsInNonResidentialLanduse).toBeGreaterThan(5);
    expect(written.industrial.households).toBeLessThan(written.none.households);
  });

  it('imports grids from a zipped Shapefile', async () => {
    const jid = await seedStreet(t.db, uniq('imp'));
    const { default: shpwrite } = await import('@mapbox/shp-write');
    const fc = JSON.parse(fs.readFileSync(path.join(FIX, 'clean-two-halves.geojson'), 'utf8'));
    const zip = await shpwrite.zip<'nodebuffer'>(fc, { outputType: 'nodebuffer', compression: 'DEFLATE', types: { polygon: 'halves' } });
    const job = await finished((await startImport(t.app, { kind: 'grids', jurisdiction: jid, parent: '110101001' }, { name: 'halves.zip', content: zip as Buffer })).json().id);
    expect(job.error).toBeNull();
    expect(job.report).toMatchObject({ format: 'shapefile', crs: 'WGS84 (from the .prj)', written: { grids: 2 } });
    const { rows } = await t.db.query('SELECT code, name, households FROM grids WHERE jurisdiction_id = $1 AND tier = 2 ORDER BY code', [jid]);
    expect(rows).toEqual([{ code: '110101001001', name: 'west', households: 150 }, { code: '110101001002', name: 'east', households: 150 }]);
  });

  it('answers specific 4xx for bad requests', async () => {
    const jid = await seedStreet(t.db, uniq('imp'));
    const noFile = await startImport(t.app, { kind: 'grids', jurisdiction: jid });
    expect([400, 406]).toContain(noFile.statusCode);
    expect(errorCode(noFile)).toBe('file_required');
    const badKind = await startImport(t.app, { kind: 'cats', jurisdiction: jid }, { name: 'a.csv', content: 'x,y\n1,2\n' });
    expect(errorCode(badKind)).toBe('bad_kind');
  });

  it('answers a mislabelled, empty or unreadable file with a 4xx naming the problem, and makes no job and writes nothing (probe of 2026-12-01)', async () => {
    const jid = await seedStreet(t.db, uniq('imp'));
    const counts = async () => (await t.db.query(`SELECT (SELECT count(*)::int FROM import_jobs) AS jobs, (SELECT count(*)::int FROM grids WHERE jurisdiction_id = $1) AS grids,
      (SELECT count(*)::int FROM households WHERE jurisdiction_id = $1) AS households, (SELECT count(*)::int FROM barriers WHERE jurisdiction_id = $1) AS barriers`, [jid])).rows[0];
    const before = await counts();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    const cases: [string, string | Buffer, number, string, RegExp][] = [
      ['a.zip', 'PK', 400, 'invalid_zip', /not a readable zip archive/],
      // "PK\x03\x04" and junk: shpjs's unzipper looped for ever on it and hung the server.
      ['junk.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(1024, 7)]), 400, 'invalid_zip', /no end-of-central-directory/],
      ['empty.zip', zipOf({}), 400, 'empty_zip', /zip is empty/],
      ['nodbf.zip', zipOf({ 'a.shp': Buffer.alloc(100), 'a.prj': 'GEOGCS[]' }), 400, 'incomplete_shapefile', /no \.dbf file \(it holds: a\.shp, a\.prj\)/],
      ['text.zip', zipOf({ 'readme.txt': 'hello' }), 400, 'incomplete_shapefile', /no \.shp and no \.dbf/],
      ['a.gpkg', 'SQLite format 3', 400, 'invalid_geopackage', /not a SQLite GeoPackage/],
      ['a.pbf', 'x', 400, 'unsupported_format', /PBF imports/],
      ['picture.geojson', png, 400, 'not_text', /taken for GeoJSON .* but is a PNG image/],
      ['picture.csv', png, 400, 'not_text', /taken for CSV .* but is a PNG image/],
      ['gbk.csv', Buffer.concat([Buffer.from('name,lng,lat\n'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from(',116.405,39.905\n')]), 400, 'not_utf8', /not UTF-8 \(line 2, byte 14\).*GBK/],
      ['a.geojson', '', 400, 'empty_file', /empty/],
      ['a.csv', '', 400, 'empty_file', /empty/],
      ['b.geojson', '{"type":"FeatureCollection","features":[]}', 400, 'empty_file', /no features/],
      ['cut.geojson', '{"type":"FeatureCollection","features":[', 400, 'invalid_geojson', /not JSON/],
      ['quote.csv', 'name,lng,lat\nA,116.405,39.905\n"B,116.405,39.905\nC,116.4,39.9\n', 400, 'invalid_csv', /a quote opened on line 3 is never closed/],
    ];
    for (const [name, content, status, code, message] of cases) {
      const res = await startImport(t.app, { kind: 'grids', jurisdiction: jid, parent: '110101001' }, { name, content });
      expect([res.statusCode, res.statusCode < 500 && errorCode(res)], `${name}: ${res.body}`).toEqual([status, code]);
      expect(res.json().error.message, name).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it('rejects the bad rows of a CSV by row number in the job report, writing nothing', async () => {
    const jid = await seedStreet(t.db, uniq('imp'), { perHalf: 0 });
    const csv = 'name,lng,lat,households\nA,116.405,39.905,10\nB,abc,39.905,10\nC,116.405\nD,116.405,39.905,ten\n';
    const job = await finished((await startImport(t.app, { kind: 'households', jurisdiction: jid, householdsField: 'households' }, { name: 'rows.csv', content: csv })).json().id);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('features_rejected');
    expect(job.report.rejected.map((r: { ref: number }) => r.ref)).toEqual([2, 3, 4]);
    expect((await t.db.query('SELECT count(*)::int AS n FROM households WHERE jurisdiction_id = $1', [jid])).rows[0].n).toBe(0);
  });

  it('refuses a multipart body it cannot read (cut off, or its boundary missing) with 400 malformed_multipart, and starts no job', async () => {
    const jid = await seedStreet(t.db, uniq('imp'));
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n;
    const whole = multipart({ kind: 'grids', jurisdiction: jid }, { name: 'a.csv', content: 'code,name\n1,a\n' });
    const cut = whole.payload.subarray(0, whole.payload.length - 30);
    for (const payload of [cut, Buffer.from('no boundary in here at all')]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/imports', payload, headers: whole.headers });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('malformed_multipart');
    }
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0].n).toBe(before);
  });

  it('rejects a file over the configured limit with 413 and a clear code', async () => {
    const small = await testApp({ WANGGE_UPLOAD_LIMIT_MB: 0.001 });
    try {
      const jid = await seedStreet(small.db, uniq('imp'));
      const res = await startImport(small.app, { kind: 'households', jurisdiction: jid }, { name: 'big.csv', content: 'x,y\n' + '1,2\n'.repeat(2000) });
      expect(res.statusCode).toBe(413);
      expect(errorCode(res)).toBe('file_too_large');
      expect(res.json().error.message).toMatch(/big\.csv is larger than the upload limit of 0\.001 MB/);
    } finally {
      await small.close();
    }
  });
});
