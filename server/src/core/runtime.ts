import path from 'node:path';
import type { Config } from './config.ts';
import { createPoolDb, type Db } from './db.ts';
import { acquireLock, startEmbedded } from './embedded.ts';

export interface OpenDatabase {
  db: Db;
  /** Where the embedded database lives, when embedded. */
  dataDir?: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL set: a pool to that PostgreSQL/PostGIS server. Not set: the embedded PostGIS in
 * WANGGE_DATA_DIR/db, locked to this process, reached through a loopback socket.
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
    return {
      db,
      dataDir: config.WANGGE_DATA_DIR,
      async close() {
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
