import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../migrations');

// Arbitrary but fixed: every Wangge process that migrates takes this advisory lock first.
const MIGRATION_LOCK_KEY = 727_274_001;

export class MigrationError extends Error {}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (seen.has(version)) throw new MigrationError(`Two migrations share number ${version} in ${dir}`);
    seen.add(version);
    // Checksum over LF line endings so a Windows checkout does not look like an edit.
    const sql = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    return { version, name: file, sql, sha256: crypto.createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrateResult {
  applied: string[];
  current: number;
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that two processes starting at once do not both migrate. An applied migration whose file has
 * changed since is an error: forward-only means a fix is a new file.
 */
export async function migrate(db: Db, onProgress?: (name: string) => void, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const files = readMigrations(dir);
  const client = await db.pool.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const { rows } = await client.query<{ version: number; name: string; sha256: string }>(
        'SELECT version, name, sha256 FROM schema_migrations ORDER BY version',
      );
      const applied = new Map(rows.map((r) => [r.version, r]));
      for (const [version, row] of applied) {
        const file = files.find((f) => f.version === version);
        if (!file) throw new MigrationError(`Migration ${row.name} is recorded as applied but its file is missing from ${dir}`);
        if (file.sha256 !== row.sha256) {
          throw new MigrationError(`Migration ${file.name} was changed after it was applied (checksum differs). Migrations are forward-only: put the change in a new file.`);
        }
      }
      const done: string[] = [];
      for (const file of files.filter((f) => !applied.has(f.version))) {
        onProgress?.(file.name);
        await client.query('BEGIN');
        try {
          await client.query(file.sql);
          await client.query('INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)', [file.version, file.name, file.sha256]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`Migration ${file.name} failed: ${(err as Error).message}`);
        }
        done.push(file.name);
      }
      return { applied: done, current: files.at(-1)?.version ?? 0 };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
