import crypto from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { build, type BuildOptions } from '../src/app.ts';
import { hashPassword, type Role } from '../src/core/auth.ts';
import { loadConfig, type Config } from '../src/core/config.ts';
import { createPoolDb, type Db, type DbKind } from '../src/core/db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbUrl: string;
    dbKind: DbKind;
  }
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  kind: DbKind;
  close(): Promise<void>;
}

/**
 * The app over the run's shared test database (embedded or real PostGIS, by project). Files
 * share that database: create your own jurisdiction/data with unique names (uniq()) and never
 * assume tables are empty.
 */
export async function testApp(overrides: Partial<Config> = {}, logger: BuildOptions['logger'] = false): Promise<TestApp> {
  const kind = inject('dbKind');
  const db = createPoolDb(inject('dbUrl'), kind, 4);
  const config = loadConfig({}, { LOG_LEVEL: 'silent', WANGGE_DATA_DIR: 'data/test', ...overrides });
  const app = await build({ config, db, logger, serveClient: false });
  await app.ready();
  return { app, db, config, kind, async close() { await app.close(); await db.close(); } };
}

export const uniq = (prefix: string) => `${prefix}_${crypto.randomBytes(4).toString('hex')}`;

/** Creates a user with the given roles directly in the database and signs in as them. */
export async function tokenFor(t: TestApp, roles: Role[], extra: { jurisdictionId?: number } = {}): Promise<string> {
  const username = uniq(roles.join('-') || 'user');
  await t.db.query('INSERT INTO users (username, password_hash, roles, jurisdiction_id) VALUES ($1, $2, $3, $4)', [username, await hashPassword('secret-pass'), roles, extra.jurisdictionId ?? null]);
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'secret-pass' } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return res.json().token as string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Asserts the uniform error body and returns its code. */
export function errorCode(res: LightMyRequestResponse): string {
  const body = res.json() as { error?: { code?: string; message?: string } };
  if (!body.error?.code || !body.error.message) throw new Error(`not an error body: ${res.body}`);
  return body.error.code;
}
