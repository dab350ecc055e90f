import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';
import { clock } from './clock.ts';
import { lightTicks } from './events-routes.ts';
import { IN_A1, IN_B, makeTown } from './fixtures/town.ts';

let t: TestApp;
let base: string;
let jid: number;
let code: string;
let officer: string;

beforeAll(async () => {
  t = await testApp();
  ({ jid, code } = await makeTown(t, 'sse'));
  officer = await tokenFor(t, ['officer', 'dispatcher'], { jurisdictionId: jid });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => { await t?.close(); });

/** Opens the stream and collects raw text until `until` matches or it is closed. */
function stream(url: string): { text: () => string; ready: Promise<number>; close: () => void; waitFor: (re: RegExp) => Promise<string> } {
  let buf = '';
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  let req: http.ClientRequest;
  const ready = new Promise<number>((resolve, reject) => {
    req = http.get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.includes(': connected')) resolve(res.statusCode!);
        for (const w of [...waiters]) if (w.re.test(buf)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(buf); }
      });
      if (res.statusCode !== 200) resolve(res.statusCode!);
    });
    req.on('error', reject);
  });
  return {
    text: () => buf, ready, close: () => req.destroy(),
    waitFor: (re) => new Promise((resolve) => { if (re.test(buf)) resolve(buf); else waiters.push({ re, resolve }); }),
  };
}

describe('GET /api/events', () => {
  it('needs a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/events' });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('unauthenticated');
  });

  it('streams incident.created and incident.step with ids, only for the user\'s jurisdiction', async () => {
    const other = await makeTown(t, 'sse_other');
    const stranger = await tokenFor(t, ['viewer'], { jurisdictionId: other.jid });
    const mine = stream(`${base}/api/events?access_token=${officer}`);
    const theirs = stream(`${base}/api/events?access_token=${stranger}`);
    expect(await mine.ready).toBe(200);
    await theirs.ready;
    const res = await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0202' } });
    const id = res.json().id;
    await t.app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: bearer(officer), payload: { action: 'register' } });
    const text = await mine.waitFor(/event: incident\.step/);
    expect(text).toMatch(/^retry: 5000/);
    const created = /id: (\d+)\nevent: incident\.created\ndata: (.*)\n\n/.exec(text)!;
    expect(Number(created[1])).toBeGreaterThan(0);
    expect(JSON.parse(created[2])).toMatchObject({ id, jurisdictionId: jid, status: 'reported', category: '0202', light: 'green' });
    expect(text).toMatch(new RegExp(`"id":${id},"action":"register","from":"reported","to":"registered"`));
    expect(theirs.text()).not.toMatch(/incident\./);
    mine.close();
    theirs.close();
  });

  it('gives a kiosk token limited to an area only the events inside it', async () => {
    const { rows } = await t.db.query<{ id: number }>("INSERT INTO users (username, password_hash, roles, jurisdiction_id) VALUES ('kiosk_' || md5(random()::text), 'x', ARRAY['viewer'], $1) RETURNING id", [jid]);
    const kiosk = await t.app.wangge.tokens.issue(t.db, rows[0].id, { kind: 'kiosk', area: `${code}002`, name: 'wall B' });
    const s = stream(`${base}/api/events?access_token=${kiosk}&types=incident.created`);
    expect(await s.ready).toBe(200);
    const a = (await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0202' } })).json();
    const b = (await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_B, category: '0202' } })).json();
    const text = await s.waitFor(new RegExp(`"id":${b.id},`));
    expect(text).not.toMatch(new RegExp(`"id":${a.id},`));
    s.close();
  });

  it('tells the wall when a light changes by the clock alone', async () => {
    const realNow = clock.now;
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/incidents', headers: bearer(officer), payload: { ...IN_A1, category: '0403' } });
      const inc = res.json();
      const s = stream(`${base}/api/events?access_token=${officer}&types=incident.light`);
      await s.ready;
      const tick = lightTicks.get(t.app.wangge.events)!;
      await tick();
      // Past the emergency handle-by deadline without anyone touching the case.
      const later = new Date(Date.parse(inc.deadlines.handleDueAt) + 1000);
      clock.now = () => later;
      await tick();
      const text = await s.waitFor(new RegExp(`"id":${inc.id},"light":"red"`));
      expect(text).toMatch(/event: incident\.light/);
      s.close();
    } finally {
      clock.now = realNow;
    }
  });
});
