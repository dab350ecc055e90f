import crypto from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPoolDb } from '../src/core/db.ts';
import { migrate } from '../src/core/migrate.ts';

/**
 * The same tests against a real PostGIS server: a fresh database on the server DATABASE_URL
 * names, dropped afterwards, so a run never touches the data of the database in the URL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set');
  const name = `wangge_test_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPoolDb(url.toString(), 'postgres', 2);
  await migrate(db);
  await db.close();
  project.provide('dbUrl', url.toString());
  project.provide('dbKind', 'postgres');
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
