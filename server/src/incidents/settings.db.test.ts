import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { clock } from './clock.ts';
import { IN_A1, makeTown } from './fixtures/town.ts';

let t: TestApp;
let jid: number;
let admin: string;
let officer: string;
const realNow = clock.now;

beforeAll(async () => {
  t = await testApp();
  ({ jid } = await makeTown(t, 'settings'));
  admin = await tokenFor(t, ['admin'], { jurisdictionId: jid });
  officer = await tokenFor(t, ['officer'], { jurisdictionId: jid });
});
afterEach(() => { clock.now = realNow; });
afterAll(async () => { await t?.close(); });

const report = async () => (await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0202' } })).json();

describe('deadline settings and the business calendar', () => {
  it('holidays set through the API push deadlines past them', async () => {
    // Fri 2026-12-04 16:00 Beijing; 0202 closes within 3 wd = 24 wh.
    clock.now = () => new Date('2026-12-04T08:00:00Z');
    expect((await report()).deadlines.closeDueAt).toBe('2026-12-09T08:00:00.000Z');
    for (const day of ['2026-12-07', '2026-12-08']) {
      const res = await t.app.inject({ method: 'PUT', url: `/api/incidents/calendar/${day}`, headers: bearer(admin), payload: { working: false, name: 'test holiday' } });
      expect(res.statusCode).toBe(200);
    }
    // Mon and Tue off: Fri 2 h, Wed 8, Thu 8, Fri 6 → Fri 2026-12-11 16:00.
    expect((await report()).deadlines.closeDueAt).toBe('2026-12-11T08:00:00.000Z');
    const del = await t.app.inject({ method: 'DELETE', url: '/api/incidents/calendar/2026-12-08', headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    expect((await report()).deadlines.closeDueAt).toBe('2026-12-10T08:00:00.000Z');
  });

  it('changes class limits, working hours and the yellow share per jurisdiction', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/incidents/settings', headers: bearer(admin), payload: { classes: { ordinary: { close: '5wd' } }, yellowShare: 0.5, calendar: { hours: [['08:00', '12:00'], ['14:00', '18:00']] } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ yellowShare: 0.5, classes: { ordinary: { close: '5wd', handle: null }, immediate: { handle: '24h' } }, calendar: { timeZone: 'Asia/Shanghai' } });
    clock.now = () => new Date('2026-12-14T00:00:00Z'); // Mon 08:00 Beijing
    const inc = (await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0205' } })).json();
    // 5 wd of 8 h from Mon 08:00 → Fri 18:00; yellow at 50 % = 20 wh: Mon 8 + Tue 8 + Wed 4 → Wed 12:00.
    expect(inc.deadlines.closeDueAt).toBe('2026-12-18T10:00:00.000Z');
    expect(inc.deadlines.closeWarnAt).toBe('2026-12-16T04:00:00.000Z');
  });

  it('refuses settings that cannot work, and non-admins', async () => {
    const bad = await t.app.inject({ method: 'PUT', url: '/api/incidents/settings', headers: bearer(admin), payload: { calendar: { timeZone: 'Nowhere/Land' } } });
    expect(bad.statusCode).toBe(422);
    expect(errorCode(bad)).toBe('bad_calendar');
    const limit = await t.app.inject({ method: 'PUT', url: '/api/incidents/settings', headers: bearer(admin), payload: { classes: { ordinary: { close: 'soon' } } } });
    expect(errorCode(limit)).toBe('validation_failed');
    for (const close of ['0wd', '99999wd']) {
      const res = await t.app.inject({ method: 'PUT', url: '/api/incidents/settings', headers: bearer(admin), payload: { classes: { ordinary: { close } } } });
      expect([res.statusCode, errorCode(res)], close).toEqual([422, 'bad_limit']);
    }
    expect((await t.app.inject({ method: 'PUT', url: '/api/incidents/settings', headers: bearer(officer), payload: { yellowShare: 0.9 } })).statusCode).toBe(403);
    const still = (await t.app.inject({ method: 'GET', url: '/api/incidents/settings', headers: bearer(officer) })).json();
    expect(still.calendar.timeZone).toBe('Asia/Shanghai');
  });
});
