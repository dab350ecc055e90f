import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, uniq, type TestApp } from '../../test/helpers.ts';
import { locatePoint, locatePoints } from './locate.ts';

let t: TestApp;
let jid: number;
const square = (x0: number, y0: number, x1: number, y1: number) =>
  JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]] });

beforeAll(async () => {
  t = await testApp();
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('locate')]);
  jid = rows[0].id;
  await t.db.query("INSERT INTO tiers VALUES ($1, 1, '街道', 'Street'), ($1, 2, '社区', 'Community')", [jid]);
  // Far from the origin on purpose (no 0,0 luck): two communities side by side in one street.
  const grid = `INSERT INTO grids (jurisdiction_id, tier, code, name, parent_code, geom) VALUES ($1, $2, $3, $4, $5, ST_GeomFromGeoJSON($6))`;
  await t.db.query(grid, [jid, 1, '110101001', 'East street', null, square(116.40, 39.90, 116.42, 39.91)]);
  await t.db.query(grid, [jid, 2, '110101001002', 'B community', '110101001', square(116.41, 39.90, 116.42, 39.91)]);
  await t.db.query(grid, [jid, 2, '110101001001', 'A community', '110101001', square(116.40, 39.90, 116.41, 39.91)]);
});
afterAll(async () => { await t?.close(); });

describe('locatePoints', () => {
  it('gives the chain from the top tier down, with tier names', async () => {
    const r = await locatePoint(t.db, { lng: 116.405, lat: 39.905 }, { jurisdictionId: jid });
    expect(r?.chain.map((c) => [c.code, c.tierName])).toEqual([['110101001', '街道'], ['110101001001', '社区']]);
  });

  it('resolves a point on the shared edge to the lower code, every time', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await locatePoint(t.db, { lng: 116.41, lat: 39.905 }, { jurisdictionId: jid });
      expect(r?.chain.at(-1)?.code).toBe('110101001001');
    }
  });

  it('keeps input order in a batch and answers null outside every grid', async () => {
    const r = await locatePoints(t.db, [{ lng: 116.415, lat: 39.905 }, { lng: 0, lat: 0 }, { lng: 116.405, lat: 39.901 }], { jurisdictionId: jid });
    expect(r.map((x) => x?.chain.at(-1)?.code ?? null)).toEqual(['110101001002', null, '110101001001']);
  });
});
