import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPoolDb } from '../src/core/db.ts';
import { startEmbedded } from '../src/core/embedded.ts';
import { migrate } from '../src/core/migrate.ts';

const require_ = { version: JSON.parse(fs.readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version as string };
// A fresh PGlite + PostGIS costs ~10 s (initdb + extension); a dump of one is reused across runs.
const TEMPLATE = path.resolve(`node_modules/.cache/wangge/pglite-${require_.version}-postgis.tar.gz`);

async function template(): Promise<Blob | undefined> {
  if (!fs.existsSync(TEMPLATE)) return undefined;
  return new Blob([fs.readFileSync(TEMPLATE)]);
}

/** One embedded PostGIS for the whole run, shared by test files through its socket. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const loadDataDir = await template();
  const embedded = await startEmbedded({ loadDataDir, maxConnections: 20 });
  if (!loadDataDir) {
    const dump = await embedded.db.dumpDataDir('gzip');
    fs.mkdirSync(path.dirname(TEMPLATE), { recursive: true });
    fs.writeFileSync(TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  }
  const db = createPoolDb(embedded.url, 'embedded', 2);
  await migrate(db);
  await db.close();
  project.provide('dbUrl', embedded.url);
  project.provide('dbKind', 'embedded');
  return async () => {
    await embedded.stop();
  };
}
