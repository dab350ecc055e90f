import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, uniq, type TestApp } from '../../test/helpers.ts';
import { tileParams, tileSql } from './encode.ts';
import { TILESETS } from './tilesets.ts';

// Small tiles run as named prepared statements (encode.ts), and after five custom plans
// PostgreSQL may run a generic one, where z, x and y are parameters. Migration 0022: there the
// tile's box must come from FROM, a function scan computed once — as an expression in WHERE it
// became a Filter computed for every row when the planner chose another index — and the tile
// must be the same as the custom plan's. Each tile statement is planned generic here on purpose
// (plan_cache_mode, for this transaction only) over a made-up area in the southern Indian Ocean
// (no other test's data is near it) inside tile 14/11081/10490.
const Z = 14, X = 11081, Y = 10490;
const box = (w: number, s: number, e: number, n: number) => `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;

let t: TestApp;
let area: string;

beforeAll(async () => {
  t = await testApp();
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO jurisdictions (name) VALUES ($1) RETURNING id', [uniq('generic-plans')]);
  const jid = rows[0].id;
  const top = uniq('GP');
  area = `${top}01`;
  await t.db.query(
    `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households) VALUES
       ($1, 1, $2, '洋', 'Ocean', NULL, $4, 30), ($1, 2, $3, '洋一', 'Ocean 1', $2, $4, 30)`,
    [jid, top, area, box(63.48, -45.004, 63.49, -44.996)]);
  await t.db.query(`INSERT INTO barriers (jurisdiction_id, geom, kind, class, name) VALUES ($1, 'SRID=4326;MULTILINESTRING((63.48 -45,63.49 -45))', 'road', 'primary', '海路')`, [jid]);
  await t.db.query(`INSERT INTO households (jurisdiction_id, geom, pt, households) VALUES ($1, $2, 'SRID=4326;POINT(63.4855 -45.0015)', 12)`, [jid, box(63.485, -45.002, 63.486, -45.001)]);
  await t.db.query(`INSERT INTO basemap_areas (jurisdiction_id, geom, kind, name) VALUES ($1, $2, 'water', '湖')`, [jid, box(63.482, -45.003, 63.483, -45.002)]);
  await t.db.query(`INSERT INTO categories (code, name, name_en) VALUES ('generic-plans-test', '测试', 'Test') ON CONFLICT (code) DO NOTHING`);
  await t.db.query(
    `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, reported_at, grid_code, grid_codes) VALUES
       ($1, 'SRID=4326;POINT(63.484 -45.001)', 'generic-plans-test', 'reported', '2026-01-02T03:04:05Z', $3, ARRAY[$2, $3]),
       ($1, 'SRID=4326;POINT(63.487 -44.999)', 'generic-plans-test', 'closed', '2026-01-03T03:04:05Z', $3, ARRAY[$2, $3])`,
    [jid, top, area]);
  // Two hot-spot cells of the whole-period scope at resolution 9 (what zoom 14 draws).
  await t.db.query(
    `INSERT INTO hotspot_cells (scope, jurisdiction_id, res, cell, geom, count, households, rate, gi_z, gi_p, gi_class) VALUES
       ('', $1, 9, 1, ST_Buffer(ST_SetSRID(ST_MakePoint(63.484, -45.001), 4326), 0.002, 6), 3, 12, 25, 2.5, 0.01, 2),
       ('', $1, 9, 2, ST_Buffer(ST_SetSRID(ST_MakePoint(63.488, -44.999), 4326), 0.002, 6), 1, NULL, NULL, -0.4, 0.7, 0)`, [jid]);
});
afterAll(async () => { await t?.close(); });

/** The tile statements the tile route runs: every tileset's source and area source, with an argument like the route's (the area's grid code once made). */
function statements(): { label: string; source: string; arg: () => unknown }[] {
  return TILESETS.flatMap((s) => {
    const arg: unknown = s.id === 'grids' ? true : s.id === 'hotspots' ? '' : null;
    const list = [{ label: s.id, source: s.source, arg: () => arg }];
    if (s.areaSource && s.areaSource !== s.source) list.push({ label: `${s.id} (area)`, source: s.areaSource, arg: () => area });
    return list;
  });
}

const literal = (client: pg.PoolClient, v: unknown) => (typeof v === 'string' ? client.escapeLiteral(v) : String(v));

/** One tile through a prepared statement planned generic, and the plan of that statement; in a transaction rolled back. */
async function generic(source: string, z: number, x: number, y: number, arg: unknown): Promise<{ plan: string[]; rows: unknown[] }> {
  const sql = tileSql(t.kind, source, false).replace(/;\s*$/, '');
  const args = tileParams({ source, z, x, y, cap: 1000, arg });
  const name = uniq('generic');
  const client = await t.db.pool.connect();
  try {
    await client.query('BEGIN');
    // SET LOCAL: the embedded database has one backend for every connection of every test file.
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE ${name} AS ${sql}`);
    const call = `EXECUTE ${name}(${args.map((a) => literal(client, a)).join(', ')})`;
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS off) ${call}`)).rows.map((r) => r['QUERY PLAN']);
    const { rows } = await client.query(call);
    await client.query(`DEALLOCATE ${name}`);
    return { plan, rows };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('tile statements under a generic plan (named prepared statements)', () => {
  for (const z of [Z, Z - 2]) {
    for (const { label, source, arg } of statements()) {
      it(`${label} at zoom ${z}: the tile's box is a one-row function scan (no Filter or index condition that computes it), and the tile is the custom plan's`, async () => {
        const x = X >> (Z - z), y = Y >> (Z - z);
        const { plan, rows } = await generic(source, z, x, y, arg());
        expect(plan.some((line) => /\$\d/.test(line)), 'a generic plan (parameters left in it)').toBe(true);
        const perRow = plan.filter((line) => line.includes('tile_bbox') && !/Function Scan on tile_bbox/.test(line));
        expect(perRow, plan.join('\n')).toEqual([]);
        const custom = await t.db.query(tileSql(t.kind, source, false), tileParams({ source, z, x, y, cap: 1000, arg: arg() }));
        expect(rows).toEqual(custom.rows);
      });
    }
  }

  it('the tiles compared are not empty (the made-up area is drawn at both zooms)', async () => {
    for (const z of [Z, Z - 2]) {
      const { rows } = await generic('tile_incidents($1, $2, $3, $4)', z, X >> (Z - z), Y >> (Z - z), null);
      const features = t.kind === 'postgres' ? (rows[0] as { features: number }).features : rows.length;
      expect(features).toBeGreaterThan(0);
    }
    const hot = await generic(TILESETS.find((s) => s.id === 'hotspots')!.source, Z, X, Y, '');
    expect(t.kind === 'postgres' ? (hot.rows[0] as { features: number }).features : hot.rows.length).toBe(2);
  });
});
