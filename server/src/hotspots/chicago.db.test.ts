/**
 * Real data: Chicago aggravated assaults 2010–2019 (every 10th of 148,636 rows, ≈ 14.9k) and the
 * 25 police-district polygons, from ../shared/data/chicago-assaults (City of Chicago data via
 * mpjashby/crimemappingdata; tests only). The CSV's `district` column is the source's own
 * attribution of each incident, the reference the counts per polygon are checked against.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { SHARED_DATA } from '../../test/shared-data.ts';

const DIR = `${SHARED_DATA}/chicago-assaults`;
const available = fs.existsSync(`${DIR}/chicago_aggravated_assaults.csv.gz`);

let t: TestApp;
let token: string;
const cat = uniq('chi');
const rows: { at: string; lon: number; lat: number; district: string }[] = [];

/** District polygons from the KML (outer and inner rings; district 31's three pieces as one MultiPolygon). */
function districts(): Map<string, string> {
  const kml = fs.readFileSync(`${DIR}/chicago_police_districts.kml`, 'utf8');
  const ring = (s: string) => `(${s.trim().split(/\s+/).map((p) => p.split(',').slice(0, 2).join(' ')).join(',')})`;
  const parts = new Map<string, string[]>();
  for (const pm of kml.split('<Placemark>').slice(1)) {
    const name = /<name>([^<]+)<\/name>/.exec(pm)![1].trim();
    for (const poly of pm.split('<Polygon>').slice(1)) {
      const outer = /<outerBoundaryIs>[\s\S]*?<coordinates>([\s\S]*?)<\/coordinates>/.exec(poly)![1];
      const inners = [...poly.matchAll(/<innerBoundaryIs>[\s\S]*?<coordinates>([\s\S]*?)<\/coordinates>/g)].map((m) => ring(m[1]));
      parts.set(name, [...(parts.get(name) ?? []), `(${[ring(outer), ...inners].join(',')})`]);
    }
  }
  return new Map([...parts].map(([k, v]) => [k, `MULTIPOLYGON(${v.join(',')})`]));
}

beforeAll(async () => {
  if (!available) return;
  t = await testApp();
  const jid = (await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('chicago')])).rows[0].id;
  token = await tokenFor(t, ['analyst'], { jurisdictionId: jid });
  await t.db.query('INSERT INTO categories (code, name, name_en) VALUES ($1, $2, $2)', [cat, 'aggravated assault']);
  for (const [code, wkt] of districts()) {
    await t.db.query('INSERT INTO grids (jurisdiction_id, tier, code, name, geom) VALUES ($1, 1, $2, $3, ST_MakeValid(ST_GeomFromText($4, 4326)))', [jid, code, `District ${code}`, wkt]);
  }
  const lines = zlib.gunzipSync(fs.readFileSync(`${DIR}/chicago_aggravated_assaults.csv.gz`)).toString('utf8').trim().split('\n').slice(1);
  lines.forEach((line, i) => {
    if (i % 10 !== 0) return;
    const [date, , lon, lat, district] = line.split(',');
    rows.push({ at: `${date.replace(' ', 'T')}:00-06:00`, lon: Number(lon), lat: Number(lat), district: district.trim() });
  });
  await t.db.query(`INSERT INTO incidents (jurisdiction_id, geom, category_code, reported_at, status, source, grid_code)
    SELECT $1, ST_Point(x, y, 4326), $2, at, 'closed', 'import', d FROM unnest($3::float8[], $4::float8[], $5::timestamptz[], $6::text[]) AS u(x, y, at, d)`,
  [jid, cat, rows.map((r) => r.lon), rows.map((r) => r.lat), rows.map((r) => r.at), rows.map((r) => r.district)]);
}, 180_000);
afterAll(async () => { await t?.close(); });

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe.skipIf(!available)('Chicago aggravated assaults (real data)', () => {
  it('counts per police district agree with the source\'s own district attribution', async () => {
    const reference = new Map<string, number>();
    for (const r of rows) reference.set(r.district, (reference.get(r.district) ?? 0) + 1);
    let diff = 0;
    const report: string[] = [];
    for (const [district, expected] of reference) {
      const body = (await get(`/api/hotspots/h3?res=7&grid=${district}`)).json();
      diff += Math.abs(body.total - expected);
      if (body.total !== expected) report.push(`${district}: ${body.total} vs ${expected}`);
    }
    // Points are rounded to 4 decimals (≈ 10 m) and the polygons are 2018's: a few near a
    // boundary fall on the other side. Measured: well under 1 % of incidents.
    expect(diff / rows.length, report.join('; ')).toBeLessThan(0.01);
    expect((await get('/api/hotspots/h3?res=7')).json().total).toBe(rows.length);
  });

  it('refuses Gi* on the 23 districts (25 polygons, district 31 in three) and explains why', async () => {
    const res = await get('/api/hotspots/gi?unit=grid&tier=1');
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('too_few_features');
    expect(res.json().error.message, res.json().error.message).toMatch(/at least 30 units and this selection has 23\b/);
  });

  it('finds hot spots on H3 cells of the city and an emerging-hot-spot pattern over ten years', async () => {
    const gi = (await get('/api/hotspots/gi?unit=h3&res=8&k=1')).json();
    expect(gi.features.length).toBeGreaterThan(500);
    expect(gi.summary.hot).toBeGreaterThan(0);
    expect(gi.summary.hot).toBeLessThan(gi.features.length / 2);
    const em = (await get('/api/hotspots/emerging?unit=h3&res=7&step=month&from=2010-01-01&to=2020-01-01')).json();
    expect(em.steps).toHaveLength(120);
    expect(Object.values(em.categories).reduce((a, b) => (a as number) + (b as number), 0)).toBe(em.features.length);
    expect(em.categories.persistent_hot + em.categories.intensifying_hot + em.categories.diminishing_hot).toBeGreaterThan(0);
    // Every persistent hot cell was hot in at least 90 % of the 120 months.
    for (const f of em.features.filter((x: { category: string }) => x.category === 'persistent_hot')) expect(f.hotSteps).toBeGreaterThanOrEqual(108);
  });
});
