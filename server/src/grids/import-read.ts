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
  return { features: format === 'geojson' ? readGeoJson(buf) : readCsv(buf, opts), fileCrs: null };
}

async function readShapefile(buf: Buffer): Promise<{ features: RawFeature[]; reprojected: boolean }> {
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

function readCsv(buf: Buffer, opts: ReadOptions): RawFeature[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(buf, { columns: true, skip_empty_lines: true, bom: true, trim: true, relax_column_count: true });
  } catch (err) {
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
