import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { makeTown } from './fixtures/town.ts';

let t: TestApp;
let jid: number;
let code: string;
let analyst: string;

/**
 * The hand-checked fixture: 972 cases due in October 2026 in unit grid A1 — 911 closed, of
 * which 737 by their deadline — plus 5 rejected and 3 parked cases that are not counted as due,
 * and 10 cases of community B due in November (outside the period).
 */
beforeAll(async () => {
  t = await testApp();
  ({ jid, code } = await makeTown(t, 'assess'));
  analyst = await tokenFor(t, ['analyst'], { jurisdictionId: jid });
  const chainA1 = JSON.stringify([{ code, tier: 1, name: 'East street' }, { code: `${code}001`, tier: 2, name: 'A community' }, { code: `${code}001001`, tier: 3, name: 'A1' }]);
  const insert = `INSERT INTO incidents (jurisdiction_id, geom, category_code, status, grid_code, chain_id, grid_codes, tier, department_id,
                    reported_at, close_due_at, closed_at, closed_tier, rework_count, satisfaction)
    SELECT $1, ST_SetSRID(ST_MakePoint(116.4025, 39.905), 4326), '0202', $2, $3, grid_chain_id($4::jsonb), ARRAY(SELECT e->>'code' FROM jsonb_array_elements($4::jsonb) e), 3,
           (SELECT id FROM departments WHERE code = 'municipal'),
           '2026-10-01T00:00:00Z'::timestamptz, '2026-10-10T00:00:00Z'::timestamptz + g * interval '1 minute',
           CASE WHEN $2 IN ('closed', 'evaluated') THEN '2026-10-10T00:00:00Z'::timestamptz + g * interval '1 minute' + $5::interval END, CASE WHEN $2 IN ('closed', 'evaluated') THEN 3 END,
           $6, $7
      FROM generate_series(1, $8) g`;
  const add = (status: string, offset: string, n: number, rework = 0, satisfaction: number | null = null, grid = chainA1, leaf = `${code}001001`) =>
    t.db.query(insert, [jid, status, leaf, grid, offset, rework, satisfaction, n]);
  await add('closed', '-1 hour', 700);          // on time
  await add('evaluated', '-1 hour', 37, 0, 4);   // on time, evaluated
  await add('closed', '+2 days', 170, 1);        // late, reworked
  await add('evaluated', '+2 days', 4, 0, 2);    // late, evaluated
  await add('dispatched', '0', 61);              // still open
  await add('rejected', '0', 5);
  await add('parked', '0', 3);
  await t.db.query(`UPDATE incidents SET close_due_at = close_due_at + interval '40 days', grid_code = $2
                     WHERE id IN (SELECT id FROM incidents WHERE jurisdiction_id = $1 AND status = 'dispatched' ORDER BY id LIMIT 10)`, [jid, `${code}002`]);
});
afterAll(async () => { await t?.close(); });

const get = (qs: string) => t.app.inject({ method: 'GET', url: `/api/assessment?${qs}`, headers: bearer(analyst) });

describe('GET /api/assessment', () => {
  it('counts due, closed and on time and gives 93.72 % and 75.82 %', async () => {
    // The 10 moved cases fall in November: the October figures are the fixture's.
    const res = await get('by=grid&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const { total, rows } = res.json();
    expect(total).toMatchObject({ due: 962, closed: 911, onTime: 737, parked: 3, reworked: 170 });
    // The 51 still-open October cases are past their deadline now: red.
    expect(total).toMatchObject({ red: 51, yellow: 0 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: `${code}001001`, name: 'A1', rank: 1 });
    // 962 due here; with the 10 November cases back in the period: 972 due → the hand-checked rates.
    const all = (await get('by=grid&tier=2&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z')).json();
    expect(all.total).toMatchObject({ due: 972, closed: 911, onTime: 737, closureRate: 93.72, onTimeRate: 75.82, reworkRate: 17.49 });
    expect(all.total.avgSatisfaction).toBeCloseTo((37 * 4 + 4 * 2) / 41, 2);
    expect(all.rows.map((r: { key: string }) => r.key)).toEqual([`${code}001`]);
  });

  it('groups by department and by tier', async () => {
    const dep = (await get('by=department&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z')).json();
    expect(dep.rows).toHaveLength(1);
    expect(dep.rows[0]).toMatchObject({ key: 'municipal', name: '市政设施所', due: 972 });
    expect(dep.rows[0].score).toBeGreaterThan(0);
    const tier = (await get('by=tier&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z')).json();
    expect(tier.rows[0]).toMatchObject({ key: '3', name: '单元网格' });
  });

  it('exports CSV', async () => {
    const res = await get('by=grid&format=csv&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('rank,key,name,due,closed,onTime,closureRate,onTimeRate,reworked,reworkRate,extended,extensionRate,parked,avgHandlingHours,avgSatisfaction,emergencyDue,emergencyClosed,yellow,red,score');
    expect(lines[1]).toMatch(new RegExp(`^1,${code}001001,A1,962,911,737,`));
  });

  it('refuses a reversed period and viewers', async () => {
    expect(errorCode(await get('from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z'))).toBe('bad_period');
    // Year 0000 passed the date-time format and PostgreSQL refused it mid-query: a 500 (probe of 2026-12-01).
    expect(errorCode(await get('from=0000-01-01T00:00:00Z&to=2026-10-01T00:00:00Z'))).toBe('invalid_date');
    const viewer = await tokenFor(t, ['viewer'], { jurisdictionId: jid });
    expect((await t.app.inject({ method: 'GET', url: '/api/assessment?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', headers: bearer(viewer) })).statusCode).toBe(403);
  });
});
