import fs from 'node:fs';
import path from 'node:path';
import { startEmbedded, type EmbeddedPostgis } from '../src/core/embedded.ts';

const version = JSON.parse(fs.readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version as string;
// A fresh PGlite + PostGIS costs ~10 s (initdb + extension); a dump of one is reused across runs.
const TEMPLATE = path.resolve(`node_modules/.cache/wangge/pglite-${version}-postgis.tar.gz`);

/** An in-memory embedded PostGIS for tests, started from the cached template (made on first use). */
export async function startTestEmbedded(maxConnections = 20): Promise<EmbeddedPostgis> {
  const loadDataDir = fs.existsSync(TEMPLATE) ? new Blob([fs.readFileSync(TEMPLATE)]) : undefined;
  const embedded = await startEmbedded({ loadDataDir, maxConnections });
  if (!loadDataDir) {
    const dump = await embedded.db.dumpDataDir('gzip');
    fs.mkdirSync(path.dirname(TEMPLATE), { recursive: true });
    // Several runs may build it at once: write aside, then rename atomically.
    const tmp = `${TEMPLATE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, TEMPLATE);
  }
  return embedded;
}
