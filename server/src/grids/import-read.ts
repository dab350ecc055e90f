import { parse as parseCsv } from 'csv-parse/sync';
import { parseZip } from 'shpjs';
import { badRequest } from '../core/errors.ts';
import type { Crs } from './crs.ts';
import { readGeoPackage } from './gpkg.ts';

/** One feature as read from a file, before any geometry is parsed. */
export interface RawFeature {
  /** 1-based position in the file (feature number, or CSV data row). */
  ref: number;
  properties: Record<string, unknown>;
  /** Geometry text (GeoJSON or WKT) or null when the feature has none. */
  geom: string | null;
  format: 'geojson' | 'wkt' | 'wkb';
}

export interface ReadOptions {
  /** CSV: column with WKT geometry (default: wkt, geometry, geom, the_geom). */
  wktField?: string;
  /** CSV: longitude/latitude columns for points (default: lng/lon/longitude/x, lat/latitude/y). */
  lngField?: string;
  latField?: string;
  /** GeoPackage: the features table (default: the first). */
  layer?: string;
}

export type FileFormat = 'geojson' | 'csv' | 'shapefile' | 'geopackage';

/** What a file says about its own CRS (a Shapefile's .prj, a GeoPackage's srs), which wins over the declared one. */
export interface FileCrs { crs: Crs; label: string }

export function detectFormat(fileName: string, head: Buffer): FileFormat {
  const lower = fileName.toLowerCase();
  if (/\.(geo)?json$/.test(lower)) return 'geojson';
  if (/\.(csv|txt)$/.test(lower)) return 'csv';
  if (lower.endsWith('.zip') || (head[0] === 0x50 && head[1] === 0x4b)) return 'shapefile';
  if (lower.endsWith('.gpkg') || head.toString('latin1', 0, 15) === 'SQLite format 3') return 'geopackage';
  if (/\.(shp|pbf)$/.test(lower)) {
    throw badRequest('unsupported_format', `${fileName}: send a Shapefile as a .zip of its .shp/.shx/.dbf/.prj; PBF imports are not supported here (npm run import:osm)`);
  }
  const first = head.toString('utf8', 0, Math.min(head.length, 64)).trimStart();
  if (first.startsWith('{')) return 'geojson';
  return 'csv';
}

/**
 * Reads a GeoJSON FeatureCollection / Feature / geometry, a CSV with WKT or lon/lat columns, or a
 * zipped Shapefile (shpjs; with a .prj it arrives in WGS84 already: `reprojected` is then true).
 */
export async function readFeatures(buf: Buffer, format: FileFormat, opts: ReadOptions = {}): Promise<{ features: RawFeature[]; fileCrs: FileCrs | null }> {
  if (buf.length === 0) throw badRequest('empty_file', 'The file is empty');
  if (format === 'shapefile') {
    const r = await readShapefile(buf);
    return { features: r.features, fileCrs: r.reprojected ? { crs: { kind: 'wgs84' }, label: 'WGS84 (from the .prj)' } : null };
  }
  if (format === 'geopackage') {
    const g = await readGeoPackage(buf, opts.layer);
    if (g.rows.length === 0) throw badRequest('empty_file', `The GeoPackage table ${g.table} has no rows`);
    const features = g.rows.map((r, i) => ({ ref: i + 1, properties: r.properties, geom: r.wkbHex, format: 'wkb' as const }));
    const fileCrs: FileCrs | null = g.srid === null ? null
      : { crs: g.srid === 4326 || g.srid === 4490 ? { kind: 'wgs84' } : { kind: 'epsg', srid: g.srid }, label: `EPSG:${g.srid} (from the GeoPackage)` };
    return { features, fileCrs };
  }
  assertText(buf, format);
  return { features: format === 'geojson' ? readGeoJson(buf) : readCsv(buf, opts), fileCrs: null };
}

/**
 * The names in a zip's central directory, read with every offset checked against the buffer.
 * shpjs's unzipper (but-unzip 0.1.10) searches backwards for the end-of-central-directory record
 * with lastIndexOf, and when a byte 0x50 ('P') sits at offset 0 and no record exists the search
 * wraps round to the end and never stops: a planner's garbage .zip ("PK\x03\x04" then junk)
 * hung the whole server (probe of 2026-12-01). So the zip is checked here first; only an archive
 * with a sound directory naming a .shp and a .dbf goes on to shpjs.
 */
export function zipEntryNames(buf: Buffer): string[] {
  const notZip = (why: string) => badRequest('invalid_zip', `The file is not a readable zip archive (${why}); send a Shapefile as a .zip of its .shp, .shx, .dbf and .prj`);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x05 && buf[i + 3] === 0x06) { eocd = i; break; }
  }
  if (eocd < 0) throw notZip('no end-of-central-directory record');
  const entries = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  let at = buf.readUInt32LE(eocd + 16);
  if (entries !== buf.readUInt16LE(eocd + 8)) throw notZip('a multi-disk archive');
  if (at + size > eocd) throw notZip('the central directory lies outside the file');
  const names: string[] = [];
  for (let k = 0; k < entries; k++) {
    if (at + 46 > eocd || buf.readUInt32LE(at) !== 0x02014b50) throw notZip(`entry ${k + 1} of the central directory is damaged`);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw notZip(`entry ${k + 1} points outside the file`);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return names;
}

async function readShapefile(buf: Buffer): Promise<{ features: RawFeature[]; reprojected: boolean }> {
  const names = zipEntryNames(buf).filter((n) => !n.endsWith('/') && !/(^|\/)__MACOSX\//.test(n));
  if (names.length === 0) throw badRequest('empty_zip', 'The zip is empty; send a Shapefile as a .zip of its .shp, .shx, .dbf and .prj');
  const missing = ['.shp', '.dbf'].filter((ext) => !names.some((n) => n.toLowerCase().endsWith(ext)));
  if (missing.length > 0) {
    throw badRequest('incomplete_shapefile', `The zip holds no ${missing.join(' and no ')} file (it holds: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}); a Shapefile needs its .shp and .dbf (and .prj for its CRS)`, { missing, entries: names.slice(0, 50) });
  }
  let parsed;
  try {
    parsed = await parseZip(buf);
  } catch (err) {
    throw badRequest('invalid_shapefile', `The zip does not hold a readable Shapefile (.shp + .dbf): ${(err as Error).message}`);
  }
  const layers = Array.isArray(parsed) ? parsed : [parsed];
  if (layers.length > 1) throw badRequest('several_layers', `The zip holds ${layers.length} Shapefiles (${layers.map((l) => l.fileName).join(', ')}); send one per import`);
  const features = layers[0].features;
  if (features.length === 0) throw badRequest('empty_file', 'The Shapefile has no features');
  const hasPrj = await zipHasPrj(buf);
  return {
    features: features.map((f, i) => ({ ref: i + 1, properties: f.properties ?? {}, geom: f.geometry ? JSON.stringify(f.geometry) : null, format: 'geojson' as const })),
    reprojected: hasPrj,
  };
}

/** Whether the zip names a .prj file (shpjs applies it when present); zip entry names are stored uncompressed. */
async function zipHasPrj(buf: Buffer): Promise<boolean> {
  return /\.prj/i.test(buf.toString('latin1'));
}

/**
 * GeoJSON and CSV are read as UTF-8 (a CSV may also be UTF-16 with its byte-order mark). A
 * binary file under a text name (a PNG called .geojson or .csv) and a GBK/GB18030 CSV — read
 * before 2026-12-01 as mojibake names, or refused with its garbled header as the "columns" — are
 * refused here, naming what the file seems to be.
 */
function assertText(buf: Buffer, format: 'geojson' | 'csv'): void {
  const kind = format === 'geojson' ? 'GeoJSON' : 'CSV';
  const magic: [string, number[]][] = [['a PNG image', [0x89, 0x50, 0x4e, 0x47]], ['a JPEG image', [0xff, 0xd8, 0xff]], ['a zip archive', [0x50, 0x4b, 0x03, 0x04]],
    ['a PDF', [0x25, 0x50, 0x44, 0x46]], ['a GIF image', [0x47, 0x49, 0x46, 0x38]], ['a gzip file', [0x1f, 0x8b]], ['a SQLite database (GeoPackage?)', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65]]];
  const seems = magic.find(([, m]) => m.every((b, i) => buf[i] === b));
  if (seems) throw badRequest('not_text', `The file was taken for ${kind} (by its name or first bytes) but is ${seems[0]}; send ${kind} text, a .zip Shapefile or a .gpkg, named for what it is`, { seems: seems[0] });
  const utf16 = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
  if (format === 'csv' && utf16) return;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const at = firstBadUtf8(buf);
    const line = buf.subarray(0, at).toString('latin1').split('\n').length;
    throw badRequest('not_utf8', `The ${kind} is not UTF-8 (line ${line}, byte ${at + 1}${utf16 ? ': UTF-16 is read only for CSV' : ''}); save it as UTF-8 — a GBK/GB18030 export from Excel or WPS needs "Save as CSV UTF-8"`, { line, byte: at + 1 });
  }
  if (buf.subarray(0, 4096).includes(0)) throw badRequest('not_text', `The file was taken for ${kind} (by its name or first bytes) but holds binary data (NUL bytes)`);
}

function firstBadUtf8(buf: Buffer): number {
  // The decoder says only "invalid"; find where by decoding growing prefixes (the files are small).
  let lo = 0;
  let hi = buf.length;
  const ok = (n: number) => { try { new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, n), { stream: true }); return true; } catch { return false; } };
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ok(mid)) lo = mid; else hi = mid - 1; }
  // The decoder holds a lead byte back waiting for its continuation: the bad character starts there.
  while (lo > 0 && buf[lo - 1] >= 0xc0) lo--;
  return lo;
}

function readGeoJson(buf: Buffer): RawFeature[] {
  let doc: any;
  try {
    doc = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw badRequest('invalid_geojson', `The file is not JSON: ${(err as Error).message}`);
  }
  const features: any[] = doc?.type === 'FeatureCollection' ? doc.features
    : doc?.type === 'Feature' ? [doc]
    : typeof doc?.type === 'string' && 'coordinates' in doc ? [{ type: 'Feature', properties: {}, geometry: doc }]
    : (() => { throw badRequest('invalid_geojson', 'Expected a GeoJSON FeatureCollection, Feature or geometry'); })();
  if (!Array.isArray(features)) throw badRequest('invalid_geojson', 'features is not an array');
  if (features.length === 0) throw badRequest('empty_file', 'The FeatureCollection has no features');
  return features.map((f, i) => ({
    ref: i + 1,
    properties: f && typeof f.properties === 'object' && f.properties !== null ? f.properties : {},
    geom: f?.geometry ? JSON.stringify(f.geometry) : null,
    format: 'geojson' as const,
  }));
}

/** The line (1-based) on which a quoted field opens and never closes, or null. */
export function unclosedQuoteLine(text: string): number | null {
  let line = 1;
  let openedOn: number | null = null;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (openedOn !== null) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else { openedOn = null; atFieldStart = false; }
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '"' && atFieldStart) { openedOn = line; continue; }
    if (c === '\n') line++;
    atFieldStart = c === ',' || c === '\n' || c === '\r';
  }
  return openedOn;
}

function readCsv(buf: Buffer, opts: ReadOptions): RawFeature[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(buf, { columns: true, skip_empty_lines: true, bom: true, trim: true, relax_column_count: true });
  } catch (err) {
    // The parser reports an unclosed quote where the file ends; the row to fix is where it opened.
    const opened = (err as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuoteLine(buf.toString('utf8')) : null;
    if (opened !== null) throw badRequest('invalid_csv', `The CSV cannot be read: a quote opened on line ${opened} is never closed (the rest of the file was read as one value)`, { line: opened });
    throw badRequest('invalid_csv', `The CSV cannot be read: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw badRequest('empty_file', 'The CSV has no data rows');
  const columns = Object.keys(rows[0]);
  const find = (given: string | undefined, names: string[]) => {
    if (given) {
      if (!columns.includes(given)) throw badRequest('unknown_field', `The CSV has no column "${given}" (columns: ${columns.join(', ')})`);
      return given;
    }
    return columns.find((c) => names.includes(c.toLowerCase()));
  };
  const wkt = find(opts.wktField, ['wkt', 'geometry', 'geom', 'the_geom']);
  const lng = find(opts.lngField, ['lng', 'lon', 'long', 'longitude', 'x']);
  const lat = find(opts.latField, ['lat', 'latitude', 'y']);
  if (!wkt && !(lng && lat)) throw badRequest('no_geometry_columns', `The CSV needs a WKT column or longitude and latitude columns (columns: ${columns.join(', ')})`);
  return rows.map((r, i) => {
    const properties: Record<string, unknown> = { ...r };
    let geom: string | null = null;
    if (wkt && r[wkt]) geom = r[wkt];
    else if (lng && lat && r[lng] !== '' && r[lat] !== '' && r[lng] !== undefined && r[lat] !== undefined) {
      const x = Number(r[lng]);
      const y = Number(r[lat]);
      geom = Number.isFinite(x) && Number.isFinite(y) ? `POINT(${x} ${y})` : `INVALID(${r[lng]} ${r[lat]})`;
    }
    return { ref: i + 1, properties, geom, format: 'wkt' as const };
  });
}
