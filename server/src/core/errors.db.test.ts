import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { outOfRangeEcho } from './errors.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await testApp(); admin = await tokenFor(t, ['admin']); });
afterAll(async () => { await t?.close(); });

describe('values past what PostgreSQL holds (probe of 2026-12-01)', () => {
  it('are 400 out_of_range naming the value on every route that took them to a 500', async () => {
    const n = '99999999999';
    for (const url of [`/api/jurisdictions/${n}`, `/api/grids?jurisdiction=${n}`, `/api/hotspots/h3?jurisdiction=${n}`, `/api/grids/changesets?jurisdiction=${n}`,
      `/api/incidents/settings?jurisdictionId=${n}`, `/api/departments?jurisdictionId=${n}`, `/api/assessment?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&jurisdictionId=${n}`]) {
      const res = await t.app.inject({ url, headers: bearer(admin) });
      expect([res.statusCode, res.statusCode < 500 && errorCode(res)], `${url}: ${res.body}`).toEqual([400, 'out_of_range']);
      expect(res.json().error.message).toContain(n);
    }
  });

  it('stay 500 when the value is not the client\'s', () => {
    const err = { code: '22003', message: 'value "3000000000" is out of range for type integer' };
    expect(outOfRangeEcho(err, '/api/grids?jurisdiction=1')).toBeNull();
    expect(outOfRangeEcho(err, '/api/grids?jurisdiction=3000000000')).toMatchObject({ code: 'out_of_range' });
    expect(outOfRangeEcho({ code: '22012', message: 'division by zero' }, 'x')).toBeNull();
  });
});
