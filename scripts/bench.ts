/**
 * `npm run bench`: every benchmark in scripts/bench/*.ts, on the embedded PostGIS and, when
 * DATABASE_URL is set, on that server too (in a fresh database that is dropped afterwards).
 * Figures are printed, never asserted; where it means something, each is put beside the bare
 * database work it wraps (a ratio). `npm run bench -- locate tiles` runs only those files;
 * WANGGE_BENCH_DB=postgres (or embedded) runs on that database only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { build } from '../server/src/app.ts';
import { loadConfig } from '../server/src/core/config.ts';
import { createPoolDb, type Db } from '../server/src/core/db.ts';
import { startEmbedded } from '../server/src/core/embedded.ts';
import { migrate } from '../server/src/core/migrate.ts';
import type { BenchContext, BenchModule } from './bench/context.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'bench');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'context.ts' && !f.endsWith('.test.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o))).sort();

async function withDatabase(kind: 'embedded' | 'postgres', fn: (db: Db) => Promise<void>): Promise<void> {
  if (kind === 'embedded') {
    const e = await startEmbedded({});
    const db = createPoolDb(e.url, 'embedded', 8);
    try { await migrate(db); await fn(db); } finally { await db.close(); await e.stop(); }
    return;
  }
  const serverUrl = process.env.DATABASE_URL!;
  const name = `wangge_bench_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPoolDb(url.toString(), 'postgres', 8);
  try { await migrate(db); await fn(db); } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const all: ('embedded' | 'postgres')[] = process.env.DATABASE_URL ? ['postgres', 'embedded'] : ['embedded'];
  const kinds = all.filter((k) => !process.env.WANGGE_BENCH_DB || k === process.env.WANGGE_BENCH_DB);
  console.log(`# Wangge benchmarks — ${new Date().toISOString()}, node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  for (const kind of kinds) {
    await withDatabase(kind, async (db) => {
      const config = loadConfig({}, { LOG_LEVEL: 'silent', WANGGE_DATA_DIR: 'data/bench' });
      // The app logs as `npm start` runs it (pino at info; no request lines for vector tiles), into
      // the null device: each request's child logger is part of what a request costs (until
      // 2026-12-01 the bench ran without a logger, ≈ 25-40 µs a request less than production).
      const app = await build({ config, db, logger: { level: 'info', file: os.devNull }, serveClient: false });
      const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
      const pgVersion = (await db.query<{ v: string }>("SELECT current_setting('server_version') || ' / PostGIS ' || postgis_lib_version() AS v")).rows[0].v;
      console.log(`\n## ${kind} (${pgVersion})`);
      try {
        for (const file of files) {
          const mod = (await import(path.join(dir, file))) as BenchModule;
          const ctx: BenchContext = { kind, db, app, baseUrl, config, report: (line) => console.log(line) };
          console.log(`\n### ${file.replace(/\.ts$/, '')}`);
          await mod.default(ctx);
        }
      } finally {
        await app.close();
      }
    });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
