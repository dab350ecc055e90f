import path from 'node:path';
import type { Config } from './config.ts';
import { startAutoAnalyze } from './auto-analyze.ts';
import { createPoolDb, type Db } from './db.ts';
import { acquireLock, startEmbedded } from './embedded.ts';

export interface OpenDatabase {
  db: Db;
  /** Where the embedded database lives, when embedded. */
  dataDir?: string;
  close(): Promise<void>;
}

/** How often the embedded database's changed tables are looked for (autovacuum's own default nap is 60 s). */
export const AUTO_ANALYZE_EVERY_MS = 30_000;

/**
 * DATABASE_URL set: a pool to that PostgreSQL/PostGIS server. Not set: the embedded PostGIS in
 * WANGGE_DATA_DIR/db, locked to this process, reached through a loopback socket, with its
 * changed tables analysed as autovacuum would (auto-analyze.ts: PGlite has no autovacuum).
 */
export async function openDatabase(config: Config): Promise<OpenDatabase> {
  if (config.DATABASE_URL) {
    const db = createPoolDb(config.DATABASE_URL, 'postgres');
    return { db, close: () => db.close() };
  }
  const release = acquireLock(config.WANGGE_DATA_DIR);
  try {
    const embedded = await startEmbedded({ dataDir: path.join(config.WANGGE_DATA_DIR, 'db') });
    const db = createPoolDb(embedded.url, 'embedded', 8);
    const analyse = startAutoAnalyze(db, AUTO_ANALYZE_EVERY_MS, (err) => {
      process.stderr.write(`[wangge] analysing changed tables failed (tried again in ${AUTO_ANALYZE_EVERY_MS / 1000} s): ${(err as Error).message}\n`);
    });
    return {
      db,
      dataDir: config.WANGGE_DATA_DIR,
      async close() {
        await analyse.stop();
        await db.close();
        await embedded.stop();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
