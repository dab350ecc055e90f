/**
 * Real data: anti-social-behaviour reports in Northumbria, Jan–Nov 2022 (39,706), with the 177
 * wards (EPSG:27700, GeoPackage) and their population, from ../shared/data/northumbria-asb
 * (police.uk / ONS via mpjashby/crimemappingdata, OGL v3). The wards are read with the sqlite3
 * CLI (the GeoPackage geometry is a small header + WKB); the test is skipped without it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { SHARED_DATA } from '../../test/shared-data.ts';

const DIR = `${SHARED_DATA}/northumbria-asb`;
const hasSqlite = (() => { try { execFileSync('sqlite3', ['-version']); return fs.existsSync(`${DIR}/northumbria_wards.gpkg`); } catch { return false; } })();

let t: TestApp;
let token: string;
let reports = 0;
const wards: { code: string; name: string; wkb: string; population: number }[] = [];

/** The WKB inside a GeoPackage geometry blob (hex): skip the 8-byte header and the envelope. */
function gpkgWkb(hex: string): string {
  const flags = parseInt(hex.slice(6, 8), 16);
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 7];
  return hex.slice((8 + envelope) * 2);
}

beforeAll(async () => {
  if (!hasSqlite) return;
  t = await testApp();
  const jid = (await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('northumbria')])).rows[0].id;
  token = await tokenFor(t, ['analyst'], { jurisdictionId: jid });
  const cat = uniq('asb');
  await t.db.query('INSERT INTO categories (code, name, name_en) VALUES ($1, $2, $2)', [cat, 'anti-social behaviour']);
  const population = new Map(fs.readFileSync(`${DIR}/northumbria_ward_pop.derived.csv`, 'utf8').trim().split('\n').slice(1)
    .map((l) => { const m = /^([^,]+),(.*),"?(\d+)"?$/.exec(l)!; return [m[1], Number(m[3])] as const; }));
  const out = execFileSync('sqlite3', ['-separator', '|', `${DIR}/northumbria_wards.gpkg`, 'SELECT ward_code, ward_name, hex(geom) FROM northumbria_wards ORDER BY ward_code'], { maxBuffer: 64 << 20 }).toString();
  for (const line of out.trim().split('\n')) {
    const [code, name, hex] = line.split('|');
    wards.push({ code, name, wkb: gpkgWkb(hex), population: population.get(code)! });
  }
  const districts = JSON.parse(fs.readFileSync(`${DIR}/northumbria_districts.geojson`, 'utf8')) as { features: { properties: { objectid: string; district: string }; geometry: object }[] };
  for (const d of districts.features) {
    await t.db.query('INSERT INTO grids (jurisdiction_id, tier, code, name, geom) VALUES ($1, 1, $2, $3, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), 3)))',
      [jid, d.properties.objectid, d.properties.district, JSON.stringify(d.geometry)]);
  }
  await t.db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, geom, population)
    SELECT $1, 2, c, n, ST_Multi(ST_Transform(ST_GeomFromWKB(decode(w, 'hex'), 27700), 4326)), p
    FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS u(c, n, w, p)`,
  [jid, wards.map((w) => w.code), wards.map((w) => w.name), wards.map((w) => w.wkb), wards.map((w) => w.population)]);
  const lines = fs.readFileSync(`${DIR}/northumbria_asb.tab`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  reports = lines.length;
  await t.db.query(`INSERT INTO incidents (jurisdiction_id, geom, category_code, reported_at, status, source)
    SELECT $1, ST_Point(x, y, 4326), $2, m, 'closed', 'import' FROM unnest($3::float8[], $4::float8[], $5::timestamptz[]) AS u(x, y, m)`,
  [jid, cat, lines.map((l) => Number(l[1])), lines.map((l) => Number(l[2])), lines.map((l) => `${l[0]}T00:00:00Z`)]);
}, 180_000);
afterAll(async () => { await t?.close(); });

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe.skipIf(!hasSqlite)('Northumbria anti-social behaviour by ward (real data)', () => {
  it('rates per 1,000 residents on the wards with a population, and the same Gi* from POST with the wards in EPSG:27700', async () => {
    expect(wards).toHaveLength(177);
    const counts = (await get('/api/hotspots/gi?unit=grid&tier=2')).json();
    expect(counts.features).toHaveLength(177);
    const counted = counts.features.reduce((s: number, f: { count: number }) => s + f.count, 0);
    // Reports are snapped to police.uk points inside the force area; nearly all fall in a ward.
    expect(counted / reports).toBeGreaterThan(0.99);
    expect(counted).toBeLessThanOrEqual(reports);

    const res = await get('/api/hotspots/gi?unit=grid&tier=2&value=rate&per=population');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Four wards (E05013270/71, E05013862/63, new boundaries) are not in the population table.
    expect(body.features).toHaveLength(173);
    expect(body.warnings[0]).toMatch(/^4 unit\(s\) without population are left out/);
    const ward = body.features[0];
    expect(ward.rate).toBeCloseTo((1000 * ward.count) / ward.population, 10);
    expect(body.summary.hot).toBeGreaterThan(0);

    // The analyst's route: the original British National Grid polygons, the rate as a property.
    const byCode = new Map<string, { rate: number; gi_z: number; gi_class: number }>(body.features.map((f: { id: string }) => [f.id, f]));
    const { rows } = await t.db.query<{ g: object }>("SELECT ST_AsGeoJSON(ST_GeomFromWKB(decode(w, 'hex')), 6)::json AS g FROM unnest($1::text[]) WITH ORDINALITY AS u(w, o) ORDER BY o", [wards.map((w) => w.wkb)]);
    const features = wards.flatMap((w, i) => (byCode.has(w.code) ? [{ type: 'Feature', geometry: rows[i].g, properties: { ward: w.code, rate: byCode.get(w.code)!.rate } }] : []));
    const post = await t.app.inject({ method: 'POST', url: '/api/hotspots/gi', headers: bearer(token), payload: { crs: 'EPSG:27700', field: 'rate', neighbours: { type: 'contiguity' }, features: { type: 'FeatureCollection', features } } });
    expect(post.statusCode).toBe(200);
    expect(post.json().summary).toMatchObject({ srid: 27700, metric: 'planar', features: 173 });
    for (const f of post.json().features) {
      expect(f.properties.gi_z).toBeCloseTo(byCode.get(f.properties.ward)!.gi_z, 9);
      expect(f.properties.gi_class).toBe(byCode.get(f.properties.ward)!.gi_class);
    }
  });

  it('runs emerging hot spots per ward over the 11 months', async () => {
    const body = (await get('/api/hotspots/emerging?unit=grid&tier=2&step=month')).json();
    expect(body.steps).toEqual(Array.from({ length: 11 }, (_, m) => `2022-${String(m + 1).padStart(2, '0')}-01`));
    expect(body.warnings).toEqual([]);
    expect(body.features).toHaveLength(177);
    const monthly = body.features.reduce((acc: number[], f: { counts: number[] }) => acc.map((v, i) => v + f.counts[i]), new Array(11).fill(0));
    expect(Math.min(...monthly)).toBeGreaterThan(2900);
    expect(body.categories.no_pattern).toBeLessThan(177);
  });
});
