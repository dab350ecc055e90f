import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, uniq, type TestApp } from '../../test/helpers.ts';
import { gridsDemo } from './demo.ts';
import { seedStreet } from './testkit.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(async () => { await t?.close(); });

describe('gridsDemo', () => {
  it('gives every top-two-tier grid a head and an officer with a public contact', async () => {
    const jid = await seedStreet(t.db, uniq('demo'));
    await gridsDemo(t.db, jid, t.config, () => undefined);
    const { rows } = await t.db.query('SELECT grid_code, role, public_contact IS NOT NULL AS public FROM grid_staff WHERE jurisdiction_id = $1 ORDER BY sort', [jid]);
    expect(rows).toEqual([{ grid_code: '110101001', role: 'head', public: false }, { grid_code: '110101001', role: 'officer', public: true }]);
  });
});
