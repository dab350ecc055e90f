import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { makeTown } from './fixtures/town.ts';

let t: TestApp;
let jid: number;
let code: string;
let dispatcher: string;
const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const count = async () => (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1 AND source = 'import'", [jid])).rows[0].n;

beforeAll(async () => {
  t = await testApp();
  ({ jid, code } = await makeTown(t, 'import'));
  dispatcher = await tokenFor(t, ['dispatcher'], { jurisdictionId: jid });
});
afterAll(async () => { await t?.close(); });

describe('POST /api/incidents/import', () => {
  it('streams a CSV in the Chicago data set\'s format, locating what falls in a grid', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404&timeZone=America/Chicago', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-chicago-format.csv') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, imported: 3, located: 2, skipped: 0 });
    const { rows } = await t.db.query<{ grid_code: string | null; reported_at: Date; status: string; attributes: Record<string, string> }>(
      "SELECT grid_code, reported_at, status, attributes FROM incidents WHERE jurisdiction_id = $1 AND source = 'import' ORDER BY reported_at", [jid]);
    expect(rows.map((r) => r.grid_code)).toEqual([`${code}001001`, `${code}002`, null]);
    // Local Chicago time (CST, UTC−6) → UTC.
    expect(rows[0].reported_at.toISOString()).toBe('2019-03-01T14:05:00.000Z');
    expect(rows[0]).toMatchObject({ status: 'closed', attributes: { loc_cat: 'street', district: '1' } });
  });

  it('stops at a bad row and writes nothing, or skips it when asked', async () => {
    const before = await count();
    const strict = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-bad-time.csv') });
    expect(strict.statusCode).toBe(422);
    expect(errorCode(strict)).toBe('bad_row');
    expect(strict.json().error.details).toEqual({ row: 2 });
    expect(await count()).toBe(before);
    const lenient = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404&skipInvalid=true', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: fixture('historical-bad-time.csv') });
    expect(lenient.json()).toMatchObject({ imported: 1, skipped: 1, errors: [{ row: 2, reason: 'no valid time ("yesterday")' }] });
    expect(await count()).toBe(before + 1);
  });

  it('takes GeoJSON with a category per feature, and refuses unknown categories', async () => {
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [116.4025, 39.905] }, properties: { reported_at: '2020-05-01T10:00:00+08:00', category: '0301', description: 'rubbish' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [116.4150, 39.905] }, properties: { reported_at: '2020-05-02T10:00:00+08:00', category: '0202' } },
    ] };
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
    expect(res.json()).toMatchObject({ imported: 2, located: 2 });
    fc.features[1].properties.category = '9999';
    const bad = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/geo+json' }, payload: JSON.stringify(fc) });
    expect(bad.json().error).toMatchObject({ code: 'bad_row', message: expect.stringMatching(/unknown category "9999"/) });
  });

  it('refuses files without the needed columns, other media types, and officers', async () => {
    const cols = await t.app.inject({ method: 'POST', url: '/api/incidents/import?category=0404', headers: { ...bearer(dispatcher), 'content-type': 'text/csv' }, payload: 'a,b\n1,2\n' });
    expect(errorCode(cols)).toBe('missing_columns');
    const xml = await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(dispatcher), 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
    const officer = await tokenFor(t, ['officer'], { jurisdictionId: jid });
    expect((await t.app.inject({ method: 'POST', url: '/api/incidents/import', headers: { ...bearer(officer), 'content-type': 'text/csv' }, payload: 'x' })).statusCode).toBe(403);
  });
});
