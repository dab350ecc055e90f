import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, errorCode, testApp, tokenFor, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(async () => { await t?.close(); });

describe('GET /api/health', () => {
  it('names the database kind and the PostGIS version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.db).toBe(t.kind);
    expect(body.postgis).toMatch(/^3\.\d+/);
  });
});

describe('OpenAPI and errors', () => {
  it('publishes an OpenAPI 3 document that lists the routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/auth/login']));
  });

  it('answers unknown API routes with the uniform 404 body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('not_found');
  });

  it('rejects malformed JSON with a 400 and a specific code', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('invalid_json');
  });

  it('rejects unknown properties instead of dropping them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'b', extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
  });

  it('refuses an oversized body with 413', async () => {
    const small = await testApp({ WANGGE_BODY_LIMIT_MB: 0.001 });
    try {
      const res = await small.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x'.repeat(5000), password: 'y' } });
      expect(res.statusCode).toBe(413);
      expect(errorCode(res)).toBe('body_too_large');
    } finally {
      await small.close();
    }
  });

  it('does not leak internals when the database is unreachable', async () => {
    const { build } = await import('../app.ts');
    const { createPoolDb } = await import('../core/db.ts');
    const deadDb = createPoolDb('postgres://wangge:s3cret-pw@127.0.0.1:1/nowhere', 'postgres', 1);
    const app = await build({ config: t.config, db: deadDb, logger: false, serveClient: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(500);
      expect(errorCode(res)).toBe('internal');
      expect(res.body).not.toMatch(/s3cret|127\.0\.0\.1|ECONNREFUSED|nowhere/);
    } finally {
      await app.close();
      await deadDb.close();
    }
  });
});

describe('auth', () => {
  it('issues a token on login and knows who it belongs to', async () => {
    const token = await tokenFor(t, ['planner']);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().roles).toEqual(['planner']);
  });

  it('refuses a wrong password with 401', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'not-the-password' } });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('invalid_credentials');
  });

  it('answers 401 without a token and after logout', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const token = await tokenFor(t, ['viewer']);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    expect(after.statusCode).toBe(401);
  });
});

describe('request ids and tokens on the hook path', () => {
  it('labels every answer with x-request-id (200, 404, 400, 401), echoing one the client sent', async () => {
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/api/health' }),
      t.app.inject({ method: 'GET', url: '/api/nothing-here' }),
      t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' }),
      t.app.inject({ method: 'GET', url: '/api/auth/me' }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 404, 400, 401]);
    const ids = answers.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^\S{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const echoed = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers['x-request-id']).toBe('trace-123');
  });

  it('tells an invalid token apart from none, from the database and then from the token cache', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer('not-a-token') });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(/invalid, expired or revoked/);
    }
    const token = await tokenFor(t, ['viewer']);
    for (let i = 0; i < 2; i++) {
      const me = await t.app.inject({ method: 'GET', url: `/api/auth/me?access_token=${token}` });
      expect(me.statusCode).toBe(200);
      expect(me.json().roles).toEqual(['viewer']);
    }
  });
});

describe('roles', () => {
  it('answers 403 when the role is missing and lets admins through', async () => {
    const viewer = await tokenFor(t, ['viewer']);
    const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer(viewer) });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('forbidden');
    const admin = await tokenFor(t, ['admin']);
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin) })).statusCode).toBe(200);
  });

  it('creates users with roles and refuses unknown roles', async () => {
    const admin = await tokenFor(t, ['admin']);
    const bad = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { username: 'x1', password: 'longenough', roles: ['emperor'] } });
    expect(bad.statusCode).toBe(400);
    const name = `dispatcher_${Date.now()}`;
    const ok = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { username: name, password: 'longenough', roles: ['dispatcher'] } });
    expect(ok.statusCode).toBe(201);
    const again = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { username: name, password: 'longenough', roles: ['dispatcher'] } });
    expect(again.statusCode).toBe(409);
  });
});
