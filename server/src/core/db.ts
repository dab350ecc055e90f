import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** Something that runs a parameterised query: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export type DbKind = 'embedded' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  readonly pool: pg.Pool;
  /** Runs fn in one transaction on one connection; rolls back if fn throws. */
  tx<T>(fn: (client: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/**
 * One set of type parsers for both databases, so a row reads the same whether it came from
 * PGlite or from a PostgreSQL server: int8 and numeric as JS numbers (counts and ids in Wangge
 * stay far below 2^53; sums that could not would be a bug worth seeing), date as 'YYYY-MM-DD'
 * (no time-zone shift), timestamptz as Date, json/jsonb parsed (pg's default).
 */
export function installTypeParsers(): void {
  pg.types.setTypeParser(INT8, (v: string) => toSafeNumber(v));
  pg.types.setTypeParser(NUMERIC, (v: string) => Number(v));
  pg.types.setTypeParser(DATE, (v: string) => v);
}

function toSafeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${v} exceeds JavaScript's safe integer range`);
  return n;
}

export function createPoolDb(connectionString: string, kind: DbKind, max = 8): Db {
  installTypeParsers();
  // The embedded PostGIS has one backend behind pglite-socket, and the socket interleaves the
  // extended-protocol messages of concurrent connections (measured: with 6 connections and
  // transactions that fail, other connections' statements got wrong answers or "unnamed
  // prepared statement does not exist"). One connection, queued by pg, is both correct and as
  // fast. A query awaited inside another connection's transaction would then wait forever:
  // the timeout turns that programming error into an error.
  const embedded = kind === 'embedded';
  const pool = new pg.Pool({
    connectionString, max: embedded ? 1 : max, application_name: 'wangge',
    // No JIT on a real server: its estimates for the short aggregates the wall and the figures
    // run (a month of days joined to counts per day) crossed jit_above_cost and compiled for
    // 220 ms a query that runs in 57 ms; the H3 counts over a million incidents ran no faster
    // with it (400 vs 380 ms). The embedded PostgreSQL has no JIT.
    ...(embedded ? { connectionTimeoutMillis: 120_000 } : { options: '-c jit=off' }),
  });
  // An idle client losing its server (restart, embedded shutdown) must not crash the process.
  pool.on('error', () => undefined);
  // So must a connection that breaks while in use (the query that was running gets the error and
  // the pool drops the connection); without a listener Node would treat the event as fatal.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // LISTEN/NOTIFY on the embedded database: its one backend sends a notification to the
    // connection whose commit raised it (not to a connection of its own), so whatever arrives
    // on a pooled connection is passed on as the pool's 'notification' event.
    client.on('notification', (msg) => { pool.emit('notification', msg); });
  });
  return {
    kind,
    pool,
    query: (text, params) => pool.query(text, params as unknown[]),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Reads a .sql file that lives beside a feature's code, once. */
const sqlCache = new Map<string, string>();
export function sqlFile(fromUrl: string, relative: string): string {
  const file = path.resolve(path.dirname(new URL(fromUrl).pathname), relative);
  let text = sqlCache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    sqlCache.set(file, text);
  }
  return text;
}
