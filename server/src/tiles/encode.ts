import crypto from 'node:crypto';
import type pg from 'pg';
import type { Db, Queryable, DbKind } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { mulberry32 } from '../core/random.ts';
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
 * slower than its unnamed ones by over NAMED_SLOWER_BY: a generic plan can be the worse one — until
 * migration 0022 the hot-spot tile statement ran named in 1.1–1.3 ms and unnamed in 0.7–0.9 ms on
 * the embedded PostGIS, its generic plan computing the tile's box for every row of another index
 * (0.3 ms named since; docs/tiles.md, 2026-12-01 14:10). Once judged, about one run in PROBE_EVERY
 * (at random) takes the other way, so both stay measured as load and data change.
 *
 * The two ways are compared on like tiles, because the tiles of one zoom differ more than the ways
 * do (hot-spot tiles around one place: 0.25–1.6 ms each on PostgreSQL, 0.7–2.5 ms embedded): each
 * run whose tile last ran the other way makes a pair — the same tile both ways, as when a map
 * asks its tiles again after an edit — and otherwise a run after a run of the other way pairs
 * with it (neighbouring tiles). The choice follows the trimmed mean of the last WINDOW pairs'
 * log(unnamed ÷ named). Before 2026-12-01 13:00 each way's median over its own last runs was
 * compared: with probes every 16th run and tiles asked in a fixed round (a wall, the bench), the
 * probes kept landing on the same few tiles, and the embedded hot-spot statement ran named in 35 %
 * of the bench's tiles though 1.5× slower that way (94 % in encode.test.ts's fixed round).
 */
export const NAMED_SLOWER_BY = 1.1;
export const PROBE_EVERY = 16;
export const WINDOW = 15;
/** Pairs made before the ways are judged; until then they alternate. */
const JUDGE_AFTER = 4;
/** Tiles whose last run is remembered, per statement (then forgotten all at once). */
const TILES_REMEMBERED = 4096;
/**
 * Per statement text: per zoom the smoothed time (ms), the last tile's size (bytes), the last
 * WINDOW pairs' log(unnamed ÷ named) (a ring, zoom z at z × WINDOW) and their count, and the last
 * compared run; per tile its last compared run. A run is kept as its time signed by its way
 * (+ named, − unnamed; 0 none).
 */
interface TileStats {
  ms: Float64Array;
  bytes: Float64Array;
  pairs: Float64Array;
  pairCount: Float64Array;
  last: Float64Array;
  tiles: Map<number, number>;
}
const seen = new Map<string, TileStats>();

function tileStats(sql: string): TileStats {
  let s = seen.get(sql);
  if (s === undefined) {
    const row = () => new Float64Array(23).fill(-1);
    s = { ms: row(), bytes: row(), pairs: new Float64Array(23 * WINDOW), pairCount: new Float64Array(23), last: new Float64Array(23), tiles: new Map() };
    seen.set(sql, s);
  }
  return s;
}

/** One number per tile: x and y are below 2^22 up to zoom 22, so the key is an exact double. */
const tileKey = (t: { z: number; x: number; y: number }) => (t.z * 2 ** 22 + t.x) * 2 ** 22 + t.y;

const smooth = (before: number, ms: number, weight = 0.3) => (before < 0 ? ms : (1 - weight) * before + weight * ms);
/** Seeded: the same runs go the same ways in every process (tests, benches). */
const probeDraw = mulberry32(0x7113);
const scratch = new Float64Array(WINDOW);

/**
 * The mean of the middle half of the last (up to WINDOW) pairs at zoom z, sorted in place by
 * insertion (a typed-array subarray and its sort cost more on every tile request): a slow run
 * moves it little, and pairs from a heavy and a light tile, which come in both orders, cancel.
 */
function middleMean(s: TileStats, z: number): number {
  const n = Math.min(s.pairCount[z], WINDOW);
  for (let i = 0; i < n; i++) {
    const v = s.pairs[z * WINDOW + i];
    let j = i;
    while (j > 0 && scratch[j - 1] > v) { scratch[j] = scratch[j - 1]; j--; }
    scratch[j] = v;
  }
  const cut = Math.floor(n / 4);
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += scratch[i];
  return sum / (n - 2 * cut);
}

/** Whether a qualifying run at zoom z goes named: alternate until judged, then the quicker way but for the probes. */
function chooseNamed(s: TileStats, z: number): boolean {
  if (s.pairCount[z] < JUDGE_AFTER) return !(s.last[z] > 0);
  const named = !(middleMean(s, z) < -Math.log(NAMED_SLOWER_BY));
  return probeDraw() < 1 / PROBE_EVERY ? !named : named;
}

/** A compared run: paired with its tile's last run if that went the other way; for a tile not seen yet, with the zoom's last run if that did. */
function recordRun(s: TileStats, z: number, key: number, named: boolean, ms: number): void {
  const previous = s.tiles.get(key) ?? s.last[z];
  if (previous !== 0 && (previous > 0) !== named && ms > 0) {
    const other = Math.abs(previous);
    s.pairs[z * WINDOW + (s.pairCount[z] % WINDOW)] = named ? Math.log(other / ms) : Math.log(ms / other);
    s.pairCount[z]++;
  }
  const run = named ? ms : -ms;
  if (s.tiles.size >= TILES_REMEMBERED) s.tiles.clear();
  s.tiles.set(key, run);
  s.last[z] = run;
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
 * through pool.query (hot-spot tiles; docs/tiles.md, 2026-12-01 12:45).
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

async function runTileStatement<R extends pg.QueryResultRow>(q: Queryable, kind: DbKind, sql: string, params: unknown[], tile: { z: number; x: number; y: number }): Promise<pg.QueryResult<R>> {
  const { z } = tile;
  // Inside a transaction (a bare Queryable, no pool) statements run unnamed.
  const pool = (q as Partial<Db>).pool;
  const stats = tileStats(sql);
  const before = stats.ms[z];
  const qualifies = pool !== undefined && before >= 0 && (stats.bytes[z] < PREPARED_BELOW_BYTES || before < PREPARED_BELOW_MS[kind]);
  const named = qualifies && chooseNamed(stats, z);
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
  if (compared) recordRun(stats, z, tileKey(tile), named, ms);
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
    const { rows } = await runTileStatement<{ tile: Buffer; truncated: boolean; features: number; version?: string }>(q, kind, sql, params, t);
    noteTileSize(sql, t.z, rows[0].tile.length);
    return { body: rows[0].tile, features: rows[0].features, truncated: rows[0].truncated, version: rows[0].version ?? null };
  }
  const { rows } = await runTileStatement<TileRow>(q, kind, sql, params, t);
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
