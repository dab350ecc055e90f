import { startEmbedded, type EmbeddedPostgis } from '../src/core/embedded.ts';
import { readTemplate, writeTemplate } from '../src/core/embedded-template.ts';

/** An in-memory embedded PostGIS for tests, started from the cached template (made on first use). */
export async function startTestEmbedded(maxConnections = 20): Promise<EmbeddedPostgis> {
  const loadDataDir = readTemplate();
  const embedded = await startEmbedded({ loadDataDir, maxConnections });
  if (!loadDataDir) await writeTemplate(embedded.db);
  return embedded;
}
