import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readTemplate } from './embedded-template.ts';

/**
 * The embedded PostGIS: PGlite with the PostGIS extension, reached through a loopback
 * PostgreSQL socket so that the rest of Wangge talks to it with node-postgres exactly as it
 * talks to a real server. PGlite has one backend: while one connection holds a transaction the
 * others queue, so code must never await a second pooled connection inside a transaction.
 */
export interface EmbeddedPostgis {
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the database files; absent = in memory. */
  dataDir?: string;
  /** A gzip dump from PGlite's dumpDataDir to start from (in memory). */
  loadDataDir?: Blob;
  maxConnections?: number;
}

export class DataDirBusyError extends Error {}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedPostgis> {
  const [{ PGlite }, { postgis }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-postgis'),
    import('@electric-sql/pglite-socket'),
  ]);
  if (opts.dataDir) fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  // A new data folder starts from the template when there is one (see embedded-template.ts).
  const fresh = opts.dataDir !== undefined && !fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'));
  const db = await PGlite.create({
    dataDir: opts.dataDir,
    loadDataDir: opts.loadDataDir ?? (fresh ? readTemplate() : undefined),
    extensions: { postgis },
  });
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  const server: PGLiteSocketServer = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: opts.maxConnections ?? 12,
  });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Only one process may open an embedded data folder. The lock file names the owner so that
 * a second server or a command-line tool can say who holds it (and where its API is).
 */
export interface LockInfo {
  pid: number;
  startedAt: string;
  url?: string;
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'wangge.lock');
}

export function readLiveLock(dataDir: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  if (info.pid === process.pid) return null;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null; // stale lock left by a process that died
  }
}

export function acquireLock(dataDir: string, url?: string): () => void {
  const held = readLiveLock(dataDir);
  if (held) {
    throw new DataDirBusyError(
      `The embedded database in ${dataDir} is in use by Wangge process ${held.pid}` +
        (held.url ? ` (${held.url})` : '') +
        '. Stop that server first, or use its HTTP API; opening it twice would corrupt it.',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), url }));
  return () => {
    try {
      const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      if (info.pid === process.pid) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

export function updateLockUrl(dataDir: string, url: string): void {
  const file = lockPath(dataDir);
  const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  fs.writeFileSync(file, JSON.stringify({ ...info, url }));
}
