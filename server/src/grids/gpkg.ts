import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { badRequest } from '../core/errors.ts';

/**
 * GeoPackage (OGC 12-128r18) through sql.js (SQLite in WebAssembly): reading a features table's
 * rows with their geometry as WKB, and writing grids as one features table in WGS84.
 */
let sqlJs: Promise<SqlJsStatic> | null = null;
const sql = () => (sqlJs ??= initSqlJs());

export interface GpkgRow { properties: Record<string, unknown>; wkbHex: string | null }

/** The first (or the named) features table: its SRID (EPSG) and rows with geometry as hex WKB. */
export async function readGeoPackage(buf: Buffer, layer?: string): Promise<{ table: string; srid: number | null; rows: GpkgRow[] }> {
  const SQL = await sql();
  let db;
  try {
    db = new SQL.Database(new Uint8Array(buf));
    db.exec('SELECT 1 FROM sqlite_master LIMIT 1');
  } catch {
    throw badRequest('invalid_geopackage', 'The file is not a SQLite GeoPackage');
  }
  try {
    let layers: { table: string; column: string; srid: number | null }[];
    try {
      const res = db.exec(`SELECT g.table_name, g.column_name,
                                  CASE WHEN upper(s.organization) = 'EPSG' THEN s.organization_coordsys_id WHEN g.srs_id > 0 THEN g.srs_id END
                             FROM gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id ORDER BY g.table_name`);
      layers = (res[0]?.values ?? []).map((v) => ({ table: String(v[0]), column: String(v[1]), srid: v[2] === null ? null : Number(v[2]) }));
    } catch {
      throw badRequest('invalid_geopackage', 'The file has no gpkg_geometry_columns table: not a GeoPackage');
    }
    if (layers.length === 0) throw badRequest('empty_file', 'The GeoPackage has no features table');
    const chosen = layer ? layers.find((l) => l.table === layer) : layers[0];
    if (!chosen) throw badRequest('unknown_layer', `No features table "${layer}" (tables: ${layers.map((l) => l.table).join(', ')})`);
    const stmt = db.prepare(`SELECT * FROM "${chosen.table.replace(/"/g, '""')}"`);
    const rows: GpkgRow[] = [];
    while (stmt.step()) {
      const rec = stmt.getAsObject();
      const blob = rec[chosen.column];
      delete rec[chosen.column];
      rows.push({ properties: rec as Record<string, unknown>, wkbHex: blob instanceof Uint8Array ? gpkgBlobToWkbHex(blob) : null });
    }
    stmt.free();
    return { table: chosen.table, srid: chosen.srid, rows };
  } finally {
    db.close();
  }
}

/** The WKB inside a GeoPackage geometry blob (header 'GP', version, flags, srs_id, envelope). */
export function gpkgBlobToWkbHex(blob: Uint8Array): string | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) return null;
  const flags = blob[3];
  if (flags & 0x10) return null; // empty geometry
  const envelope = (flags >> 1) & 0x07;
  const envBytes = [0, 32, 48, 48, 64][envelope];
  if (envBytes === undefined) return null;
  return Buffer.from(blob.subarray(8 + envBytes)).toString('hex');
}

export interface GpkgFeature { properties: Record<string, string | number | null>; wkb: Buffer; bbox: [number, number, number, number] }

const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

/** A GeoPackage with one MultiPolygon features table `table` in EPSG:4326. */
export async function writeGeoPackage(table: string, columns: { name: string; type: 'TEXT' | 'INTEGER' | 'REAL' }[], features: GpkgFeature[]): Promise<Buffer> {
  const SQL = await sql();
  const db = new SQL.Database();
  try {
    db.run('PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;');
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));`);
    db.run(`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
              ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL), ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, NULL)`, [WGS84_WKT]);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    db.run(`CREATE TABLE ${q(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON, ${columns.map((c) => `${q(c.name)} ${c.type}`).join(', ')})`);
    const bbox = features.reduce<[number, number, number, number]>((b, f) => [Math.min(b[0], f.bbox[0]), Math.min(b[1], f.bbox[1]), Math.max(b[2], f.bbox[2]), Math.max(b[3], f.bbox[3])], [Infinity, Infinity, -Infinity, -Infinity]);
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, 4326)',
      [table, 'features', table, ...(features.length ? bbox : [0, 0, 0, 0])]);
    db.run("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', 4326, 0, 0)", [table]);
    const stmt = db.prepare(`INSERT INTO ${q(table)} (geom, ${columns.map((c) => q(c.name)).join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`);
    db.run('BEGIN');
    for (const f of features) stmt.run([gpkgBlob(f.wkb, f.bbox), ...columns.map((c) => f.properties[c.name] ?? null)]);
    db.run('COMMIT');
    stmt.free();
    return Buffer.from(db.export());
  } finally {
    db.close();
  }
}

/** Standard GeoPackage binary: 'GP', version 0, flags (little-endian, xy envelope), srs 4326, envelope, WKB. */
function gpkgBlob(wkb: Buffer, bbox: [number, number, number, number]): Uint8Array {
  const head = Buffer.alloc(8 + 32);
  head.write('GP', 0, 'ascii');
  head[2] = 0;
  head[3] = 0x03;
  head.writeInt32LE(4326, 4);
  head.writeDoubleLE(bbox[0], 8);
  head.writeDoubleLE(bbox[2], 16);
  head.writeDoubleLE(bbox[1], 24);
  head.writeDoubleLE(bbox[3], 32);
  return new Uint8Array(Buffer.concat([head, wkb]));
}
