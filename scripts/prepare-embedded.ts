/**
 * Run by `npm install` (postinstall): makes the embedded PostGIS template once per PGlite
 * version, so that a first `npm start` and the tests start their databases from it. Never fails
 * the install: without the template everything still works, only slower.
 */
import fs from 'node:fs';
import { startEmbedded } from '../server/src/core/embedded.ts';
import { templatePath, writeTemplate } from '../server/src/core/embedded-template.ts';

try {
  if (!fs.existsSync(templatePath())) {
    const started = Date.now();
    const embedded = await startEmbedded({});
    await writeTemplate(embedded.db);
    await embedded.stop();
    console.log(`[wangge] embedded PostGIS template ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
} catch (err) {
  console.warn(`[wangge] embedded PostGIS template skipped (${(err as Error).message}); first start will be slower`);
}
