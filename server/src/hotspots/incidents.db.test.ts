import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { bearer, errorCode, testApp, tokenFor, uniq, type TestApp } from '../../test/helpers.ts';
import { mulberry32 } from './gi.ts';

/**
 * A jurisdiction of 6 × 6 unit grids (200 m squares near Monaco) under one commune, one
 * household point per square, and a year of incidents: a planted hot corner (the 2 × 2 squares
 * at rows/cols 4–5) growing month by month over a quiet background. Each incident is attributed
 * to its square (grid_code) when written, so counts per grid can be checked against that.
 */
let t: TestApp;
let token: string;
let jid: number;
const cat = uniq('hs_cat');
const otherCat = uniq('hs_oth');
const LON0 = 7.40, LAT0 = 43.72, DLON = 0.0024885, DLAT = 0.0017987;
const code = (r: number, c: number) => `sq${r}${c}`;
const perMonth = (r: number, c: number, m: number) => (r >= 4 && c >= 4 ? 6 + m : (r * 3 + c * 5 + m) % 3);
const points: { lon: number; lat: number; r: number; c: number; m: number }[] = [];

const sq = (r: number, c: number) => {
  const x = LON0 + c * DLON, y = LAT0 + r * DLAT;
  return `MULTIPOLYGON(((${x} ${y},${x + DLON} ${y},${x + DLON} ${y + DLAT},${x} ${y + DLAT},${x} ${y})))`;
};

beforeAll(async () => {
  t = await testApp();
  jid = (await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('hotspots')])).rows[0].id;
  token = await tokenFor(t, ['analyst'], { jurisdictionId: jid });
  await t.db.query('INSERT INTO categories (code, name, name_en) VALUES ($1, $2, $2), ($3, $4, $4)', [cat, 'hot spot test', otherCat, 'other']);
  const x1 = LON0 + 6 * DLON, y1 = LAT0 + 6 * DLAT;
  await t.db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, geom) VALUES ($1, 1, 'commune', 'Commune', ST_GeomFromText($2, 4326))`,
    [jid, `MULTIPOLYGON(((${LON0} ${LAT0},${x1} ${LAT0},${x1} ${y1},${LON0} ${y1},${LON0} ${LAT0})))`]);
  const rand = mulberry32(42);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) {
      await t.db.query(`INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom, households) VALUES ($1, 2, $2, $2, 'commune', ST_GeomFromText($3, 4326), $4)`, [jid, code(r, c), sq(r, c), 50 + 10 * r]);
      await t.db.query('INSERT INTO households (jurisdiction_id, geom, pt, households) VALUES ($1, ST_Point($2, $3, 4326), ST_Point($2, $3, 4326), $4)',
        [jid, LON0 + (c + 0.5) * DLON, LAT0 + (r + 0.5) * DLAT, 50 + 10 * r]);
      for (let m = 0; m < 12; m++) {
        for (let k = 0; k < perMonth(r, c, m); k++) {
          points.push({ lon: LON0 + (c + 0.1 + 0.8 * rand()) * DLON, lat: LAT0 + (r + 0.1 + 0.8 * rand()) * DLAT, r, c, m });
        }
      }
    }
  }
  await t.db.query(`INSERT INTO incidents (jurisdiction_id, geom, category_code, reported_at, status, grid_code)
    SELECT $1, ST_Point(x, y, 4326), $2, make_timestamptz(2024, m + 1, 10, 12, 0, 0, 'UTC'), 'registered', g
    FROM unnest($3::float8[], $4::float8[], $5::int[], $6::text[]) AS u(x, y, m, g)`,
  [jid, cat, points.map((p) => p.lon), points.map((p) => p.lat), points.map((p) => p.m), points.map((p) => code(p.r, p.c))]);
  // Noise the filters must drop: another category, a rejected report, one outside the period.
  await t.db.query(`INSERT INTO incidents (jurisdiction_id, geom, category_code, reported_at, status) VALUES
    ($1, ST_Point($3, $4, 4326), $2, '2024-03-03', 'registered'), ($1, ST_Point($3, $4, 4326), $5, '2024-03-03', 'rejected'),
    ($1, ST_Point($3, $4, 4326), $5, '2023-03-03', 'registered')`, [jid, otherCat, LON0 + 0.5 * DLON, LAT0 + 0.5 * DLAT, cat]);
});
afterAll(async () => { await t?.close(); });

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('GET /api/hotspots/h3', () => {
  it('counts incidents per cell exactly as h3-js places them, with rates per 100 households', async () => {
    const res = await get(`/api/hotspots/h3?res=10&category=${cat}&from=2024-01-01&to=2025-01-01`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.jurisdictionId).toBe(jid);
    expect(body.total).toBe(points.length);
    const expected = new Map<string, number>();
    for (const p of points) { const c = latLngToCell(p.lat, p.lon, 10); expected.set(c, (expected.get(c) ?? 0) + 1); }
    expect(Object.fromEntries(body.cells.map((c: { cell: string; count: number }) => [c.cell, c.count]))).toEqual(Object.fromEntries(expected));
    const withHouseholds = body.cells.find((c: { households: number | null }) => c.households !== null);
    expect(withHouseholds.rate).toBeCloseTo((100 * withHouseholds.count) / withHouseholds.households, 10);
  });

  it('applies the category, period and grid filters, and never counts rejected reports', async () => {
    const all = (await get('/api/hotspots/h3?res=7')).json();
    expect(all.total).toBe(points.length + 2);
    const other = (await get(`/api/hotspots/h3?res=8&category=${otherCat}`)).json();
    expect(other.total).toBe(1);
    const march = (await get(`/api/hotspots/h3?res=9&category=${cat}&from=2024-03-01&to=2024-04-01`)).json();
    expect(march.total).toBe(points.filter((p) => p.m === 2).length);
    const one = (await get(`/api/hotspots/h3?res=11&grid=${code(5, 5)}&from=2024-01-01`)).json();
    expect(one.total).toBe(points.filter((p) => p.r === 5 && p.c === 5).length);
  });

  it('recounts an incident that moves or is rejected (stored cells never go stale)', async () => {
    const url = `/api/hotspots/h3?res=11&category=${otherCat}`;
    const before = (await get(url)).json();
    expect(before.cells).toEqual([expect.objectContaining({ cell: latLngToCell(LAT0 + 0.5 * DLAT, LON0 + 0.5 * DLON, 11), count: 1 })]);
    const moved = { lon: LON0 + 5.5 * DLON, lat: LAT0 + 5.5 * DLAT };
    await t.db.query('UPDATE incidents SET geom = ST_Point($1, $2, 4326) WHERE jurisdiction_id = $3 AND category_code = $4', [moved.lon, moved.lat, jid, otherCat]);
    const after = (await get(url)).json();
    expect(after.cells).toEqual([expect.objectContaining({ cell: latLngToCell(moved.lat, moved.lon, 11), count: 1 })]);
    await t.db.query("UPDATE incidents SET status = 'rejected' WHERE jurisdiction_id = $1 AND category_code = $2", [jid, otherCat]);
    expect((await get(url)).json().total).toBe(0);
    await t.db.query("UPDATE incidents SET status = 'registered' WHERE jurisdiction_id = $1 AND category_code = $2", [jid, otherCat]);
    expect((await get(url)).json().total).toBe(1);
  });

  it('refuses bad filters with specific codes', async () => {
    expect(errorCode(await get('/api/hotspots/h3?res=12'))).toBe('validation_failed');
    expect(errorCode(await get('/api/hotspots/h3?grid=nope'))).toBe('grid_not_found');
    expect(errorCode(await get('/api/hotspots/h3?category=nope'))).toBe('category_not_found');
    expect(errorCode(await get('/api/hotspots/h3?from=yesterday'))).toBe('invalid_date');
    // Dates Date.parse takes and PostgreSQL refuses mid-query were 500s (probe of 2026-12-01).
    for (const qs of ['to=2026-02-30', 'from=0000-01-01', 'to=2026-11-01T10:00%2B16:00']) {
      for (const route of ['h3', 'gi', 'emerging']) {
        const res = await get(`/api/hotspots/${route}?${qs}`);
        expect([res.statusCode, errorCode(res)], `${route}?${qs}`).toEqual([400, 'invalid_date']);
      }
    }
    expect(errorCode(await get('/api/hotspots/h3?from=2024-02-01&to=2024-01-01'))).toBe('empty_period');
    expect((await get('/api/hotspots/h3?jurisdiction=999999')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/hotspots/h3' })).statusCode).toBe(401);
  });

  it('takes the jurisdiction from the grid asked for when the user has none (a kiosk of an admin)', async () => {
    const unbound = await tokenFor(t, ['analyst']);
    const ask = (qs: string) => t.app.inject({ method: 'GET', url: `/api/hotspots/h3?res=9${qs}`, headers: bearer(unbound) });
    const res = await ask(`&grid=${code(4, 5)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().jurisdictionId).toBe(jid);
    // With a second jurisdiction, one unsaid and without a grid must be said.
    await t.db.query('INSERT INTO jurisdictions (name) VALUES ($1)', [uniq('hotspots-other')]);
    expect(errorCode(await ask(''))).toBe('jurisdiction_required');
    expect(errorCode(await ask('&grid=nowhere-at-all'))).toBe('grid_not_found');
  });
});

describe('GET /api/hotspots/gi over incidents', () => {
  it('counts per grid equal the attribution each incident carries, and finds the planted corner', async () => {
    const res = await get(`/api/hotspots/gi?unit=grid&tier=2&category=${cat}&from=2024-01-01`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.features).toHaveLength(36);
    expect(body.neighbours).toBe('shared edge');
    const attributed = new Map<string, number>();
    for (const p of points) attributed.set(code(p.r, p.c), (attributed.get(code(p.r, p.c)) ?? 0) + 1);
    for (const f of body.features) expect([f.id, f.count]).toEqual([f.id, attributed.get(f.id) ?? 0]);
    const byId = Object.fromEntries(body.features.map((f: { id: string }) => [f.id, f]));
    for (const id of ['sq44', 'sq45', 'sq54', 'sq55']) expect(byId[id].gi_class).toBeGreaterThan(0);
    expect(byId.sq00.gi_class).toBeLessThanOrEqual(0);
    expect(byId.sq55.households).toBe(100);
  });

  it('runs on H3 cells of the study area with zero cells included, and explains when there are too few', async () => {
    const res = await get(`/api/hotspots/gi?unit=h3&res=10&k=1&category=${cat}&from=2024-01-01&permutations=999`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.features.length).toBeGreaterThanOrEqual(30);
    expect(body.features.some((f: { count: number }) => f.count === 0)).toBe(true);
    expect(body.features.reduce((s: number, f: { count: number }) => s + f.count, 0)).toBe(points.length);
    expect(body.summary.classedBy).toBe('p_sim');
    const hot = body.features.filter((f: { gi_class: number }) => f.gi_class > 0);
    expect(hot.length).toBeGreaterThan(0);
    // Every hot cell's centre lies in or next to the planted corner (rows and columns 3–5).
    for (const f of hot) {
      const [lat, lon] = cellToLatLng(f.id);
      expect(lat).toBeGreaterThan(LAT0 + 3 * DLAT);
      expect(lon).toBeGreaterThan(LON0 + 3 * DLON);
    }
    const coarse = await get('/api/hotspots/gi?unit=h3&res=8');
    expect(coarse.statusCode).toBe(422);
    expect(errorCode(coarse)).toBe('too_few_features');
    expect(coarse.json().error.message).toMatch(/at least 30/);
  });

  it('analyses rates per 100 households on grids and refuses mismatched neighbour types', async () => {
    const res = await get(`/api/hotspots/gi?unit=grid&tier=2&value=rate&neighbours=knn&k=4&category=${cat}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().features[0].rate).toBeCloseTo((100 * res.json().features[0].count) / res.json().features[0].households, 10);
    expect(errorCode(await get('/api/hotspots/gi?unit=grid&tier=2&neighbours=kring'))).toBe('kring_needs_h3');
    expect(errorCode(await get('/api/hotspots/gi?unit=h3&neighbours=contiguity'))).toBe('contiguity_needs_grids');
    expect(errorCode(await get('/api/hotspots/gi?unit=h3&neighbours=distance'))).toBe('meters_required');
    expect(errorCode(await get('/api/hotspots/gi?unit=h3&value=rate&per=population'))).toBe('population_needs_grids');
  });
});

describe('GET /api/hotspots/emerging', () => {
  it('builds a monthly cube and puts the growing corner in a hot category', async () => {
    const res = await get(`/api/hotspots/emerging?unit=grid&tier=2&step=month&category=${cat}&from=2024-01-01&to=2025-01-01`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.steps).toEqual(Array.from({ length: 12 }, (_, m) => `2024-${String(m + 1).padStart(2, '0')}-01`));
    const byId = Object.fromEntries(body.features.map((f: { id: string }) => [f.id, f]));
    expect(byId.sq55.counts).toEqual(Array.from({ length: 12 }, (_, m) => perMonth(5, 5, m)));
    expect(byId.sq55.countTrend.tau).toBe(1);
    expect(['intensifying_hot', 'persistent_hot']).toContain(byId.sq55.category);
    expect(byId.sq00.category).not.toMatch(/_hot$/);
    expect(Object.values(body.categories).reduce((a, b) => (a as number) + (b as number), 0)).toBe(36);
  });

  it('runs weekly on H3 cells and refuses periods with too few steps', async () => {
    const res = await get(`/api/hotspots/emerging?unit=h3&res=10&step=week&category=${cat}&from=2024-01-01&to=2024-04-01`);
    expect(res.statusCode).toBe(200);
    expect(res.json().steps[0]).toBe('2024-01-01');
    expect(res.json().steps).toHaveLength(13);
    const short = await get(`/api/hotspots/emerging?unit=grid&tier=2&step=month&from=2024-01-01&to=2024-03-01`);
    expect(errorCode(short)).toBe('too_few_steps');
  });
});
