import crypto from 'node:crypto';
import type pg from 'pg';
import type { Db, Queryable, DbKind } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { writeMvt, type TileRow } from './mvt-writer.ts';

export const EXTENT = 4096;

export interface TileResult {
  body: Buffer;
  features: number;
  truncated: boolean;
  /** The composite data version of `layers`, read in the same snapshot as the features (when asked for). */
  version: string | null;
}

export interface TileQuery {
  /** A call of a layer function with $1 z, $2 x, $3 y, $4 the cap, $6 its extra argument (from the fixed tileset list). */
  source: string;
  z: number;
  x: number;
  y: number;
  cap: number;
  arg: unknown;
  /** Layers whose composite version to read with the tile (layer_versions), or none. */
  layers?: readonly string[];
}

const versionSql = sqlFile(import.meta.url, 'sql/version.sql').split('\n').filter((l) => !l.startsWith('--')).join('\n');
const statements = new Map<string, string>();

/**
 * The statement of one tile: ST_AsMVT on a real PostGIS, the rows for the JS writer (mvt-writer.ts) on the embedded
 * one; with the data version of the same snapshot when `withVersion`. Built once per source.
 */
export function tileSql(kind: DbKind, source: string, withVersion: boolean): string {
  const key = `${kind}|${withVersion}|${source}`;
  let sql = statements.get(key);
  if (sql === undefined) {
    if (kind === 'postgres') {
      sql = sqlFile(import.meta.url, 'sql/mvt.sql').replace('/*version*/', withVersion ? `, ${versionSql} AS version` : '');
    } else {
      sql = sqlFile(import.meta.url, 'sql/rows.sql')
        .replace('/*version*/', withVersion ? `SELECT ''::text AS layer, NULL::bigint AS id, NULL::json AS geom, jsonb_build_object('v', ${versionSql}) AS props UNION ALL` : '');
    }
    // Without the versions there is no $5: the source's argument moves from $6 to $5.
    sql = sql.replaceAll('{{source}}', withVersion ? source : source.replaceAll('$6', '$5'));
    statements.set(key, sql);
  }
  return sql;
}

/** The parameters of tileSql's statement: the layers ($5) only when versions are read, the argument only when the source uses it. */
export function tileParams(t: TileQuery): unknown[] {
  // A parameter the statement never uses has no type PostgreSQL can infer: pass it only when used.
  const usesArg = t.source.includes('$6');
  if (t.layers) return usesArg ? [t.z, t.x, t.y, t.cap, t.layers, t.arg] : [t.z, t.x, t.y, t.cap, t.layers];
  return usesArg ? [t.z, t.x, t.y, t.cap, t.arg] : [t.z, t.x, t.y, t.cap];
}

const names = new Map<string, string>();
/**
 * Named statements belong to a backend's session, and the embedded PostGIS has one backend for
 * every connection (pglite-socket): two processes (test files) naming the same text alike met
 * "prepared statement already exists". A prefix of this module's own keeps them apart.
 */
const namePrefix = crypto.randomBytes(4).toString('hex');

/** A name for a tile statement, the same for the same text in this process (named prepared statements are per connection). */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `tile_${namePrefix}_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Tiles run as named prepared statements when the last tile of the same statement and zoom was
 * small (under PREPARED_BELOW_BYTES) or quick (its statement's time, smoothed, under
 * PREPARED_BELOW_MS); others unnamed. A named statement is parsed once per connection and,
 * after PostgreSQL's five custom plans, usually runs a generic plan: the ≈ 0.5 ms of planning
 * the inlined layer functions (several ms on the embedded PostGIS) goes, which is most of what a
 * small tile's endpoint added over a raw query (docs/tiles.md). But a generic plan cannot fold
 * the tile's envelope into constants, and on big tiles it measured 5–15 % slower (incident points
 * z16, 626 kB; basemap z14, 88 kB) — there planning is a rounding error, so they keep custom
 * plans. The size decides first because it does not move with the machine's load: by time alone,
 * a 3 kB grid tile that took over 8 ms on a busy machine went back to being planned every time,
 * which made it slower still.
 */
export const PREPARED_BELOW_MS: Record<DbKind, number> = { postgres: 8, embedded: 20 };
export const PREPARED_BELOW_BYTES = 32 * 1024;
/**
 * A statement that qualifies for a name still runs unnamed when, measured, its named runs are
 * slower than its unnamed ones (NAMED_SLOWER_BY, judged after JUDGE_AFTER runs each way): a generic plan can be the worse one — the
 * embedded PostGIS ran the hot-spot tile statement named in 1.8–3.5 ms and unnamed in 0.9–2.4 ms
 * (docs/tiles.md). Every PROBE_EVERY-th run of a qualifying statement takes the other way, so
 * both times stay current as load and data change. The two are compared by the medians of their
 * last WINDOW runs: smoothed means (as before 2026-12-01) let one slow run flip the choice, and
 * a wrong choice then stood until probes corrected it — measured inside the endpoint, the
 * embedded hot-spot statement ran named in 228 of 400 tiles though 1.4× slower that way, and on
 * PostgreSQL unnamed in 212 of 600 though 1.1× slower. Simulated with those times and ±35 %
 * noise (1 run in 20 twice as slow), the slower way ran 23 % and 24 % of the time with smoothed
 * means, 11 % and 12 % with medians of 5 (6 % when one way is 1.8× the other: the probes alone).
 * The runs compared are of different tiles of one zoom, which differ more than the two ways do
 * (hot-spot tiles around one place: 0.25–1.6 ms each on PostgreSQL, 1–15 ms embedded), so with
 * medians of 5 a few heavy tiles in a row still tipped the choice: on PostgreSQL the hot-spot
 * statement ran unnamed in 76 of 330 endpoint tiles though 1.27× slower that way (2026-12-01,
 * 03:20), 29 % in encode.test.ts's simulation of those tiles. Medians of the last 15 runs each
 * way: 6 % there (the probes alone), and in the endpoint 1.21–1.22× the raw query instead of
 * 1.30–1.37× (docs/tiles.md). The cost is a slower turn when the quicker way changes (up to
 * ≈ 8 probes, 128 runs of that zoom).
 */
export const NAMED_SLOWER_BY = 1.1;
export const PROBE_EVERY = 16;
export const WINDOW = 15;
/**
 * Per statement text, per zoom: the smoothed time (ms), the last tile's size (bytes), the last
 * WINDOW times of its named and unnamed runs (rings, zoom z at z × WINDOW) and its run counts.
 */
interface TileStats { ms: Float64Array; bytes: Float64Array; named: Float64Array; unnamed: Float64Array; runs: Float64Array; namedRuns: Float64Array; unnamedRuns: Float64Array }
const seen = new Map<string, TileStats>();

function tileStats(sql: string): TileStats {
  let s = seen.get(sql);
  if (s === undefined) {
    const row = () => new Float64Array(23).fill(-1);
    s = { ms: row(), bytes: row(), named: new Float64Array(23 * WINDOW), unnamed: new Float64Array(23 * WINDOW), runs: new Float64Array(23), namedRuns: new Float64Array(23), unnamedRuns: new Float64Array(23) };
    seen.set(sql, s);
  }
  return s;
}

const smooth = (before: number, ms: number, weight = 0.3) => (before < 0 ? ms : (1 - weight) * before + weight * ms);
/** Named and unnamed runs measured before the two are compared. */
const JUDGE_AFTER = 4;
const scratch = new Float64Array(WINDOW);

/**
 * The median of the last (up to WINDOW) times of one way at zoom z: an insertion sort of at most
 * WINDOW numbers in place (two per tile request: a typed-array subarray and its sort cost more).
 */
function median(ring: Float64Array, runs: number, z: number): number {
  const n = Math.min(runs, WINDOW);
  for (let i = 0; i < n; i++) {
    const v = ring[z * WINDOW + i];
    let j = i;
    while (j > 0 && scratch[j - 1] > v) { scratch[j] = scratch[j - 1]; j--; }
    scratch[j] = v;
  }
  return n % 2 ? scratch[(n - 1) / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
}

function record(ring: Float64Array, runs: Float64Array, z: number, ms: number): void {
  ring[z * WINDOW + (runs[z] % WINDOW)] = ms;
  runs[z]++;
}

/**
 * PostgreSQL plans a named statement afresh for its first five runs on a connection (plancache.c)
 * and only then may keep a generic plan, so those runs cost what an unnamed one does plus the
 * parse: not what the name buys. They are run but not compared — counted, they made the first
 * named runs of a zoom look slow and the statement ran unnamed until probes corrected it (the
 * bench's first 15 timed hot-spot tiles, 2026-12-01: all unnamed, 1.4x slower that way).
 */
export const CUSTOM_PLAN_RUNS = 5;
/** Per pooled connection (pg-pool hands out the same client object), named runs per statement name. */
const namedRunsOn = new WeakMap<pg.PoolClient, Map<string, number>>();

/**
 * A named run on a pooled connection, and whether that connection is past its custom plans for
 * the statement. Callbacks throughout, as pool.query itself runs (one promise, not one per step):
 * with promises the endpoint's statement measured 36 µs slower than the same named statement
 * through pool.query (hot-spot tiles, 2026-12-01 13:00).
 */
function runNamed<R extends pg.QueryResultRow>(pool: pg.Pool, name: string, sql: string, params: unknown[]): Promise<{ result: pg.QueryResult<R>; warm: boolean }> {
  return new Promise((resolve, reject) => {
    pool.connect((connectError, client, release) => {
      if (connectError || client === undefined) return reject(connectError);
      let runs = namedRunsOn.get(client);
      if (runs === undefined) namedRunsOn.set(client, runs = new Map());
      const n = (runs.get(name) ?? 0) + 1;
      runs.set(name, n);
      client.query<R>({ name, text: sql, values: params }, (err, result) => {
        // As pool.query does: a connection that failed a statement is not handed out again.
        release(err ?? undefined);
        if (err) reject(err); else resolve({ result, warm: n > CUSTOM_PLAN_RUNS });
      });
    });
  });
}

async function runTileStatement<R extends pg.QueryResultRow>(q: Queryable, kind: DbKind, sql: string, params: unknown[], z: number): Promise<pg.QueryResult<R>> {
  // Inside a transaction (a bare Queryable, no pool) statements run unnamed.
  const pool = (q as Partial<Db>).pool;
  const stats = tileStats(sql);
  const before = stats.ms[z];
  const qualifies = pool !== undefined && before >= 0 && (stats.bytes[z] < PREPARED_BELOW_BYTES || before < PREPARED_BELOW_MS[kind]);
  // A qualifying statement runs named until JUDGE_AFTER warm named runs are measured, then unnamed
  // JUDGE_AFTER times, then the quicker way (named unless over NAMED_SLOWER_BY × unnamed), the
  // other way every PROBE_EVERY-th run.
  let named = qualifies && (stats.namedRuns[z] < JUDGE_AFTER
    || (stats.unnamedRuns[z] >= JUDGE_AFTER
      && !(median(stats.named, stats.namedRuns[z], z) > median(stats.unnamed, stats.unnamedRuns[z], z) * NAMED_SLOWER_BY)));
  if (qualifies && ++stats.runs[z] % PROBE_EVERY === 0) named = !named;
  const t0 = performance.now();
  let r: pg.QueryResult<R>;
  let compared = qualifies;
  if (named) {
    const run = await runNamed<R>(pool!, statementName(sql), sql, params);
    r = run.result;
    compared &&= run.warm;
  } else {
    r = await q.query<R>(sql, params);
  }
  const ms = performance.now() - t0;
  stats.ms[z] = smooth(before, ms);
  // Only runs of qualifying statements are compared (a first run is cold: not a fair unnamed time).
  if (compared) {
    if (named) record(stats.named, stats.namedRuns, z, ms); else record(stats.unnamed, stats.unnamedRuns, z, ms);
  }
  return r;
}

function noteTileSize(sql: string, z: number, bytes: number): void {
  tileStats(sql).bytes[z] = bytes;
}

/**
 * One tile, from the same layer function on both databases: ST_AsMVT on a real PostGIS, the
 * rows in tile coordinates encoded by mvt-writer.ts on the embedded one (built without protobuf).
 */
export async function renderTile(q: Queryable, kind: DbKind, t: TileQuery): Promise<TileResult> {
  const sql = tileSql(kind, t.source, t.layers !== undefined);
  const params = tileParams(t);
  if (kind === 'postgres') {
    const { rows } = await runTileStatement<{ tile: Buffer; truncated: boolean; features: number; version?: string }>(q, kind, sql, params, t.z);
    noteTileSize(sql, t.z, rows[0].tile.length);
    return { body: rows[0].tile, features: rows[0].features, truncated: rows[0].truncated, version: rows[0].version ?? null };
  }
  const { rows } = await runTileStatement<TileRow>(q, kind, sql, params, t.z);
  let version: string | null = null;
  let features = rows;
  if (t.layers) {
    version = (rows[0].props as { v: string }).v;
    features = rows.slice(1);
  }
  const truncated = features.length > t.cap;
  const kept = truncated ? features.slice(0, t.cap) : features;
  const body = encodeRows(kept);
  noteTileSize(sql, t.z, body.length);
  return { body, features: kept.length, truncated, version };
}

/**
 * Rows whose geometry is already in tile coordinates → an MVT (layers in name order, as
 * string_agg orders them); the bytes vt-pbf wrote before, by a leaner writer (mvt-writer.ts).
 */
export function encodeRows(rows: TileRow[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  const out = writeMvt(rows, EXTENT);
  // The writer's bytes as they are (no copy of a 600 kB tile).
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
