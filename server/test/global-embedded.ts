import type { TestProject } from 'vitest/node';
import { createPoolDb } from '../src/core/db.ts';
import { migrate } from '../src/core/migrate.ts';
import { startTestEmbedded } from './embedded-template.ts';

/** One embedded PostGIS for the whole run, shared by test files through its socket. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const embedded = await startTestEmbedded();
  const db = createPoolDb(embedded.url, 'embedded', 2);
  await migrate(db);
  await db.close();
  project.provide('dbUrl', embedded.url);
  project.provide('dbKind', 'embedded');
  return async () => {
    await embedded.stop();
  };
}
