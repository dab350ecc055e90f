import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, uniq, type TestApp } from '../../test/helpers.ts';
import type { HttpError } from '../core/errors.ts';
import { locatePoint } from './locate.ts';
import { publishGrids, type NewGrid, type PublishGridsInput } from './publish.ts';
import type { TopologyReport } from './topology.ts';
import { fixture, seedStreet } from './testkit.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(async () => { await t?.close(); });

const grids = (name: string): NewGrid[] => fixture(name).features.map((f) => ({ name: f.properties.name ?? '', code: f.properties.code, geom: f.geometry }));
const input = (jid: number, gs: NewGrid[], extra: Partial<PublishGridsInput> = {}): PublishGridsInput =>
  ({ jurisdictionId: jid, parentCode: '110101001', tier: 2, grids: gs, replaceChildren: true, user: null, ...extra });

async function refused(jid: number, gs: NewGrid[], extra: Partial<PublishGridsInput> = {}): Promise<{ code: string; report: TopologyReport }> {
  try {
    await t.db.tx((q) => publishGrids(q, input(jid, gs, extra)));
  } catch (err) {
    const e = err as HttpError;
    return { code: e.code, report: e.details as TopologyReport };
  }
  throw new Error('publish was not refused');
}

describe('publishGrids', () => {
  it('publishes clean children with codes west→east, households derived, audit and layer version', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const before = (await t.db.query<{ version: number }>("SELECT version FROM layer_versions WHERE layer = 'grids'")).rows[0]?.version ?? 0;
    const r = await t.db.tx((q) => publishGrids(q, input(jid, grids('clean-two-halves').reverse())));
    expect(r.opened.map((o) => [o.code, o.name, o.households, o.version])).toEqual([
      ['110101001002', 'east', 150, 1], ['110101001001', 'west', 150, 1]]);
    expect(r.closed).toEqual([]);
    expect(r.report.errors).toEqual([]);
    const after = (await t.db.query<{ version: number }>("SELECT version FROM layer_versions WHERE layer = 'grids'")).rows[0].version;
    expect(after).toBeGreaterThan(before);
    const { rows: log } = await t.db.query('SELECT action, entity, details FROM audit_log WHERE entity = $1 AND entity_id = $2', ['grid_change_set', String(r.changeSetId)]);
    expect(log[0].details.opened).toEqual(['110101001002', '110101001001']);
    const located = await locatePoint(t.db, { lng: 116.415, lat: 39.905 }, { jurisdictionId: jid });
    expect(located?.chain.map((c) => c.code)).toEqual(['110101001', '110101001002']);
  });

  it('derives population from the household layer unless given', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    await t.db.query('UPDATE households SET population = 3 WHERE jurisdiction_id = $1', [jid]);
    const gs = grids('clean-two-halves');
    gs[1].population = 999;
    await t.db.tx((q) => publishGrids(q, input(jid, gs)));
    const { rows } = await t.db.query('SELECT name, population FROM grids WHERE jurisdiction_id = $1 AND tier = 2 ORDER BY code', [jid]);
    expect(rows).toEqual([{ name: 'west', population: 450 }, { name: 'east', population: 999 }]);
  });

  it('keeps the old version readable with asOf after a redraw', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    await t.db.tx((q) => publishGrids(q, input(jid, grids('clean-two-halves'))));
    // JS dates hold milliseconds and PostgreSQL microseconds: step 1 ms past the first publish, then wait.
    const between = new Date((await t.db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now.getTime() + 1);
    await new Promise((r) => setTimeout(r, 10));
    // Redraw: one community for the whole street.
    const whole = fixture('parent-community').features[0].geometry;
    const r = await t.db.tx((q) => publishGrids(q, input(jid, [{ name: 'merged', geom: whole }])));
    expect(r.closed).toEqual(['110101001001', '110101001002']);
    expect(r.opened).toEqual([{ code: '110101001001', name: 'merged', version: 2, households: 300 }]);
    const now = await locatePoint(t.db, { lng: 116.415, lat: 39.905 }, { jurisdictionId: jid });
    expect(now?.chain.at(-1)?.code).toBe('110101001001');
    const then = await locatePoint(t.db, { lng: 116.415, lat: 39.905 }, { jurisdictionId: jid, asOf: between });
    expect(then?.chain.at(-1)?.code).toBe('110101001002');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 AND tier = 2', [jid]);
    expect(rows[0].n).toBe(3);
  });

  it('refuses a gap between siblings with the gap geometry and area', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { code, report } = await refused(jid, grids('gap-between-siblings'));
    expect(code).toBe('topology_errors');
    expect(report.errors.map((e) => e.kind)).toEqual(['gap']);
    const gap = report.errors[0];
    // 0.001° × 0.01° at 39.9° N ≈ 85.4 m × 1110 m
    expect(gap.areaM2).toBeGreaterThan(94_000);
    expect(gap.areaM2).toBeLessThan(96_000);
    expect(gap.geometry?.type).toBe('Polygon');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 AND tier = 2', [jid]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses an overlap between siblings, naming both', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { report } = await refused(jid, grids('overlap-between-siblings'));
    expect(report.errors.map((e) => [e.kind, e.codes])).toEqual([['overlap', ['110101001001', '110101001002']]]);
    expect(report.errors[0].areaM2).toBeGreaterThan(94_000);
  });

  it('refuses a bow-tie ring with PostGIS\'s reason and a repair', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { report } = await refused(jid, grids('bow-tie-ring'));
    const invalid = report.errors.find((e) => e.kind === 'invalid_geometry')!;
    expect(invalid.reason).toMatch(/Self-intersection/);
    expect(invalid.indexes).toEqual([0]);
    expect(invalid.repair?.type).toBe('MultiPolygon');
    expect(invalid.location).toEqual({ type: 'Point', coordinates: [116.405, 39.905] });
  });

  it('refuses an unclosed ring and proposes the closed one', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { report } = await refused(jid, grids('unclosed-ring'));
    const invalid = report.errors.find((e) => e.kind === 'invalid_geometry')!;
    expect(invalid.reason).toMatch(/not closed/);
    expect((invalid.repair as { coordinates: number[][][] }).coordinates[0]).toHaveLength(5);
  });

  it('refuses a child outside its parent with the part outside', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { report } = await refused(jid, grids('child-outside-parent'));
    expect(report.errors.map((e) => [e.kind, e.codes])).toEqual([['outside_parent', ['110101001002']]]);
    expect(report.errors[0].areaM2).toBeGreaterThan(940_000);
  });

  it('refuses duplicate codes', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const { report } = await refused(jid, grids('duplicate-code'));
    expect(report.errors.map((e) => [e.kind, e.codes])).toEqual([['code_not_nested', ['P001']], ['code_not_nested', ['P001']], ['duplicate_code', ['P001', 'P001']]]);
    // The figures of each message as data, for a client to say it in its reader's language.
    expect(report.errors.map((e) => e.detail)).toEqual([
      { code: 'code_not_nested', parent: '110101001' }, { code: 'code_not_nested', parent: '110101001' }, { code: 'duplicate_code', grids: 2 }]);
  });

  it('refuses a code another tier holds and a code of bad characters, with their figures as data', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const [west, east] = grids('clean-two-halves');
    const { report } = await refused(jid, [{ ...west, code: '110101001' }, { ...east, code: '110101001 2' }]);
    expect(report.errors.map((e) => [e.kind, e.codes, e.detail])).toEqual([
      ['bad_code', ['110101001 2'], { code: 'bad_code' }],
      ['code_not_nested', ['110101001'], { code: 'code_not_nested', parent: '110101001' }],
      ['code_taken', ['110101001'], { code: 'code_taken', tier: 1, name: 'East street' }],
    ]);
    expect(report.errors[2].message).toBe('grid 110101001: code already used by the current tier-1 grid "East street"');
  });

  it('lists a sliver gap apart and publishes', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const r = await t.db.tx((q) => publishGrids(q, input(jid, grids('sliver-gap'))));
    expect(r.report.errors).toEqual([]);
    expect(r.report.slivers.map((s) => s.kind)).toEqual(['gap']);
    expect(r.report.slivers[0].areaM2).toBeGreaterThan(5);
    expect(r.report.slivers[0].areaM2).toBeLessThan(50);
  });

  it('accepts a multipolygon with a hole filled by a sibling', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    const r = await t.db.tx((q) => publishGrids(q, input(jid, grids('multipolygon-with-hole'))));
    expect(r.report.errors).toEqual([]);
    const located = await locatePoint(t.db, { lng: 116.41, lat: 39.905 }, { jurisdictionId: jid });
    expect(located?.chain.at(-1)?.code).toBe(r.opened.find((o) => o.name === 'island')?.code);
  });

  it('refuses to redraw a parent so that its kept children reach outside it', async () => {
    const jid = await seedStreet(t.db, uniq('pub'));
    await t.db.tx((q) => publishGrids(q, input(jid, grids('clean-two-halves'))));
    // Shrink the street to its west half under the same code: community 002 would be left outside.
    const west = grids('clean-two-halves')[0].geom;
    let code = '';
    try {
      await t.db.tx((q) => publishGrids(q, { jurisdictionId: jid, parentCode: null, tier: 1, grids: [{ code: '110101001', name: 'East street', geom: west }], replaceChildren: false, user: null }));
    } catch (err) {
      code = (err as HttpError).code;
      expect(((err as HttpError).details as { children: { code: string }[] }).children.map((c) => c.code)).toEqual(['110101001002']);
    }
    expect(code).toBe('children_outside');
    const { rows } = await t.db.query("SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 AND code = '110101001'", [jid]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses households outside the band unless warnings are accepted', async () => {
    const jid = await seedStreet(t.db, uniq('pub'), { min: 200, max: 400 });
    const { code, report } = await refused(jid, grids('clean-two-halves'));
    expect(code).toBe('topology_warnings');
    expect(report.warnings.map((w) => [w.kind, w.households])).toEqual([['households_out_of_band', 150], ['households_out_of_band', 150]]);
    expect(report.warnings[0].detail).toEqual({ code: 'households_out_of_band', households: 150, min: 200, max: 400 });
    const r = await t.db.tx((q) => publishGrids(q, input(jid, grids('clean-two-halves'), { acceptWarnings: true })));
    expect(r.opened).toHaveLength(2);
  });
});
