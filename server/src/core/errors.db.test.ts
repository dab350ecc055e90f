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

describe('multipart bodies only where uploads are taken (core/uploads.ts)', () => {
  const boundary = 'wangge-boundary';
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nleak\r\n--${boundary}--\r\n`;
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };

  it('answers 415 unsupported_media_type for a multipart body sent to a JSON route, and writes nothing', async () => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents', headers: { ...bearer(admin), ...headers }, payload });
    expect([res.statusCode, errorCode(res)], res.body).toEqual([415, 'unsupported_media_type']);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(before);
  });

  it('still reads multipart where an upload route takes it (a file part is asked for)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/imports', headers: { ...bearer(admin), ...headers }, payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorCode(res)).not.toBe('unsupported_media_type');
  });
});
