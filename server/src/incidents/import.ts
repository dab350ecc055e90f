import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { sqlFile, type Queryable } from '../core/db.ts';
import { unprocessable } from '../core/errors.ts';
import { zonedTime } from './calendar.ts';
import { prepareChains } from './generator.ts';

/**
 * Bulk import of historical incidents (CSV or GeoJSON), streamed and written in batches with
 * one INSERT … SELECT FROM unnest(…) each, located in the same statement. Everything is one
 * transaction: a bad row stops the import and nothing is written, unless skipInvalid.
 */
export interface ImportOptions {
  jurisdictionId: number;
  /** Category for every row, or for rows without a category column value. */
  category?: string;
  /** Local times without an offset are in this zone. */
  timeZone: string;
  status: 'closed' | 'reported';
  skipInvalid: boolean;
  batch?: number;
  onProgress?: (done: number) => void;
}

export interface ImportReport { rows: number; imported: number; located: number; skipped: number; errors: { row: number; reason: string }[] }

const LNG = ['lng', 'lon', 'long', 'longitude', 'x'];
const LAT = ['lat', 'latitude', 'y'];
const TIME = ['reported_at', 'reportedat', 'datetime', 'date', 'time', 'timestamp'];
const CATEGORY = ['category', 'category_code', 'service_code'];
const DESCRIPTION = ['description', 'desc', 'summary'];

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export function parseTime(text: string, timeZone: string): Date | null {
  const s = text.trim();
  const m = LOCAL.exec(s);
  if (m) {
    const t = zonedTime(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), timeZone) + (+(m[6] ?? 0)) * 1000;
    return Number.isNaN(t) ? null : new Date(t);
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}

interface Row { lng: number; lat: number; at: Date; category: string; description: string; attrs: string }

class Batcher {
  rows: Row[] = [];
  report: ImportReport = { rows: 0, imported: 0, located: 0, skipped: 0, errors: [] };
  private categories = new Set<string>();
  constructor(private q: Queryable, private opts: ImportOptions) {}

  async init(): Promise<void> {
    const { rows } = await this.q.query<{ code: string }>('SELECT code FROM categories WHERE active');
    for (const r of rows) this.categories.add(r.code);
    if (this.opts.category && !this.categories.has(this.opts.category)) throw unprocessable('unknown_category', `No category "${this.opts.category}"`);
    await prepareChains(this.q, this.opts.jurisdictionId);
  }

  bad(reason: string): void {
    const row = this.report.rows;
    if (!this.opts.skipInvalid) throw unprocessable('bad_row', `Row ${row}: ${reason}; nothing was imported (send skipInvalid=true to skip bad rows)`, { row });
    this.report.skipped++;
    if (this.report.errors.length < 100) this.report.errors.push({ row, reason });
  }

  async add(fields: { lng: unknown; lat: unknown; time: unknown; category: unknown; description: unknown; attrs: Record<string, unknown> }): Promise<void> {
    this.report.rows++;
    const lng = Number(fields.lng), lat = Number(fields.lat);
    if (fields.lng === '' || fields.lat === '' || !Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) return this.bad('no valid lng/lat');
    const at = typeof fields.time === 'string' && fields.time ? parseTime(fields.time, this.opts.timeZone) : null;
    if (!at) return this.bad(`no valid time ("${String(fields.time ?? '')}")`);
    const category = typeof fields.category === 'string' && fields.category ? fields.category : this.opts.category;
    if (!category || !this.categories.has(category)) return this.bad(category ? `unknown category "${category}"` : 'no category (column or ?category=)');
    this.rows.push({ lng, lat, at, category, description: typeof fields.description === 'string' ? fields.description.slice(0, 4000) : '', attrs: JSON.stringify(fields.attrs) });
    if (this.rows.length >= (this.opts.batch ?? 10_000)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const r = this.rows;
    this.rows = [];
    const { rows } = await this.q.query<{ located: boolean }>(sqlFile(import.meta.url, 'sql/import-insert.sql'), [
      this.opts.jurisdictionId, r.map((x) => x.lng), r.map((x) => x.lat), r.map((x) => x.at), r.map((x) => x.category), r.map((x) => x.description), r.map((x) => x.attrs), this.opts.status]);
    this.report.imported += rows.length;
    this.report.located += rows.filter((x) => x.located).length;
    this.opts.onProgress?.(this.report.imported);
  }

  async finish(): Promise<ImportReport> {
    await this.flush();
    await this.q.query('DROP TABLE IF EXISTS demo_chains');
    await this.q.query("SELECT bump_layer_version('incidents')");
    return this.report;
  }
}

const pickKey = (keys: string[], names: string[]) => keys.find((k) => names.includes(k.toLowerCase().trim()));

export async function importCsv(q: Queryable, input: Readable, opts: ImportOptions): Promise<ImportReport> {
  const b = new Batcher(q, opts);
  await b.init();
  const parser = input.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }));
  let keys: { lng?: string; lat?: string; time?: string; category?: string; description?: string; rest: string[] } | null = null;
  try {
    for await (const rec of parser as AsyncIterable<Record<string, string>>) {
      if (!keys) {
        const all = Object.keys(rec);
        keys = { lng: pickKey(all, LNG), lat: pickKey(all, LAT), time: pickKey(all, TIME), category: pickKey(all, CATEGORY), description: pickKey(all, DESCRIPTION), rest: [] };
        if (!keys.lng || !keys.lat || !keys.time) throw unprocessable('missing_columns', `The CSV needs longitude, latitude and time columns (found: ${all.join(', ')})`, { columns: all });
        const used = new Set([keys.lng, keys.lat, keys.time, keys.category, keys.description]);
        keys.rest = all.filter((k) => !used.has(k));
      }
      const attrs: Record<string, unknown> = {};
      for (const k of keys.rest) attrs[k] = rec[k];
      await b.add({ lng: rec[keys.lng!], lat: rec[keys.lat!], time: rec[keys.time!], category: keys.category ? rec[keys.category] : undefined, description: keys.description ? rec[keys.description] : undefined, attrs });
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith?.('CSV_')) throw unprocessable('bad_csv', `The CSV cannot be read: ${(err as Error).message}`);
    throw err;
  }
  if (!keys) throw unprocessable('empty_file', 'The file holds no rows');
  return b.finish();
}

export async function importGeoJson(q: Queryable, text: string, opts: ImportOptions): Promise<ImportReport> {
  let doc: { type?: string; features?: { geometry?: { type?: string; coordinates?: number[] }; properties?: Record<string, unknown> | null }[] };
  try { doc = JSON.parse(text); } catch { throw unprocessable('bad_geojson', 'The file is not JSON'); }
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
    await b.add({ lng: point?.[0] ?? '', lat: point?.[1] ?? '', time: tk ? String(props[tk]) : undefined, category: ck ? props[ck] : undefined, description: dk ? props[dk] : undefined, attrs });
  }
  if (b.report.rows === 0) throw unprocessable('empty_file', 'The file holds no features');
  return b.finish();
}
