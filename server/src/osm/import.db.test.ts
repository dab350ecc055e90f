import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { DEMO_PBF, DEMO_TIERS } from './demo.ts';
import { importOsm, type OsmImportReport } from './import.ts';
import { readOsmPbf, type OsmFeature } from './read-pbf.ts';

let t: TestApp;
let features: OsmFeature[];
let report: OsmImportReport;
const name = uniq('monaco');

beforeAll(async () => {
  t = await testApp();
  features = await readOsmPbf(DEMO_PBF);
  report = await importOsm(t.db, features, {
    jurisdiction: { name }, tiers: DEMO_TIERS, rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '980', minBuildingShare: 0.2,
  });
});
afterAll(async () => { await t?.close(); });

describe('OSM import of the Monaco demo extract', () => {
  it('reads the PBF and assembles the quarters as polygons', () => {
    const quarters = features.filter((f) => f.properties.admin_level === '10' && f.geometry.type.endsWith('Polygon'));
    expect(quarters.map((f) => f.properties.name).sort()).toEqual(
      ['Fontvieille', 'Jardin Exotique', 'La Condamine', 'La Rousse', 'Larvotto', 'Les Monegetti', 'Monaco-Ville', 'Monte-Carlo', 'Sainte-Dévote']);
  });

  it('makes Monaco the top tier and its nine quarters the second, with nesting codes', async () => {
    expect(report.grids).toEqual({ 1: 1, 2: 9 });
    const { rows } = await t.db.query<{ tier: number; code: string; parent_code: string | null }>(
      'SELECT tier, code, parent_code FROM grids WHERE jurisdiction_id = $1 ORDER BY code', [report.jurisdictionId]);
    expect(rows[0]).toEqual({ tier: 1, code: '980001', parent_code: null });
    for (const r of rows.slice(1)) {
      expect(r.code).toMatch(/^980001\d{3}$/);
      expect(r.parent_code).toBe('980001');
    }
  });

  it('covers Monaco with its quarters: no gap, no overlap worth a square metre', async () => {
    const { rows } = await t.db.query<{ parent: number; children: number; overlap: number }>(
      `SELECT (SELECT ST_Area(geom::geography) FROM grids WHERE jurisdiction_id = $1 AND tier = 1) AS parent,
              (SELECT ST_Area(ST_Union(geom)::geography) FROM grids WHERE jurisdiction_id = $1 AND tier = 2) AS children,
              (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) FROM grids a JOIN grids b
                 ON a.jurisdiction_id = b.jurisdiction_id AND a.code < b.code AND a.tier = 2 AND b.tier = 2 AND ST_Intersects(a.geom, b.geom)
                WHERE a.jurisdiction_id = $1) AS overlap`, [report.jurisdictionId]);
    expect(Math.abs(rows[0].parent - rows[0].children)).toBeLessThan(1);
    expect(rows[0].overlap).toBeLessThan(1);
  });

  it('passes the topology check of the commune through the API, on either database', async () => {
    // The embedded PostGIS once failed here (GEOS, difference of a parent its children tile exactly).
    const res = await t.app.inject({ url: `/api/grids/validate?parent=980001&jurisdiction=${report.jurisdictionId}`, headers: bearer(await tokenFor(t, ['planner'])) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(JSON.stringify(body)).not.toMatch(/"kind":"(gap|overlap|outside_parent|invalid_geometry)"/);
    // …and the database connection is still in step afterwards.
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1', [report.jurisdictionId]);
    expect(rows[0].n).toBe(10);
  });

  it('keeps only what lies in Monaco and derives households per grid from the buildings', async () => {
    const { rows } = await t.db.query<{ outside: number; total: number; top: number; quarters: number }>(
      `SELECT (SELECT count(*) FROM households h WHERE h.jurisdiction_id = $1 AND NOT EXISTS
                 (SELECT 1 FROM grids g WHERE g.jurisdiction_id = $1 AND g.tier = 1 AND ST_Intersects(g.geom, h.pt))) AS outside,
              (SELECT sum(households) FROM households WHERE jurisdiction_id = $1) AS total,
              (SELECT households FROM grids WHERE jurisdiction_id = $1 AND tier = 1) AS top,
              (SELECT sum(households) FROM grids WHERE jurisdiction_id = $1 AND tier = 2) AS quarters`, [report.jurisdictionId]);
    expect(rows[0].outside).toBe(0);
    expect(rows[0].top).toBe(rows[0].total);
    expect(rows[0].total).toBeGreaterThan(20_000);
    // A building on the line between two quarters would be counted twice; allow none.
    expect(rows[0].quarters).toBe(rows[0].total);
    // The report tells what was kept, not what the file held.
    expect(report.households.households).toBe(rows[0].total);
  });

  it('counts no households in untyped buildings of a non-residential land use, and says why on the building', async () => {
    const { rows } = await t.db.query<{ name: string | null; building: string; households: number; landuse: string | null; if_residential: number | null }>(
      `SELECT attributes->>'name' AS name, attributes->>'building' AS building, households, attributes->>'landuse' AS landuse,
              (attributes->>'households_if_residential')::int AS if_residential
         FROM households WHERE jurisdiction_id = $1 AND attributes ? 'landuse'`, [report.jurisdictionId]);
    expect(rows.length).toBe(report.households.inNonResidentialLanduse);
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(r.building).toBe('yes');
      expect(r.households).toBe(0);
      expect(r.if_residential).toBeGreaterThan(0);
    }
    // Fontvieille's business centre stands in landuse=industrial: nobody lives in it.
    expect(rows.find((r) => r.name === 'Gildo Pastor Center')).toMatchObject({ landuse: 'industrial', households: 0 });
    expect(new Set(rows.map((r) => r.landuse))).toEqual(new Set(['industrial', 'commercial', 'retail', 'cemetery']));
    // A typed apartment block in a commercial area keeps its households.
    const { rows: typed } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM households WHERE jurisdiction_id = $1 AND attributes->>'building' = 'apartments' AND households > 0`, [report.jurisdictionId]);
    expect(typed[0].n).toBeGreaterThan(30);
  });

  it('stores roads, railways (tunnels marked) and the coast as barrier lines', async () => {
    const { rows } = await t.db.query<{ kind: string; n: number; tunnels: number }>(
      `SELECT kind, count(*)::int AS n, count(*) FILTER (WHERE (attributes->>'tunnel')::boolean)::int AS tunnels
         FROM barriers WHERE jurisdiction_id = $1 GROUP BY kind ORDER BY kind`, [report.jurisdictionId]);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(byKind.road.n).toBeGreaterThan(1500);
    expect(byKind.railway.n).toBeGreaterThan(0);
    expect(byKind.coast.n).toBeGreaterThan(0);
  });

  it('refuses a second jurisdiction of the same name and writes nothing', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n;
    await expect(importOsm(t.db, features, { jurisdiction: { name }, tiers: DEMO_TIERS, rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '980' }))
      .rejects.toMatchObject({ statusCode: 409, code: 'jurisdiction_exists' });
    expect((await t.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n).toBe(before);
  });
});

describe('OSM import: land use and the household estimate', () => {
  // A 400 m square (lon/lat degrees near Monaco); buildings 20 m × 20 m, four levels by default.
  const dLat = 1 / 111_320;
  const dLng = 1 / (111_320 * Math.cos((43.73 * Math.PI) / 180));
  const rect = (x0: number, y0: number, w: number, h: number) => ({
    type: 'Polygon' as const,
    coordinates: [[[7.40 + x0 * dLng, 43.73 + y0 * dLat], [7.40 + (x0 + w) * dLng, 43.73 + y0 * dLat], [7.40 + (x0 + w) * dLng, 43.73 + (y0 + h) * dLat], [7.40 + x0 * dLng, 43.73 + (y0 + h) * dLat], [7.40 + x0 * dLng, 43.73 + y0 * dLat]]],
  });
  const feature = (id: string, properties: Record<string, string>, geometry: ReturnType<typeof rect>): OsmFeature => ({ type: 'Feature', id, properties, geometry });

  it('counts none in an untyped building of a commercial area, unless a residential area mapped inside it holds the building', async () => {
    const features = [
      feature('relation/1', { boundary: 'administrative', admin_level: '8', name: 'Box' }, rect(0, 0, 400, 400)),
      feature('way/10', { landuse: 'commercial' }, rect(0, 0, 300, 300)),
      feature('way/11', { landuse: 'residential' }, rect(200, 200, 100, 100)),
      feature('way/20', { building: 'yes', name: 'office' }, rect(50, 50, 20, 20)),
      feature('way/21', { building: 'yes', name: 'flats in the residential area' }, rect(240, 240, 20, 20)),
      feature('way/22', { building: 'apartments', name: 'typed flats' }, rect(100, 50, 20, 20)),
      feature('way/23', { building: 'yes', name: 'outside any land use' }, rect(350, 350, 20, 20)),
    ];
    const stages: string[] = [];
    const r = await importOsm(t.db, features, {
      jurisdiction: { name: uniq('landuse') }, tiers: [{ adminLevel: 8, name: '市', nameEn: 'Box' }, { name: '网格', nameEn: 'Grid' }],
      rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '990',
      onProgress: (stage, done, total) => stages.push(`${stage} ${done}/${total}`),
    });
    // The land-use areas are staged in batches with progress, like buildings and barriers.
    expect(stages).toContain('landuse 2/2');
    const { rows } = await t.db.query<{ name: string; households: number; landuse: string | null }>(
      "SELECT attributes->>'name' AS name, households, attributes->>'landuse' AS landuse FROM households WHERE jurisdiction_id = $1 ORDER BY source_id", [r.jurisdictionId]);
    const held = Object.fromEntries(rows.map((row) => [row.name, row.households]));
    expect(held.office).toBe(0);
    expect(rows.find((row) => row.name === 'office')!.landuse).toBe('commercial');
    // 400 m² × 4 levels ÷ 90 m² ≈ 18 each.
    for (const name of ['flats in the residential area', 'typed flats', 'outside any land use']) expect(held[name], name).toBeGreaterThan(15);
    expect(r.households.inNonResidentialLanduse).toBe(1);
  });
});
