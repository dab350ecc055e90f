import { sqlFile, type Queryable } from '../core/db.ts';
import { unprocessable } from '../core/errors.ts';
import { zonedTime } from './calendar.ts';
import { prepareChains } from './generator.ts';
import { csvRecords } from './import-csv.ts';
import { buildLattice, MAX_VERTICES, NO_GRID, UNKNOWN, type Lattice, type LatticeGrid } from './import-lattice.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

/**
 * Bulk import of historical incidents (CSV or GeoJSON). The file is read as a stream and every
 * row checked as it comes (a bad row's number is known at once); accepted rows go to a staging
 * table in batches of STAGE_BATCH, sent while the next batch is parsed, located as far as an
 * in-memory lattice of the grids can tell (import-lattice.ts: all but the rows near a grid's
 * edge). Then the rest is located in one spatial join and the whole set written to incidents
 * in a few large statements (chunks of `batch` rows), so the tile counters' statement triggers
 * run a few times, not once per row batch. Everything is one transaction (the caller's): a bad row stops the import and nothing
 * is written, unless skipInvalid.
 */
export interface ImportOptions {
  jurisdictionId: number;
  /** Category for every row, or for rows without a category column value. */
  category?: string;
  /** Local times without an offset are in this zone. */
  timeZone: string;
  status: 'closed' | 'reported';
  skipInvalid: boolean;
  /** Rows per INSERT into incidents (default 250,000; a bulk write: all in one statement). */
  batch?: number;
  /**
   * Bulk write (tile counters added set-based, trigger off: sql/import-bulk-begin.sql), and
   * whether to drop incidents' secondary indexes and build them again after the write
   * (sql/import-indexes-drop.sql). Default: a bulk write from BULK_MIN rows, the indexes rebuilt
   * when the table holds fewer than REBUILD_RATIO times the imported rows. Tests force them.
   */
  bulk?: boolean;
  rebuildIndexes?: boolean;
  /**
   * A bulk write's foreign keys checked once for the import rather than per row
   * (sql/import-keys-check.sql). Default: whenever sql/import-keys-mode.sql allows it; false
   * forces the per-row checks (tests compare both).
   */
  keysOnce?: boolean;
  /**
   * Locate rows in memory while reading (import-lattice.ts). Default: from the first full batch
   * of STAGE_BATCH rows on (smaller imports leave every row to the database); true: from the
   * first batch whatever its size; false: never (tests compare the three).
   */
  lattice?: boolean;
  /** The lattice's cell budget (default MAX_CELLS; tests use small ones). */
  latticeCells?: number;
  /** done: rows written to incidents so far; read: rows read from the file so far. */
  onProgress?: (done: number, read: number) => void;
}

/**
 * Seconds spent reading and checking the file (with staging overlapped), locating, and writing;
 * of the writing, a bulk write's set-based counts and its index rebuild.
 */
export interface ImportTimings { read: number; locate: number; write: number; counts?: number; indexes?: number }

export interface ImportReport {
  rows: number; imported: number; located: number; skipped: number; errors: { row: number; reason: string }[]; timings: ImportTimings;
  /** Written in bulk (ImportOptions.bulk), and with the indexes dropped and built again. */
  bulk: boolean;
  rebuiltIndexes: boolean;
  /** The foreign keys checked once for the whole import (ImportOptions.keysOnce). */
  keysOnce: boolean;
  /** Rows located by the in-memory lattice while reading (the rest by the database). */
  latticeRows: number;
}

const STAGE_BATCH = 20_000;
const WRITE_BATCH = 250_000;
/** Imports of at least this many rows are written in bulk (counts set-based, trigger off)… */
const BULK_MIN = 50_000;
/** …and rebuild the indexes into a table holding fewer than this many times the imported rows (measured: docs/incidents.md). */
const REBUILD_RATIO = 1.25;

const LNG = ['lng', 'lon', 'long', 'longitude', 'x'];
const LAT = ['lat', 'latitude', 'y'];
const TIME = ['reported_at', 'reportedat', 'datetime', 'date', 'time', 'timestamp'];
const CATEGORY = ['category', 'category_code', 'service_code'];
const DESCRIPTION = ['description', 'desc', 'summary'];

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Whether local calendar fields name a real moment. Date.UTC and Date.parse roll 2026-02-30 over
 * to 2 March and 25:00 to the next day, and year 0000 became 1 BC in PostgreSQL: rows imported
 * silently at the wrong time until 2026-12-01. A few comparisons per row (the 1M-row path).
 */
function realLocal(y: number, mo: number, d: number, hh: number, mm: number, ss: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59) return false;
  if (d <= 28) return true;
  const days = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return d <= days;
}

/** Date.parse for the other forms, but an ISO-looking text must be a real calendar moment. */
function parseOther(s: string): number {
  if (ISO_LIKE.test(s) && !isIsoDateTime(s)) return Number.NaN;
  return Date.parse(s);
}

export function parseTime(text: string, timeZone: string): Date | null {
  const s = text.trim();
  const m = LOCAL.exec(s);
  if (m) {
    if (!realLocal(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))) return null;
    const t = zonedTime(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), timeZone) + (+(m[6] ?? 0)) * 1000;
    return Number.isNaN(t) ? null : new Date(t);
  }
  const t = parseOther(s);
  return Number.isNaN(t) ? null : new Date(t);
}

/**
 * parseTime as epoch ms, with the zone's offset worked out once per local day: asking Intl for
 * it is what costs. A day whose offset is the same at 00:00 and 23:59 has no transition (zones
 * change at most twice a year); on a day that has one, once per hour, and inside an hour that
 * holds the transition, row by row.
 */
export function timeParser(timeZone: string): (text: string) => number {
  const offsets = new Map<string, number>();
  const offset = (y: number, mo: number, d: number, hh: number, mm: number) => Date.UTC(y, mo - 1, d, hh, mm) - zonedTime(y, mo, d, hh, mm, timeZone);
  return (text) => {
    const s = text.trim();
    const m = LOCAL.exec(s);
    if (!m) return parseOther(s);
    const y = +m[1], mo = +m[2], d = +m[3], hh = +(m[4] ?? 0), mm = +(m[5] ?? 0), ss = +(m[6] ?? 0);
    if (!realLocal(y, mo, d, hh, mm, ss)) return Number.NaN;
    const day = s.slice(0, 10);
    let off = offsets.get(day);
    if (off === undefined) {
      const a = offset(y, mo, d, 0, 0);
      off = a === offset(y, mo, d, 23, 59) ? a : Number.NaN;
      offsets.set(day, off);
    }
    if (Number.isNaN(off)) {
      const hour = `${day} ${hh}`;
      off = offsets.get(hour);
      if (off === undefined) {
        const a = offset(y, mo, d, hh, 0);
        off = a === offset(y, mo, d, hh, 59) ? a : Number.NaN;
        offsets.set(hour, off);
      }
    }
    const t = Number.isNaN(off) ? zonedTime(y, mo, d, hh, mm, timeZone) : Date.UTC(y, mo - 1, d, hh, mm) - off;
    return t + ss * 1000;
  };
}

/**
 * A JSON array of JSON texts written as UTF-8 into one reused buffer. The batch's descriptions
 * and attributes go here as each row is read, not into arrays of strings: 20,000 rows' strings
 * lived through several young-generation collections each (measured: garbage collection
 * 2.5-3.4 of 5.3 s of Node CPU while reading 1M rows, 1.2 s without the attributes).
 */
class JsonList {
  private buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;

  push(json: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.len + json.length * 3 + 1 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + json.length * 3 + 1));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    if (this.len > 0) this.buf[this.len++] = 44;
    this.len += this.buf.write(json, this.len);
  }

  /** The array's text; the list is empty again. */
  take(): string {
    const text = `[${this.buf.toString('utf8', 0, this.len)}]`;
    this.len = 0;
    return text;
  }
}

interface Fields { lng: unknown; lat: unknown; time: unknown; category: unknown; description: unknown; attrs: string }

class Batcher {
  report: ImportReport = { rows: 0, imported: 0, located: 0, skipped: 0, errors: [], timings: { read: 0, locate: 0, write: 0 }, bulk: false, rebuiltIndexes: false, keysOnce: false, latticeRows: 0 };
  /** Active category codes, each with its place in the list sent with every batch. */
  private categories = new Map<string, number>();
  private categoryList: string[] = [];
  /** The categories the accepted rows use. */
  private used = new Set<string>();
  private parseTime: (text: string) => number;
  private started = performance.now();
  // The batch being filled, column by column (k rows so far): numbers in typed arrays, which
  // the garbage collector need not look into and which join into array literals natively.
  private k = 0;
  private lng = new Float64Array(STAGE_BATCH);
  private lat = new Float64Array(STAGE_BATCH);
  private ms = new Float64Array(STAGE_BATCH);
  private cat = new Int32Array(STAGE_BATCH);
  private rank = new Int32Array(STAGE_BATCH);
  private desc = new JsonList();
  private attrs = new JsonList();
  private staged = 0;
  /** undefined: not built yet; null: none (too few rows so far, or the grids too large). */
  private lattice: Lattice | null | undefined = undefined;
  /** Rows per grid rank located by the lattice. */
  private rankCounts: number[] = [];
  // The batch on its way to the database while the next one is parsed.
  private pending: Promise<unknown> | null = null;

  constructor(private q: Queryable, private opts: ImportOptions) {
    this.parseTime = timeParser(opts.timeZone);
  }

  async init(): Promise<void> {
    const { rows } = await this.q.query<{ code: string }>('SELECT code FROM categories WHERE active');
    for (const r of rows) this.categories.set(r.code, this.categoryList.push(r.code));
    if (this.opts.category && !this.categories.has(this.opts.category)) throw unprocessable('unknown_category', `No category "${this.opts.category}"`);
    // Big set-based statements: JIT compiling them costs more than it saves, and sorts and
    // hashes of a million rows want more than the default work memory (both for this
    // transaction only).
    await this.q.query("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)");
    await prepareChains(this.q, this.opts.jurisdictionId);
    await this.q.query(sqlFile(import.meta.url, 'sql/import-grids.sql'));
    await this.q.query(sqlFile(import.meta.url, 'sql/import-stage.sql'));
    if (this.opts.lattice === false) this.lattice = null;
  }

  bad(reason: string): void {
    const row = this.report.rows;
    if (!this.opts.skipInvalid) throw unprocessable('bad_row', `Row ${row}: ${reason}; nothing was imported (send skipInvalid=true to skip bad rows)`, { row });
    this.report.skipped++;
    if (this.report.errors.length < 100) this.report.errors.push({ row, reason });
  }

  /** Checks and keeps one row; a promise only when a full batch had to be sent. */
  add(f: Fields): Promise<void> | void {
    this.report.rows++;
    const lng = Number(f.lng), lat = Number(f.lat);
    if (f.lng === '' || f.lat === '' || !Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) return this.bad('no valid lng/lat');
    const at = typeof f.time === 'string' && f.time ? this.parseTime(f.time) : Number.NaN;
    if (Number.isNaN(at)) return this.bad(`no valid time ("${String(f.time ?? '')}")`);
    const category = typeof f.category === 'string' && f.category ? f.category : this.opts.category;
    const c = category ? this.categories.get(category) : undefined;
    if (c === undefined) return this.bad(category ? `unknown category "${category}"` : 'no category (column or ?category=)');
    const k = this.k++;
    this.lng[k] = lng;
    this.lat[k] = lat;
    this.ms[k] = at;
    this.cat[k] = c;
    this.used.add(category!);
    this.desc.push(typeof f.description === 'string' && f.description ? JSON.stringify(f.description.slice(0, 4000)) : '""');
    this.attrs.push(f.attrs);
    if (this.k >= STAGE_BATCH) return this.stage();
  }

  /** How to write (see ImportOptions.bulk): both need the table's owner (ALTER/DROP INDEX). */
  private async mode(): Promise<{ bulk: boolean; rebuild: boolean }> {
    const bulk = this.opts.bulk ?? (this.opts.rebuildIndexes || this.staged >= BULK_MIN);
    if (!bulk || this.staged === 0) return { bulk: false, rebuild: false };
    const limit = this.opts.rebuildIndexes === undefined ? Math.ceil(this.staged * REBUILD_RATIO) : 0;
    const { rows } = await this.q.query<{ small: boolean; owner: boolean }>(
      `SELECT $1::int > 0 AND (SELECT count(*) FROM (SELECT 1 FROM incidents LIMIT $1::int) x) < $1::int AS small,
              pg_has_role(c.relowner, 'USAGE') AS owner
         FROM pg_class c WHERE c.oid = 'incidents'::regclass`, [limit]);
    const owner = rows[0].owner;
    return { bulk: owner, rebuild: owner && (this.opts.rebuildIndexes ?? rows[0].small) };
  }

  /** The lattice over import_grids (null when the grids hold too many vertices). */
  private async buildLattice(): Promise<Lattice | null> {
    const { rows: [v] } = await this.q.query<{ n: number }>('SELECT coalesce(sum(ST_NPoints(geom)), 0)::int AS n FROM import_grids');
    if (v.n > MAX_VERTICES) return null;
    const { rows } = await this.q.query<LatticeGrid>(sqlFile(import.meta.url, 'sql/import-lattice-grids.sql'));
    const lattice = buildLattice(rows, this.opts.latticeCells);
    this.rankCounts = new Array<number>(rows.reduce((m, r) => Math.max(m, r.rank), 0) + 1).fill(0);
    return lattice;
  }

  /** Sends the filled batch; waits only for the one before it. */
  private async stage(): Promise<void> {
    if (this.pending) await this.pending;
    this.pending = null;
    const n = this.k;
    if (n === 0) return;
    // Smaller imports leave every row to the database: the lattice's build (≈ 0.1 s) would not pay.
    if (this.lattice === undefined && (n >= STAGE_BATCH || this.opts.lattice)) this.lattice = await this.buildLattice();
    const { lattice, rankCounts, lng, lat, rank } = this;
    if (lattice) {
      let found = 0;
      for (let i = 0; i < n; i++) {
        const r = lattice.locate(lng[i], lat[i]);
        rank[i] = r === UNKNOWN ? -1 : r === NO_GRID ? 0 : r;
        if (r !== UNKNOWN) found++;
        if (r > 0) rankCounts[r]++;
      }
      this.report.latticeRows += found;
    } else rank.fill(-1, 0, n);
    // Array literals built here (numbers joined natively; texts as one JSON array each, the
    // attributes already JSON): pg's own array serialisation escaped every element, ≈ 1/4 of
    // the reading's CPU.
    const list = (a: Float64Array | Int32Array) => `{${a.subarray(0, n).join(',')}}`;
    const params = [this.staged, list(lng), list(lat), list(this.ms), this.categoryList, list(this.cat),
      this.desc.take(), this.attrs.take(), list(rank)];
    this.staged += n;
    this.k = 0;
    const p = this.q.query(sqlFile(import.meta.url, 'sql/import-stage-insert.sql'), params);
    // Awaited before the next batch or at the end; a failure meanwhile must not go unhandled.
    p.catch(() => undefined);
    this.pending = p;
    this.opts.onProgress?.(0, this.staged);
  }

  async finish(): Promise<ImportReport> {
    await this.stage();
    if (this.pending) await this.pending;
    const t = this.report.timings;
    let t0 = performance.now();
    t.read = (t0 - this.started) / 1000;
    if (this.staged > 0) {
      await this.q.query(sqlFile(import.meta.url, 'sql/import-locate.sql').replaceAll('ROWS', String(this.staged - this.report.latticeRows)));
      // Rows per grid: the lattice's, and the database's for the rest.
      const { rows: rest } = await this.q.query<{ rank: number | null; n: number }>(
        'SELECT rank, count(*)::int AS n FROM import_located WHERE rank IS NOT NULL GROUP BY rank');
      const perRank = new Map<number, number>();
      this.rankCounts.forEach((n, rank) => { if (n > 0) perRank.set(rank, n); });
      for (const r of rest) perRank.set(r.rank!, (perRank.get(r.rank!) ?? 0) + r.n);
      const groups = [...perRank].sort((a, b) => a[0] - b[0]).map(([rank, n]) => ({ rank, n }));
      let t1 = performance.now();
      t.locate = (t1 - t0) / 1000;
      t0 = t1;
      const { bulk, rebuild } = await this.mode();
      this.report.bulk = bulk;
      this.report.rebuiltIndexes = rebuild;
      // A bulk write has no statement trigger to keep short: one statement, which reads the
      // staged rows once (chunks each read them all: ≈ 0.3 s of CPU per chunk at 1M).
      const size = Math.max(1, this.opts.batch ?? (bulk ? Infinity : WRITE_BATCH));
      // Chunks of neighbouring grids (ranks), then the rows in no grid by row number.
      const chunks: [number | null, number | null, number, number][] = [];
      let from: number | null = null, to = 0, count = 0;
      for (const g of groups) {
        this.report.located += g.n;
        if (from !== null && count + g.n > size) {
          chunks.push([from, to, 0, this.staged]);
          from = null; count = 0;
        }
        if (from === null) from = g.rank;
        to = g.rank;
        count += g.n;
      }
      if (from !== null) chunks.push([from, to, 0, this.staged]);
      const unlocated = this.staged - this.report.located;
      if (unlocated > 0 && unlocated <= size) chunks.push([null, null, 0, this.staged]);
      else if (unlocated > 0) for (let n = 0; n < this.staged; n += size) chunks.push([null, null, n, n + size]);
      // Everything in one: ranks 0 (no grid) and up.
      if (size === Infinity) chunks.splice(0, chunks.length, [0, 2 ** 31 - 1, 0, this.staged]);
      const keysOnce = bulk && this.opts.keysOnce !== false
        && (await this.q.query<{ fast: boolean }>(sqlFile(import.meta.url, 'sql/import-keys-mode.sql'))).rows[0].fast;
      this.report.keysOnce = keysOnce;
      if (keysOnce) {
        const { rows: [k] } = await this.q.query<{ jurisdictions: number; categories: number }>(
          sqlFile(import.meta.url, 'sql/import-keys-check.sql'), [this.opts.jurisdictionId, [...this.used]]);
        if (k.jurisdictions !== 1) throw unprocessable('unknown_jurisdiction', `No jurisdiction ${this.opts.jurisdictionId}; nothing was imported`);
        if (k.categories !== this.used.size) throw unprocessable('unknown_category', 'A category of the file was removed during the import; nothing was imported');
      }
      // The counts trigger is turned off, or with a rebuild dropped and made again (import-indexes-*.sql).
      if (bulk && !rebuild) await this.q.query(sqlFile(import.meta.url, 'sql/import-bulk-begin.sql'));
      if (rebuild) await this.q.query(sqlFile(import.meta.url, 'sql/import-indexes-drop.sql'));
      let insertSql = sqlFile(import.meta.url, 'sql/import-insert.sql');
      if (rebuild) {
        // No index takes the rows one by one: the sort that orders them for the indexes is
        // wasted work (≈ 3 s of CPU at 1M; the builds sort for themselves).
        const unsorted = insertSql.replace(/\n ORDER BY k\.rank, r\.reported_at;\s*$/, ';\n');
        if (unsorted === insertSql) throw new Error('sql/import-insert.sql: no final ORDER BY to leave out');
        insertSql = unsorted;
      }
      // Per-row foreign-key checks (and insert triggers: none but the counts', off anyway) are
      // skipped for the rows' statements only; the setting ends with them (and with the transaction).
      if (keysOnce) await this.q.query("SELECT set_config('session_replication_role', 'replica', true)");
      for (const [a, b, n0, n1] of chunks) {
        const r = await this.q.query(insertSql, [this.opts.jurisdictionId, this.opts.status, a, b, n0, n1]);
        this.report.imported += r.rowCount ?? 0;
        this.opts.onProgress?.(this.report.imported, this.staged);
      }
      if (keysOnce) await this.q.query("SELECT set_config('session_replication_role', 'origin', true)");
      const tRows = performance.now();
      if (bulk) {
        await this.q.query(sqlFile(import.meta.url, 'sql/import-counts-cells.sql'), [this.opts.jurisdictionId, this.opts.status]);
        await this.q.query(sqlFile(import.meta.url, 'sql/import-counts-grids.sql'),
          [this.opts.jurisdictionId, this.opts.status, groups.map((g) => g.rank), groups.map((g) => g.n)]);
        if (!rebuild) await this.q.query('ALTER TABLE incidents ENABLE TRIGGER incident_counts_insert');
      }
      const tCounts = performance.now();
      if (rebuild) await this.q.query(sqlFile(import.meta.url, 'sql/import-indexes-build.sql'));
      t1 = performance.now();
      t.write = (t1 - t0) / 1000;
      if (bulk) t.counts = (tCounts - tRows) / 1000;
      if (rebuild) t.indexes = (t1 - tCounts) / 1000;
    }
    await this.q.query('DROP TABLE IF EXISTS demo_chains, import_grids, import_lattice, import_cells, import_sole, import_located, import_rows');
    await this.q.query("SELECT bump_layer_version('incidents')");
    return this.report;
  }
}

const pickKey = (keys: string[], names: string[]) => keys.find((k) => names.includes(k.toLowerCase().trim()));

/** The attributes object of the columns at idx, as JSON text; absent cells are left out. */
function attrsJson(names: string[], idx: number[]): (rec: string[]) => string {
  const keys = names.map((k) => JSON.stringify(k));
  return (rec) => {
    let s = '{';
    for (let i = 0; i < idx.length; i++) {
      const v = rec[idx[i]];
      if (v === undefined) continue;
      if (s.length > 1) s += ',';
      s += keys[i] + ':' + JSON.stringify(v);
    }
    return s + '}';
  };
}

export async function importCsv(q: Queryable, input: AsyncIterable<Buffer | string>, opts: ImportOptions): Promise<ImportReport> {
  const b = new Batcher(q, opts);
  await b.init();
  let header: string[] | null = null;
  let col = { lng: -1, lat: -1, time: -1, category: -1, description: -1 };
  let attrs: (rec: string[]) => string = () => '{}';
  const at = (rec: string[], i: number) => (i < 0 ? undefined : rec[i]);
  for await (const records of csvRecords(input)) {
    for (const rec of records) {
      if (!header) {
        header = rec;
        const key = (names: string[]) => { const k = pickKey(header!, names); return k === undefined ? -1 : header!.indexOf(k); };
        col = { lng: key(LNG), lat: key(LAT), time: key(TIME), category: key(CATEGORY), description: key(DESCRIPTION) };
        const used = new Set(Object.values(col));
        const rest = header.map((_, i) => i).filter((i) => !used.has(i));
        attrs = attrsJson(rest.map((i) => header![i]), rest);
        continue;
      }
      if (b.report.rows === 0 && (col.lng < 0 || col.lat < 0 || col.time < 0)) {
        throw unprocessable('missing_columns', `The CSV needs longitude, latitude and time columns (found: ${header.join(', ')})`, { columns: header });
      }
      const p = b.add({ lng: at(rec, col.lng), lat: at(rec, col.lat), time: at(rec, col.time), category: at(rec, col.category), description: at(rec, col.description), attrs: attrs(rec) });
      if (p) await p;
    }
  }
  if (b.report.rows === 0) throw unprocessable('empty_file', 'The file holds no rows');
  return b.finish();
}

export async function importGeoJson(q: Queryable, text: string, opts: ImportOptions): Promise<ImportReport> {
  let doc: { type?: string; features?: { geometry?: { type?: string; coordinates?: number[] }; properties?: Record<string, unknown> | null }[] };
  if (text.trim() === '') throw unprocessable('empty_file', 'The file is empty');
  // A binary file (a photo named .geojson) decodes to U+FFFD: say what it is not, and where.
  try { doc = JSON.parse(text.replace(/^\uFEFF/, '')); } catch (err) { throw unprocessable('bad_geojson', `The file is not JSON (${(err as Error).message.slice(0, 120)})`); }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw unprocessable('bad_geojson', 'Send a GeoJSON FeatureCollection of points');
  const b = new Batcher(q, opts);
  await b.init();
  for (const f of doc.features) {
    const props = f.properties ?? {};
    const keys = Object.keys(props);
    const tk = pickKey(keys, TIME), ck = pickKey(keys, CATEGORY), dk = pickKey(keys, DESCRIPTION);
    const attrs: Record<string, unknown> = {};
    for (const k of keys) if (k !== tk && k !== ck && k !== dk) attrs[k] = props[k];
    const point = f.geometry?.type === 'Point' ? f.geometry.coordinates : undefined;
    const p = b.add({ lng: point?.[0] ?? '', lat: point?.[1] ?? '', time: tk ? String(props[tk]) : undefined, category: ck ? props[ck] : undefined, description: dk ? props[dk] : undefined, attrs: JSON.stringify(attrs) });
    if (p) await p;
  }
  if (b.report.rows === 0) throw unprocessable('empty_file', 'The file holds no features');
  return b.finish();
}
