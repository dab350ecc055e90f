import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { IN_A1, makeTown } from './fixtures/town.ts';

let t: TestApp;
let jid: number;

beforeAll(async () => {
  t = await testApp();
  ({ jid } = await makeTown(t, 'o311'));
});
afterAll(async () => { await t?.close(); });

// What a stock GeoReport v2 client sends: a form-encoded POST, then GETs with .json/.xml.
const form = (fields: Record<string, string | number>) => new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();

describe('Open311 GeoReport v2', () => {
  it('lists categories as services in JSON and XML', async () => {
    const json = await t.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(json.statusCode).toBe(200);
    const light = json.json().find((s: { service_code: string }) => s.service_code === '0202');
    expect(light).toMatchObject({ service_name: 'Broken street light', metadata: false, type: 'realtime', group: 'Public facilities' });
    const zh = (await t.app.inject({ method: 'GET', url: '/open311/v2/services.json?locale=zh-CN' })).json();
    expect(zh.find((s: { service_code: string }) => s.service_code === '0202').service_name).toBe('路灯损坏');
    const xml = await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml' });
    expect(xml.headers['content-type']).toMatch(/text\/xml/);
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service><service_code>01/);
    const definition = await t.app.inject({ method: 'GET', url: '/open311/v2/services/0202.json' });
    expect(definition.json()).toEqual({ service_code: '0202', attributes: [] });
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/services/9999.json' })).statusCode).toBe(404);
    const discovery = (await t.app.inject({ method: 'GET', url: '/open311/v2/discovery.json' })).json();
    expect(discovery.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['application/json', 'text/xml'] });
  });

  it('takes a form-encoded anonymous request and shows it back without the contact', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ service_code: '0202', lat: IN_A1.lat, long: IN_A1.lng, description: 'Lamp <out> & dark', email: 'citizen@example.org', first_name: 'Li', api_key: 'anything', jurisdiction_id: jid }),
    });
    expect(res.statusCode).toBe(201);
    const [created] = res.json();
    expect(created.service_request_id).toMatch(/^[0-9]+$/);
    const one = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${created.service_request_id}.json` });
    const [req] = one.json();
    expect(req).toMatchObject({ service_request_id: created.service_request_id, status: 'open', service_code: '0202', service_name: 'Broken street light', description: 'Lamp <out> & dark', lat: IN_A1.lat, long: IN_A1.lng });
    expect(Date.parse(req.expected_datetime)).toBeGreaterThan(Date.parse(req.requested_datetime));
    expect(one.body).not.toMatch(/citizen@example/);
    const xml = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${created.service_request_id}.xml` });
    expect(xml.body).toContain('<description>Lamp &lt;out&gt; &amp; dark</description>');
    // Stored as a normal incident with source open311 and the contact kept privately.
    const dispatcher = await tokenFor(t, ['dispatcher'], { jurisdictionId: jid });
    const inc = (await t.app.inject({ method: 'GET', url: `/api/incidents/${created.service_request_id}`, headers: bearer(dispatcher) })).json();
    expect(inc).toMatchObject({ source: 'open311', reporterContact: 'Li; citizen@example.org' });
    // Closing it shows as closed.
    for (const b of [{ action: 'register' }, { action: 'dispatch', department: 'municipal' }, { action: 'handle' }, { action: 'close', note: 'Lamp replaced' }]) {
      await t.app.inject({ method: 'POST', url: `/api/incidents/${created.service_request_id}/actions`, headers: bearer(dispatcher), payload: b });
    }
    const closed = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${created.service_request_id}` })).json();
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: 'Lamp replaced', agency_responsible: 'Municipal works' });
    const open = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?status=open&jurisdiction_id=${jid}` })).json();
    expect(open.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(created.service_request_id);
  });

  it('answers errors the Open311 way', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ service_code: '0202', address_string: '1 Main St' }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual([{ code: 400, description: 'address_string alone is not supported: send lat and long' }]);
    const unknown = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ service_code: '9999', lat: IN_A1.lat, long: IN_A1.lng }) });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toMatch(/<errors><error><code>422<\/code><description>No category/);
    // An unknown service_code in a search was an empty list (probe of 2026-12-01).
    const typo = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=0202,ZZZ' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toEqual([{ code: 400, description: 'No service "ZZZ"; see services.json' }]);
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=0202' })).statusCode).toBe(200);
    const none = await t.app.inject({ method: 'GET', url: '/open311/v2/requests/999999999.json' });
    expect(none.statusCode).toBe(404);
    expect(none.json()[0].code).toBe(404);
  });
});
