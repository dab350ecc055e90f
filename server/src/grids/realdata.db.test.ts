import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { SHARED_DATA } from '../../test/shared-data.ts';

/**
 * Real data as the reference answer for point-in-polygon: Chicago's 2018 police districts (KML,
 * read by PostGIS's ST_GeomFromKML) imported as grids through the API, and aggravated assaults
 * whose police record names the district. Skipped when ../shared/data is not beside the checkout.
 */
const SHARED = SHARED_DATA;
const DATA = path.join(SHARED, 'chicago-assaults');
const present = fs.existsSync(path.join(DATA, 'chicago_police_districts.kml'));
const NORTHUMBRIA = path.join(SHARED, 'northumbria-asb');
const northumbria = fs.existsSync(path.join(NORTHUMBRIA, 'northumbria_wards.gpkg'));

async function importFile(fields: Record<string, string | number>, name: string, content: Buffer) {
  const boundary = `----realdata${Date.now()}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const body = Buffer.concat([Buffer.from(parts + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const started = await t.app.inject({ method: 'POST', url: '/api/imports', payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...bearer(planner) } });
  expect(started.statusCode).toBe(202);
  let job = { status: 'queued' } as { status: string; report: Record<string, any>; error: any };
  for (let i = 0; i < 1200 && (job.status === 'queued' || job.status === 'running'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = (await t.app.inject({ method: 'GET', url: `/api/imports/${started.json().id}`, headers: bearer(planner) })).json();
  }
  return job;
}

let t: TestApp;
let planner: string;
beforeAll(async () => { t = await testApp(); planner = await tokenFor(t, ['planner']); });
afterAll(async () => { await t?.close(); });

describe.skipIf(!present)('Chicago police districts and assaults', () => {
  it('imports the districts, finds no topology errors, and locates recorded assaults into their recorded district', async () => {
    const kml = fs.readFileSync(path.join(DATA, 'chicago_police_districts.kml'), 'utf8').replace(/^<\?xml[^>]*>\s*/, '');
    // District 31 (the airports) comes as three placemarks: one grid, its parts united.
    const { rows: districts } = await t.db.query<{ name: string; geom: object }>(
      `WITH ns AS (SELECT ARRAY[ARRAY['k', 'http://www.opengis.net/kml/2.2']] AS n),
            pm AS (SELECT unnest(xpath('//k:Placemark', $1::xml, n)) AS p, n FROM ns)
       SELECT (xpath('/k:Placemark/k:name/text()', p, n))[1]::text AS name,
              ST_AsGeoJSON(ST_Multi(ST_Union(ST_GeomFromKML((xpath('/k:Placemark/k:MultiGeometry', p, n))[1]::text))), 7)::json AS geom
         FROM pm GROUP BY 1 ORDER BY 1`, [kml]);
    expect(districts).toHaveLength(23);
    const jur = await t.app.inject({ method: 'POST', url: '/api/jurisdictions', headers: bearer(planner),
      payload: { name: uniq('Chicago'), tiers: [{ name: '警区', nameEn: 'Police district' }, { name: '巡区', nameEn: 'Beat' }] } });
    const jid = jur.json().id as number;
    const fc = { type: 'FeatureCollection', features: districts.map((d) => ({ type: 'Feature', properties: { code: d.name, name: `District ${d.name}` }, geometry: d.geom })) };
    const boundary = `----chicago${Date.now()}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ngrids\r\n--${boundary}\r\nContent-Disposition: form-data; name="jurisdiction"\r\n\r\n${jid}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="districts.geojson"\r\n\r\n${JSON.stringify(fc)}\r\n--${boundary}--\r\n`),
    ]);
    const started = await t.app.inject({ method: 'POST', url: '/api/imports', payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...bearer(planner) } });
    expect(started.statusCode).toBe(202);
    let job: { status: string; report: { written?: { grids: number }; topology?: { errors: unknown[] } }; error?: unknown } = { status: 'queued', report: {} };
    for (let i = 0; i < 400 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.app.inject({ method: 'GET', url: `/api/imports/${started.json().id}`, headers: bearer(planner) })).json();
    }
    expect(job.error ?? null).toBeNull();
    expect(job.report.written).toEqual({ grids: 23 });

    const rows = parse(zlib.gunzipSync(fs.readFileSync(path.join(DATA, 'chicago_aggravated_assaults.csv.gz'))), { columns: true }) as { date: string; longitude: string; latitude: string; district: string }[];
    // District boundaries are the 2018 ones; 2013 merged three districts, so compare 2015 on.
    const sample = rows.filter((r) => r.date >= '2015' && r.longitude !== '' && r.district !== '').slice(0, 10_000);
    expect(sample).toHaveLength(10_000);
    const points = sample.map((r) => ({ lng: Number(r.longitude), lat: Number(r.latitude) }));
    const res = await t.app.inject({ method: 'POST', url: '/api/locate', payload: { jurisdiction: jid, points } });
    const results = res.json().results as ({ chain: { code: string }[] } | null)[];
    let same = 0, outside = 0;
    const differ: number[] = [];
    results.forEach((r, i) => {
      if (!r) outside++;
      else if (r.chain[0].code === String(Number(sample[i].district))) same++;
      else differ.push(i);
    });
    expect(same / sample.length).toBeGreaterThan(0.98);
    expect(outside).toBeLessThan(20);
    // Where we disagree with the police record, the point should lie near the recorded
    // district: coordinates are rounded to 4 decimals (~10 m) and snapped to the block.
    const { rows: near } = await t.db.query<{ m: number }>(
      `SELECT ST_Distance(g.geom::geography, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)::geography) AS m
         FROM unnest($2::float8[], $3::float8[], $4::text[]) AS p(lng, lat, code)
         JOIN grids g ON g.jurisdiction_id = $1 AND g.code = p.code AND g.valid_to IS NULL`,
      [jid, differ.map((i) => points[i].lng), differ.map((i) => points[i].lat), differ.map((i) => String(Number(sample[i].district)))]);
    const within150 = near.filter((r) => r.m <= 150).length;
    console.log(`Chicago: ${same} of ${sample.length} in the recorded district, ${differ.length} elsewhere (${within150} within 150 m of it), ${outside} outside`);
    expect(within150 / differ.length).toBeGreaterThan(0.95);
    const viaSql = await t.app.inject({ method: 'POST', url: '/api/locate', payload: { jurisdiction: jid, points, asOf: new Date(Date.now() + 1000).toISOString() } });
    expect(viaSql.json().results).toEqual(results);
  });
});

describe.skipIf(!northumbria)('Northumbria districts → wards (wards in EPSG:27700, from a GeoPackage)', () => {
  it('imports districts (GeoJSON) and wards (GeoPackage, reprojected), and anti-social-behaviour reports land in wards', async () => {
    const jur = await t.app.inject({ method: 'POST', url: '/api/jurisdictions', headers: bearer(planner),
      payload: { name: uniq('Northumbria'), tiers: [{ name: '区', nameEn: 'District' }, { name: '选区', nameEn: 'Ward' }] } });
    const jid = jur.json().id as number;
    const districts = await importFile({ kind: 'grids', jurisdiction: jid, codeField: 'objectid', nameField: 'district' }, 'districts.geojson', fs.readFileSync(path.join(NORTHUMBRIA, 'northumbria_districts.geojson')));
    expect(districts.error).toBeNull();
    expect(districts.report.written).toEqual({ grids: 6 });
    // The wards are a second jurisdiction's top tier: the file names no district for them.
    const jur2 = await t.app.inject({ method: 'POST', url: '/api/jurisdictions', headers: bearer(planner),
      payload: { name: uniq('Northumbria wards'), tiers: [{ name: '选区', nameEn: 'Ward' }, { name: '网格', nameEn: 'Grid' }] } });
    const wid = jur2.json().id as number;
    const wards = await importFile({ kind: 'grids', jurisdiction: wid, codeField: 'ward_code', nameField: 'ward_name' }, 'wards.gpkg', fs.readFileSync(path.join(NORTHUMBRIA, 'northumbria_wards.gpkg')));
    expect(wards.error).toBeNull();
    expect(wards.report.crs).toBe('EPSG:27700 (from the GeoPackage)');
    expect(wards.report.written).toEqual({ grids: 177 });
    // Every ward lies in one district: its inner point locates there, and the areas agree.
    const { rows } = await t.db.query<{ wards: number; in_district: number; ward_km2: number; district_km2: number }>(
      `SELECT count(*)::int AS wards,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM grids d WHERE d.jurisdiction_id = $1 AND d.valid_to IS NULL AND ST_Intersects(d.geom, ST_PointOnSurface(w.geom))))::int AS in_district,
              sum(ST_Area(w.geom::geography)) / 1e6 AS ward_km2,
              (SELECT sum(ST_Area(geom::geography)) / 1e6 FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL) AS district_km2
         FROM grids w WHERE w.jurisdiction_id = $2 AND w.valid_to IS NULL`, [jid, wid]);
    expect(rows[0].wards).toBe(177);
    expect(rows[0].in_district).toBe(177);
    expect(Math.abs(rows[0].ward_km2 / rows[0].district_km2 - 1)).toBeLessThan(0.02);
    const asb = parse(fs.readFileSync(path.join(NORTHUMBRIA, 'northumbria_asb.tab')), { columns: true, delimiter: '\t' }) as { longitude: string; latitude: string }[];
    const points = asb.slice(0, 10_000).map((r) => ({ lng: Number(r.longitude), lat: Number(r.latitude) }));
    const res = (await t.app.inject({ method: 'POST', url: '/api/locate', payload: { jurisdiction: wid, points } })).json().results as unknown[];
    const located = res.filter(Boolean).length;
    console.log(`Northumbria: ${located} of ${points.length} ASB reports located into a ward; ward area ${rows[0].ward_km2.toFixed(1)} km² vs districts ${rows[0].district_km2.toFixed(1)} km²`);
    expect(located / points.length).toBeGreaterThan(0.99);
  });
});
