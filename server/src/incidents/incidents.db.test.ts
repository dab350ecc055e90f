import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { clock } from './clock.ts';
import { IN_A1, IN_B, makeTown } from './fixtures/town.ts';

let t: TestApp;
let jid: number;
let code: string;
let dispatcher: string;
let officer: string;
let viewer: string;
const realNow = clock.now;
// Monday 2026-11-16 10:00 Beijing time.
const MONDAY_10 = new Date('2026-11-16T02:00:00Z');
const setNow = (d: Date) => { clock.now = () => d; };

beforeAll(async () => {
  t = await testApp();
  ({ jid, code } = await makeTown(t));
  dispatcher = await tokenFor(t, ['dispatcher'], { jurisdictionId: jid });
  officer = await tokenFor(t, ['officer'], { jurisdictionId: jid });
  viewer = await tokenFor(t, ['viewer'], { jurisdictionId: jid });
});
afterEach(() => { clock.now = realNow; });
afterAll(async () => { await t?.close(); });

const report = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/incidents', headers: { ...bearer(token), ...headers }, payload });
const act = (token: string, id: number, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: bearer(token), payload });
const count = async (sql: string, params: unknown[]) => (await t.db.query<{ n: number }>(sql, params)).rows[0].n;

describe('categories and departments', () => {
  it('lists two-level categories with codes in Chinese and English', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/categories' });
    expect(res.statusCode).toBe(200);
    const majors = res.json();
    const facilities = majors.find((m: { code: string }) => m.code === '02');
    expect(facilities.name).toBe('市政设施');
    expect(facilities.children.map((c: { code: string; nameEn: string }) => [c.code, c.nameEn])).toContainEqual(['0202', 'Broken street light']);
  });

  it('lists the seeded departments', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/departments' });
    expect(res.json().map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['municipal', 'sanitation', 'police']));
  });
});

describe('POST /api/incidents', () => {
  it('locates the report, gives class and deadlines, keeps the contact private', async () => {
    setNow(MONDAY_10);
    const res = await report(officer, { ...IN_A1, category: '0202', description: 'Street light out', source: 'patrol', reporterContact: '138 0000 0000' });
    expect(res.statusCode).toBe(201);
    const inc = res.json();
    expect(inc.status).toBe('reported');
    expect(inc.gridChain.map((c: { code: string }) => c.code)).toEqual([code, `${code}001`, `${code}001001`]);
    expect(inc.gridCode).toBe(`${code}001001`);
    expect(inc.tier).toBe(3);
    expect(inc.class).toBe('ordinary');
    // 0202 closes within 3 working days: Mon 10:00 + 24 wh → Thu 10:00 Beijing = 02:00Z.
    expect(inc.deadlines.closeDueAt).toBe('2026-11-19T02:00:00.000Z');
    expect(inc.deadlines.handleDueAt).toBeNull();
    expect(inc.light).toBe('green');
    expect(inc.reporterContact).toBeUndefined();
    const asDispatcher = await t.app.inject({ method: 'GET', url: `/api/incidents/${inc.id}`, headers: bearer(dispatcher) });
    expect(asDispatcher.json().reporterContact).toBe('138 0000 0000');
    expect(asDispatcher.json().history.map((h: { action: string }) => h.action)).toEqual(['report']);
  });

  it('takes GCJ-02 coordinates and converts them to WGS84', async () => {
    const gcj = (await import('gcoord')).default.transform([IN_A1.lng, IN_A1.lat], 'WGS84' as never, 'GCJ02' as never) as number[];
    expect(Math.abs(gcj[0] - IN_A1.lng)).toBeGreaterThan(0.001);
    const res = await report(officer, { lng: gcj[0], lat: gcj[1], crs: 'GCJ02', category: '0301' });
    expect(res.statusCode).toBe(201);
    expect(res.json().lng).toBeCloseTo(IN_A1.lng, 5);
    expect(res.json().gridCode).toBe(`${code}001001`);
  });

  it('gives immediate and emergency classes their handle-by deadlines', async () => {
    setNow(MONDAY_10);
    const gas = (await report(officer, { ...IN_B, category: '0403' })).json();
    expect(gas.class).toBe('emergency');
    expect(gas.deadlines.handleDueAt).toBe('2026-11-16T03:00:00.000Z');
    expect(gas.deadlines.closeDueAt).toBe('2026-11-16T04:00:00.000Z');
    expect(gas.gridCode).toBe(`${code}002`);
    const drain = (await report(officer, { ...IN_B, category: '0203' })).json();
    expect(drain.deadlines.handleDueAt).toBe('2026-11-17T02:00:00.000Z');
  });

  it('refuses bad input with specific codes and writes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1', [jid]);
    const unknown = await report(officer, { ...IN_A1, category: '9999' });
    expect(unknown.statusCode).toBe(422);
    expect(errorCode(unknown)).toBe('unknown_category');
    const outside = await report(officer, { lng: 7.42, lat: 43.73, category: '0202' });
    expect(outside.statusCode).toBe(422);
    expect(errorCode(outside)).toBe('outside_grids');
    const bad = await report(officer, { lng: 200, lat: 39, category: '0202' });
    expect(errorCode(bad)).toBe('bad_coordinates');
    const extra = await report(officer, { ...IN_A1, category: '0202', colour: 'red' });
    expect(errorCode(extra)).toBe('validation_failed');
    expect((await report(viewer, { ...IN_A1, category: '0202' })).statusCode).toBe(403);
    expect(await count('SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1', [jid])).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key with the same incident, even concurrently', async () => {
    const key = `retry-${Date.now()}`;
    const body = { ...IN_A1, category: '0201', description: 'bin' };
    const [a, b, c] = await Promise.all([report(officer, body, { 'idempotency-key': key }), report(officer, body, { 'idempotency-key': key }), report(officer, body, { 'idempotency-key': key })]);
    const ids = [a, b, c].map((r) => r.json().id);
    expect(new Set(ids).size).toBe(1);
    expect([a, b, c].map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    const later = await report(officer, body, { 'idempotency-key': key });
    expect(later.statusCode).toBe(200);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(await count('SELECT count(*)::int AS n FROM incidents WHERE idempotency_key = $1', [key])).toBe(1);
  });
});

describe('the closed loop', () => {
  it('runs report → register → dispatch → handle → rework → handle → close → evaluate, with history', async () => {
    setNow(MONDAY_10);
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    const steps: [string, Record<string, unknown>, string][] = [
      ['register', {}, 'registered'],
      ['dispatch', { department: 'municipal' }, 'dispatched'],
      ['handle', { note: 'bulb replaced' }, 'handled'],
      ['rework', { note: 'still dark' }, 'dispatched'],
      ['handle', { note: 'wiring fixed' }, 'handled'],
      ['close', {}, 'closed'],
      ['evaluate', { satisfaction: 5 }, 'evaluated'],
    ];
    for (const [action, extra, status] of steps) {
      const token = action === 'handle' ? officer : dispatcher;
      const res = await act(token, id, { action, ...extra });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      expect(res.json().status).toBe(status);
    }
    const inc = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}`, headers: bearer(dispatcher) })).json();
    expect(inc.history.map((h: { action: string }) => h.action)).toEqual(['report', ...steps.map((s) => s[0])]);
    expect(inc.reworkCount).toBe(1);
    expect(inc.satisfaction).toBe(5);
    expect(inc.closedTier).toBe(3);
    expect(inc.department.code).toBe('municipal');
    expect(inc.light).toBe('none');
    expect(inc.version).toBe(8);
  });

  it('answers an illegal action with 409 and the actions allowed now', async () => {
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    const res = await act(dispatcher, id, { action: 'close' });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('illegal_action');
    expect(res.json().error.details).toEqual({ status: 'reported', allowed: ['register', 'reject', 'escalate'] });
    const officerTry = await act(officer, id, { action: 'register' });
    expect(officerTry.statusCode).toBe(403);
    const missing = await act(dispatcher, id, { action: 'reject' });
    expect(errorCode(missing)).toBe('missing_field');
    expect(await count('SELECT count(*)::int AS n FROM incident_history WHERE incident_id = $1', [id])).toBe(1);
  });

  it('lets only one of two concurrent actions succeed', async () => {
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    const results = await Promise.all([act(dispatcher, id, { action: 'register' }), act(dispatcher, id, { action: 'reject', note: 'duplicate' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await count("SELECT count(*)::int AS n FROM incident_history WHERE incident_id = $1 AND action <> 'report'", [id])).toBe(1);
    const stale = await act(dispatcher, id, { action: 'escalate', note: 'x', version: 1 });
    expect(errorCode(stale)).toBe('version_conflict');
  });

  it('escalates up the tiers and stops at the top', async () => {
    const id = (await report(officer, { ...IN_A1, category: '0101' })).json().id;
    await act(dispatcher, id, { action: 'register' });
    await act(dispatcher, id, { action: 'dispatch', department: 'justice' });
    const up = await act(officer, id, { action: 'escalate', note: 'the community cannot settle it' });
    expect(up.json()).toMatchObject({ tier: 2, status: 'registered', department: null, escalationCount: 1 });
    expect((await act(dispatcher, id, { action: 'escalate', note: 'town' })).json().tier).toBe(1);
    const top = await act(dispatcher, id, { action: 'escalate', note: 'again' });
    expect(errorCode(top)).toBe('top_tier');
    await act(dispatcher, id, { action: 'dispatch', department: 'justice' });
    await act(dispatcher, id, { action: 'handle' });
    expect((await act(dispatcher, id, { action: 'close' })).json().closedTier).toBe(1);
  });

  it('parks with a reason and approver, and unparks with the deadlines moved on', async () => {
    setNow(MONDAY_10);
    const inc = (await report(officer, { ...IN_A1, category: '0202' })).json();
    await act(dispatcher, inc.id, { action: 'register' });
    expect(errorCode(await act(dispatcher, inc.id, { action: 'park', note: 'needs budget' }))).toBe('missing_field');
    const parked = (await act(dispatcher, inc.id, { action: 'park', note: 'needs budget', approver: 'Director Wang' })).json();
    expect(parked).toMatchObject({ status: 'parked', light: 'none', park: { reason: 'needs budget', approver: 'Director Wang', from: 'registered' } });
    setNow(new Date(MONDAY_10.getTime() + 48 * 3600_000));
    const back = (await act(dispatcher, inc.id, { action: 'unpark' })).json();
    expect(back.status).toBe('registered');
    expect(Date.parse(back.deadlines.closeDueAt) - Date.parse(inc.deadlines.closeDueAt)).toBe(48 * 3600_000);
  });

  it('reopens an evaluated case after a bad call-back, and extends a deadline', async () => {
    setNow(MONDAY_10);
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    for (const b of [{ action: 'register' }, { action: 'dispatch', department: 'municipal' }, { action: 'handle' }, { action: 'close' }, { action: 'evaluate', satisfaction: 1 }]) await act(dispatcher, id, b);
    const reopened = (await act(dispatcher, id, { action: 'reopen', note: 'resident says it is still dark' })).json();
    expect(reopened).toMatchObject({ status: 'dispatched', reopenCount: 1, satisfaction: null });
    const extended = (await act(dispatcher, id, { action: 'extend', note: 'parts on order', limit: '2wd' })).json();
    expect(extended.extended).toBe(true);
    // Thu 10:00 (the old close-by) + 16 wh → Mon 10:00 Beijing.
    expect(extended.deadlines.closeDueAt).toBe('2026-11-23T02:00:00.000Z');
  });
});

describe('lights', () => {
  it('turn yellow and red by the clock alone, and the list filters by them', async () => {
    setNow(MONDAY_10);
    const inc = (await report(officer, { ...IN_B, category: '0202', description: 'light test' })).json();
    const light = async () => (await t.app.inject({ method: 'GET', url: `/api/incidents/${inc.id}`, headers: bearer(viewer) })).json().light;
    expect(await light()).toBe('green');
    // 75 % of 24 wh = 18 wh → Wed 12:00 + … : Mon 10–18 (7 h), Tue 8 h, Wed 09–12 (3 h) = 18 h → Wed 12:00.
    expect(inc.deadlines.closeWarnAt).toBe('2026-11-18T04:00:00.000Z');
    setNow(new Date('2026-11-18T05:00:00Z'));
    expect(await light()).toBe('yellow');
    setNow(new Date('2026-11-19T03:00:00Z'));
    expect(await light()).toBe('red');
    const red = await t.app.inject({ method: 'GET', url: `/api/incidents?light=red&grid=${code}002&limit=500`, headers: bearer(viewer) });
    expect(red.json().items.map((i: { id: number }) => i.id)).toContain(inc.id);
    expect(red.json().items.every((i: { light: string }) => i.light === 'red')).toBe(true);
  });
});

describe('GET /api/incidents', () => {
  it('filters, pages and answers GeoJSON', async () => {
    const all = await t.app.inject({ method: 'GET', url: `/api/incidents?grid=${code}&limit=2`, headers: bearer(viewer) });
    expect(all.statusCode).toBe(200);
    const body = all.json();
    expect(body.items).toHaveLength(2);
    expect(body.total).toBeGreaterThan(5);
    const page2 = (await t.app.inject({ method: 'GET', url: `/api/incidents?grid=${code}&limit=2&offset=2`, headers: bearer(viewer) })).json();
    expect(page2.items[0].id).not.toBe(body.items[0].id);
    const facilities = (await t.app.inject({ method: 'GET', url: '/api/incidents?category=02&status=reported,registered&limit=1000', headers: bearer(viewer) })).json();
    expect(facilities.items.every((i: { category: { parentCode: string }; status: string }) => i.category.parentCode === '02' && ['reported', 'registered'].includes(i.status))).toBe(true);
    const geo = (await t.app.inject({ method: 'GET', url: `/api/incidents?format=geojson&bbox=116.41,39.90,116.42,39.91&limit=1000`, headers: bearer(viewer) })).json();
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features.length).toBeGreaterThan(0);
    expect(geo.features.every((f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates[0] >= 116.41)).toBe(true);
  });

  it('keeps other jurisdictions out', async () => {
    const other = await makeTown(t, 'other');
    const stranger = await tokenFor(t, ['dispatcher'], { jurisdictionId: other.jid });
    const mine = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${mine}`, headers: bearer(stranger) })).statusCode).toBe(404);
    const list = (await t.app.inject({ method: 'GET', url: '/api/incidents?limit=1000', headers: bearer(stranger) })).json();
    expect(list.items.every((i: { jurisdictionId: number }) => i.jurisdictionId === other.jid)).toBe(true);
  });
});

describe('bad input loses nothing (probe of 2026-12-01)', () => {
  /** The case and its history as stored, to compare before and after a refused step. */
  const snapshot = async (id: number) => ({
    row: (await t.db.query('SELECT * FROM incidents WHERE id = $1', [id])).rows[0],
    history: (await t.db.query('SELECT * FROM incident_history WHERE incident_id = $1 ORDER BY id', [id])).rows,
  });

  it('refuses out-of-order, repeated, unknown and closed-case steps with a specific 4xx and changes nothing', async () => {
    setNow(MONDAY_10);
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    const refuse = async (payload: Record<string, unknown>, status: number, code: string) => {
      const before = await snapshot(id);
      const res = await act(dispatcher, id, payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      expect(errorCode(res)).toBe(code);
      expect(await snapshot(id)).toEqual(before);
    };
    await refuse({ action: 'close' }, 409, 'illegal_action');
    await refuse({ action: 'accept' }, 400, 'validation_failed');
    await refuse({ action: 'handle' }, 409, 'illegal_action');
    expect((await act(dispatcher, id, { action: 'register' })).statusCode).toBe(200);
    await refuse({ action: 'register' }, 409, 'illegal_action');
    await refuse({ action: 'dispatch' }, 400, 'missing_field');
    await refuse({ action: 'dispatch', department: 'nope' }, 422, 'unknown_department');
    await refuse({ action: 'dispatch', department: 99999999999 }, 422, 'unknown_department');
    await refuse({ action: 'dispatch', department: '99999999999999999999' }, 422, 'unknown_department');
    await refuse({ action: 'dispatch', department: 'municipal', version: 1 }, 409, 'version_conflict');
    await refuse({ action: 'extend', note: 'x', limit: '0h' }, 400, 'bad_limit');
    await refuse({ action: 'extend', note: 'x', limit: '0.0wd' }, 400, 'bad_limit');
    await refuse({ action: 'extend', note: 'x', limit: '99999wd' }, 422, 'limit_too_long');
    await refuse({ action: 'extend', note: 'x', limit: '99999999999999d' }, 422, 'limit_too_long');
    await refuse({ action: 'extend', note: 'x', limit: '367d' }, 422, 'limit_too_long');
    for (const b of [{ action: 'dispatch', department: 'municipal' }, { action: 'handle' }, { action: 'close' }]) expect((await act(dispatcher, id, b)).statusCode).toBe(200);
    await refuse({ action: 'close' }, 409, 'illegal_action');
    await refuse({ action: 'dispatch', department: 'municipal' }, 409, 'illegal_action');
    await refuse({ action: 'extend', note: 'x', limit: '1d' }, 409, 'illegal_action');
    await refuse({ action: 'evaluate', satisfaction: 9 }, 400, 'validation_failed');
    expect((await act(dispatcher, id, { action: 'extend', note: 'x', limit: '1d' })).statusCode).toBe(409);
  });

  it('of two identical concurrent steps takes one and answers the other 409', async () => {
    const id = (await report(officer, { ...IN_A1, category: '0202' })).json().id;
    const [a, b] = await Promise.all([act(dispatcher, id, { action: 'register' }), act(dispatcher, id, { action: 'register' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(errorCode(a.statusCode === 409 ? a : b)).toBe('illegal_action');
    expect(await count("SELECT count(*)::int AS n FROM incident_history WHERE incident_id = $1 AND action = 'register'", [id])).toBe(1);
    expect(await count('SELECT version AS n FROM incidents WHERE id = $1', [id])).toBe(2);
  });

  it('refuses an Idempotency-Key reused with a different report (422) and replays the same one', async () => {
    const key = `reuse-${Date.now()}`;
    const body = { ...IN_A1, category: '0201', description: 'bin' };
    const first = await report(officer, body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    for (const other of [{ ...body, description: 'another bin' }, { ...body, category: '0202' }, { ...body, lng: IN_A1.lng + 0.0001 }, { ...body, class: 'emergency' }]) {
      const res = await report(officer, other, { 'idempotency-key': key });
      expect(res.statusCode, res.body).toBe(422);
      expect(errorCode(res)).toBe('idempotency_key_reused');
      expect(res.json().error.details).toEqual({ incidentId: first.json().id });
    }
    // A later step does not make the same retry look different: the request is compared.
    expect((await act(dispatcher, first.json().id, { action: 'register', category: '0202' })).statusCode).toBe(200);
    const again = await report(officer, body, { 'idempotency-key': key });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await count('SELECT count(*)::int AS n FROM incidents WHERE idempotency_key = $1', [key])).toBe(1);
    // The key is the reporter's: another user's same key is a new report.
    const other = await tokenFor(t, ['officer'], { jurisdictionId: jid });
    expect((await report(other, { ...body, description: 'mine' }, { 'idempotency-key': key })).statusCode).toBe(201);
  });

  it('names unknown filter values of the incident list (400) and keeps empty lists for known ones', async () => {
    const list = (qs: string) => t.app.inject({ method: 'GET', url: `/api/incidents?${qs}`, headers: bearer(viewer) });
    const cases: [string, string][] = [
      ['category=ZZZ', 'unknown_category'], ['department=nope', 'unknown_department'], ['department=99999999999', 'unknown_department'],
      ['grid=NOPE', 'unknown_grid'], ['jurisdictionId=999999', 'unknown_jurisdiction'], ['source=zzz', 'validation_failed'],
      // Year 0000 passed the date-time format and PostgreSQL refused it mid-query: a 500.
      ['from=0000-01-01T00:00:00Z', 'invalid_date'],
    ];
    for (const [qs, code] of cases) {
      const res = await list(qs);
      expect(res.statusCode, `${qs}: ${res.body}`).toBe(400);
      expect(errorCode(res)).toBe(code);
      if (code !== 'validation_failed') expect(res.json().error.message).toContain(qs.split('=')[1]);
    }
    // Known values that match nothing here: an empty list, not an error.
    const empty = await list(`grid=${code}&category=0102&source=open311&department=fire`);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ items: [], total: 0 });
  });
});
