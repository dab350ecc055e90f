import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixture from './fixtures/esda-getisord-points.json' with { type: 'json' };
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await testApp();
  token = await tokenFor(t, ['analyst']);
});
afterAll(async () => { await t?.close(); });

const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/hotspots/gi', headers: bearer(token), payload: payload as object });

const esdaPoints = () => ({
  type: 'FeatureCollection',
  features: fixture.points.map((p, i) => ({ type: 'Feature', id: `p${i}`, geometry: { type: 'Point', coordinates: p }, properties: { name: `p${i}`, y: fixture.y[i] } })),
});

/** A 6 × 6 block of 100 m squares in EPSG:3857 with high values in one corner (a planted hot spot). */
function squares(): object {
  const features = [];
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) {
      const x = 826_000 + c * 100;
      const y = 5_422_000 + r * 100;
      const hot = r >= 4 && c >= 4;
      features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100], [x, y]]] }, properties: { cell: `${r}-${c}`, count: hot ? 40 + r + c : (r * 7 + c * 3) % 5 } });
    }
  }
  return { type: 'FeatureCollection', features };
}

describe('POST /api/hotspots/gi', () => {
  it("reproduces esda's Gi* (binary, star) on its own example in a metre CRS, with a warning for < 30 features", async () => {
    const res = await post({ crs: 'EPSG:3857', field: 'y', neighbours: { type: 'distance', meters: 15 }, permutations: 0, features: esdaPoints() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f: { id: string }) => f.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    body.features.forEach((f: { properties: Record<string, number> }, i: number) => {
      expect(f.properties.gi_z).toBeCloseTo(fixture.expected.binary_star.Zs[i], 7);
      expect(f.properties.y).toBe(fixture.y[i]);
      expect(f.properties).not.toHaveProperty('gi_p_sim');
    });
    expect(body.features[5].properties.gi_p).toBeCloseTo(0.042948, 5);
    // p = 0.043 is significant at 95 % alone, but not after the FDR correction over 6 features.
    expect(body.features.map((f: { properties: { gi_class: number } }) => f.properties.gi_class)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(body.warnings.join(' ')).toMatch(/Only 6 features/);
    expect(body.summary).toMatchObject({ features: 6, srid: 3857, metric: 'planar', fdr: true });
  });

  it('matches the row-standardised variant and classes without FDR when asked', async () => {
    const res = await post({ crs: 'EPSG:3857', field: 'y', neighbours: { type: 'distance', meters: 15 }, transform: 'R', fdr: false, features: esdaPoints() });
    const z = res.json().features.map((f: { properties: { gi_z: number } }) => f.properties.gi_z);
    z.forEach((v: number, i: number) => expect(v).toBeCloseTo(fixture.expected.row_standardised_star.Zs[i], 7));
  });

  it('finds the planted hot corner by shared-edge contiguity', async () => {
    const res = await post({ crs: 'EPSG:3857', field: 'count', neighbours: { type: 'contiguity' }, features: squares() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.warnings).toEqual([]);
    expect(body.summary.meanNeighbours).toBeCloseTo((4 * 2 + 16 * 3 + 16 * 4) / 36, 10);
    const byCell = Object.fromEntries(body.features.map((f: { properties: { cell: string } }) => [f.properties.cell, f.properties]));
    for (const c of ['4-4', '4-5', '5-4', '5-5']) {
      expect(byCell[c].gi_class).toBe(3);
      expect(byCell[c].gi_z).toBeGreaterThan(3);
    }
    expect(byCell['0-0'].gi_class).toBe(0);
    expect(body.summary).toMatchObject({ hot: 4, cold: 0, classedBy: 'p' });
  });

  it('adds seeded conditional-permutation pseudo p-values and classes by them', async () => {
    const payload = { crs: 'EPSG:3857', field: 'count', neighbours: { type: 'contiguity' }, permutations: 999, seed: 7, features: squares() };
    const a = (await post(payload)).json();
    const b = (await post(payload)).json();
    expect(a.summary).toMatchObject({ permutations: 999, classedBy: 'p_sim' });
    const byCell = Object.fromEntries(a.features.map((f: { properties: { cell: string } }) => [f.properties.cell, f.properties]));
    for (const c of ['4-4', '4-5', '5-4', '5-5']) {
      expect(byCell[c].gi_p_sim).toBeGreaterThanOrEqual(0.001);
      expect(byCell[c].gi_p_sim).toBeLessThanOrEqual(0.05);
    }
    expect(a.features.map((f: { properties: { gi_p_sim: number } }) => f.properties.gi_p_sim)).toEqual(b.features.map((f: { properties: { gi_p_sim: number } }) => f.properties.gi_p_sim));
  });

  it('works on lon/lat points with k nearest neighbours', async () => {
    const fc = squares() as { features: { geometry: { coordinates: number[][][] }; properties: Record<string, unknown> }[] };
    // The same squares' corners as WGS84 points (about 100 m apart at Monaco's latitude).
    const features = fc.features.map((f, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [7.42 + (i % 6) * 0.00124, 43.73 + Math.floor(i / 6) * 0.0009] }, properties: f.properties }));
    const res = await post({ crs: 'EPSG:4326', field: 'count', neighbours: { type: 'knn', k: 4 }, features: { type: 'FeatureCollection', features } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.summary).toMatchObject({ metric: 'sphere', meanNeighbours: 4 });
    expect(body.features[35].properties.gi_class).toBeGreaterThan(0);
  });

  it('refuses bad input with specific codes', async () => {
    const base = { crs: 'EPSG:3857', field: 'y', neighbours: { type: 'distance', meters: 15 }, features: esdaPoints() };
    const cases: [object, number, string][] = [
      [{ ...base, crs: 'EPSG:999999' }, 400, 'unknown_crs'],
      [{ ...base, crs: 'WGS 84' }, 400, 'invalid_crs'],
      [{ ...base, field: 'name' }, 422, 'field_not_numeric'],
      [{ ...base, field: 'nothing' }, 422, 'field_not_numeric'],
      [{ ...base, neighbours: { type: 'contiguity' } }, 422, 'contiguity_needs_polygons'],
      [{ ...base, neighbours: { type: 'knn', k: 6 } }, 422, 'k_too_large'],
      [{ ...base, neighbours: { type: 'rook' } }, 400, 'validation_failed'],
      [{ ...base, extra: 1 }, 400, 'validation_failed'],
      [{ ...base, features: { type: 'FeatureCollection', features: esdaPoints().features.slice(0, 2) } }, 422, 'too_few_features'],
      [{ ...base, features: { type: 'FeatureCollection', features: esdaPoints().features.map((f) => ({ ...f, properties: { y: 1 } })) } }, 422, 'no_variation'],
      [{ ...base, features: { type: 'FeatureCollection', features: esdaPoints().features.map((f, i) => (i === 2 ? { ...f, geometry: { type: 'Point', coordinates: ['a', 1] } } : f)) } }, 400, 'invalid_geometry'],
      [{ ...base, neighbours: { type: 'contiguity' }, features: { type: 'FeatureCollection', features: esdaPoints().features.map((f) => ({ ...f, geometry: { type: 'Polygon', coordinates: [[f.geometry.coordinates, [f.geometry.coordinates[0] + 1, f.geometry.coordinates[1]]]] } })) } }, 400, 'invalid_geometry'],
      [{ ...base, crs: 'EPSG:4326', features: { type: 'FeatureCollection', features: esdaPoints().features.map((f) => ({ ...f, geometry: { type: 'Point', coordinates: [826000, 5422000 + Number(f.properties.y)] } })) } }, 422, 'coordinates_out_of_range'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await post(payload);
      expect([res.statusCode, errorCode(res)], JSON.stringify(payload).slice(0, 120)).toEqual([status, code]);
    }
  });

  it('is in the OpenAPI document with the other hot-spot routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/hotspots/gi', '/api/hotspots/h3', '/api/hotspots/emerging']));
    expect(Object.keys(doc.paths['/api/hotspots/gi'])).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('needs a signed-in analyst', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/hotspots/gi', payload: { crs: 'EPSG:3857', field: 'y', neighbours: { type: 'knn', k: 2 }, features: esdaPoints() } });
    expect(res.statusCode).toBe(401);
    const viewer = await tokenFor(t, ['viewer']);
    const res2 = await t.app.inject({ method: 'POST', url: '/api/hotspots/gi', headers: bearer(viewer), payload: { crs: 'EPSG:3857', field: 'y', neighbours: { type: 'knn', k: 2 }, features: esdaPoints() } });
    expect(res2.statusCode).toBe(403);
  });
});
