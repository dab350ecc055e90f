import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../test/helpers.ts';
import { makeTown } from './fixtures/town.ts';
import { generateIncidents } from './generator.ts';

let t: TestApp;
const anchor = new Date('2026-11-20T10:00:00Z');

/** A town with 200 building points on a lattice and 5 roads, like an imported map's. */
async function townWithMap(prefix: string): Promise<{ jid: number; code: string }> {
  const town = await makeTown(t, prefix);
  await t.db.query(`INSERT INTO households (jurisdiction_id, geom, pt, households)
    SELECT $1, p, p, 3 FROM (SELECT ST_SetSRID(ST_MakePoint(116.4005 + (g % 20) * 0.00095, 39.9005 + (g / 20) * 0.00095), 4326) AS p FROM generate_series(0, 199) g) x`, [town.jid]);
  await t.db.query(`INSERT INTO barriers (jurisdiction_id, geom, kind, class)
    SELECT $1, ST_Multi(ST_SetSRID(ST_MakeLine(ST_MakePoint(116.401, 39.901 + g * 0.0015), ST_MakePoint(116.419, 39.901 + g * 0.0015)), 4326)), 'road', 'residential'
      FROM generate_series(0, 4) g`, [town.jid]);
  return town;
}

beforeAll(async () => { t = await testApp(); });
afterAll(async () => { await t?.close(); });

describe('generateIncidents', () => {
  it('writes seeded synthetic incidents with a realistic status mix and histories', async () => {
    const { jid, code } = await townWithMap('gen');
    const report = await t.db.tx((q) => generateIncidents(q, jid, { count: 600, seed: 7, anchor, batch: 250 }));
    expect(report.inserted).toBeGreaterThan(500);
    expect(report.inserted).toBeLessThanOrEqual(600);
    const { rows } = await t.db.query<{ n: number; synthetic: number; located: number; open: number; done: number; history_ok: number; max_age: number }>(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE synthetic)::int AS synthetic,
             count(*) FILTER (WHERE grid_codes[1] = $2 AND grid_code IS NOT NULL)::int AS located,
             count(*) FILTER (WHERE status IN ('reported', 'registered', 'dispatched', 'handled'))::int AS open,
             count(*) FILTER (WHERE status IN ('closed', 'evaluated'))::int AS done,
             count(*) FILTER (WHERE (SELECT count(*) FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'report') = 1)::int AS history_ok,
             max(extract(epoch FROM $3::timestamptz - reported_at) / 86400)::float8 AS max_age
        FROM incidents i WHERE jurisdiction_id = $1`, [jid, code, anchor]);
    const r = rows[0];
    expect(r.n).toBe(report.inserted);
    expect(r.synthetic).toBe(r.n);
    expect(r.located).toBe(r.n);
    expect(r.history_ok).toBe(r.n);
    expect(r.done / r.n).toBeGreaterThan(0.6);
    expect(r.open).toBeGreaterThan(10);
    expect(r.max_age).toBeLessThanOrEqual(92);
    expect(Object.keys(report.byStatus)).toEqual(expect.arrayContaining(['closed', 'evaluated', 'rejected', 'dispatched']));
    // Step times never run ahead of the anchor, and each history is in time order.
    const bad = await t.db.query(`SELECT 1 FROM incidents WHERE jurisdiction_id = $1 AND (closed_at > $2 OR evaluated_at > $2 OR closed_at < reported_at) LIMIT 1`, [jid, anchor]);
    expect(bad.rows).toHaveLength(0);
  });

  it('is reproducible: the same seed and anchor give the same rows', async () => {
    const a = await townWithMap('gen_a');
    const b = await townWithMap('gen_b');
    await t.db.tx((q) => generateIncidents(q, a.jid, { count: 200, seed: 99, anchor }));
    await t.db.tx((q) => generateIncidents(q, b.jid, { count: 200, seed: 99, anchor }));
    const sig = async (jid: number) => (await t.db.query<{ s: string }>(
      `SELECT string_agg(category_code || status || reported_at::text || round(ST_X(geom)::numeric, 7)::text, '|' ORDER BY (attributes->>'demo')::int) AS s FROM incidents WHERE jurisdiction_id = $1`, [jid])).rows[0].s;
    expect(await sig(a.jid)).toBe(await sig(b.jid));
  });

  it('writes nothing where there are no grids or no points', async () => {
    const { rows } = await t.db.query<{ id: number }>("INSERT INTO jurisdictions (name) VALUES ('empty_' || md5(random()::text)) RETURNING id");
    const report = await t.db.tx((q) => generateIncidents(q, rows[0].id, { count: 50, anchor }));
    expect(report.inserted).toBe(0);
  });
});
