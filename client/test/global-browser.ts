import { execSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { build } from '../../server/src/app.ts';
import { ensureAdmin } from '../../server/src/core/bootstrap.ts';
import { loadConfig } from '../../server/src/core/config.ts';
import { createPoolDb } from '../../server/src/core/db.ts';
import { migrate } from '../../server/src/core/migrate.ts';
import { loadDemo } from '../../server/src/osm/demo.ts';
import { startTestEmbedded } from '../../server/test/embedded-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    browserBaseUrl: string;
    chromiumPath: string;
    /** Why the browser tests are skipped ('' when they run). */
    browserSkip: string;
    adminPassword: string;
    /** POST <url>/restart stops the server under test and starts it again on the same port. */
    browserControlUrl: string;
  }
}

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

/**
 * The whole product for the browser tests: the built client and the API on one port over an
 * embedded PostGIS with the demo area, as `npm start` runs it. Without Chromium the tests are
 * skipped with a hint, unless REQUIRE_BROWSER=1 (CI), when that is an error.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const chromiumPath = CANDIDATES.find((p) => fs.existsSync(p)) ?? '';
  project.provide('chromiumPath', chromiumPath);
  if (!chromiumPath) {
    const hint = 'no Chromium found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH';
    if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${hint}`);
    project.provide('browserSkip', hint);
    project.provide('browserBaseUrl', '');
    project.provide('adminPassword', '');
    project.provide('browserControlUrl', '');
    return undefined;
  }
  project.provide('browserSkip', '');
  execSync('node scripts/ensure-client.mjs', { stdio: 'inherit' });

  const embedded = await startTestEmbedded();
  const db = createPoolDb(embedded.url, 'embedded', 8);
  const config = loadConfig({}, { LOG_LEVEL: 'silent', WANGGE_DATA_DIR: 'data/test-browser' });
  await migrate(db);
  const adminPassword = 'browser-test-admin';
  await ensureAdmin(db, adminPassword);
  await loadDemo(db, config, () => undefined);
  let app = await build({ config, db, logger: false });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const port = Number(new URL(baseUrl).port);
  // A real restart of the server (same database, same port), for the wall's unattended tests.
  const control = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart') { res.writeHead(404).end(); return; }
    void (async () => {
      await app.close();
      await new Promise((r) => setTimeout(r, 1500));
      app = await build({ config, db, logger: false });
      await app.listen({ host: '127.0.0.1', port });
      res.writeHead(204).end();
    })().catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  project.provide('browserBaseUrl', baseUrl);
  project.provide('adminPassword', adminPassword);
  project.provide('browserControlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    control.close();
    await app.close();
    await db.close();
    await embedded.stop();
  };
}
