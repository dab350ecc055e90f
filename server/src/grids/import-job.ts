import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import gcoord from 'gcoord';
import type { Geometry } from 'geojson';
import type { AuthUser } from '../core/auth.ts';
import { audit } from '../core/audit.ts';
import type { Config } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import { HttpError } from '../core/errors.ts';
import { crsLabel, type Crs } from './crs.ts';
import { countPositions, MAX_GRID_POSITIONS, type AreaGeometry } from './geojson.ts';
import { detectFormat, readFeatures, type FileFormat, type RawFeature } from './import-read.ts';
import { gridsChanged } from './locate-cache.ts';
import { publishGrids, type NewGrid } from './publish.ts';
import type { TopologyReport } from './topology.ts';
import { pbfFramingProblem } from '../osm/pbf-framing.ts';

export type ImportKind = 'grids' | 'households' | 'barriers' | 'incidents' | 'osm';

export interface OsmJobOptions {
  name: string; nameEn?: string; codePrefix: string; householdsMin?: number; householdsMax?: number;
  /** A top-tier admin area must hold this share of the buildings (drops neighbours an extract clips). */
  minBuildingShare?: number;
  /** Land uses whose untyped buildings count no households (absent: the importer's default list; []: none). */
  nonResidentialLanduse?: string[];
  tiers: { adminLevel?: number; name: string; nameEn: string }[];
}

export interface ImportOptions {
  kind: ImportKind;
  jurisdictionId: number;
  crs: Crs;
  /** grids: the tier the file's top-level features are (checked against the parent). */
  tier?: number;
  /** grids: the parent of every feature, unless parentField names one per feature. */
  parent?: string | null;
  codeField?: string; nameField?: string; nameEnField?: string; parentField?: string;
  householdsField?: string; populationField?: string; kindField?: string; classField?: string;
  wktField?: string; lngField?: string; latField?: string; layer?: string;
  /** 'fail' (default): any rejected feature fails the job, nothing written; 'skip': write the rest. */
  onReject: 'fail' | 'skip';
  acceptWarnings: boolean;
  /** grids: replace the parent's current children (default) or add to them. */
  replaceChildren: boolean;
  /** incidents: category for rows without one, zone of local times, status to import as. */
  category?: string;
  timeZone?: string;
  status?: 'closed' | 'reported';
  /** osm: the new jurisdiction and its tiers. */
  osm?: OsmJobOptions;
}

export interface Rejection { ref: number; reason: string }

export interface ImportReport {
  format?: string;
  crs?: string;
  features: number;
  accepted: number;
  rejected: Rejection[];
  written?: Record<string, number>;
  changeSets?: number[];
  topology?: TopologyReport;
}

interface Staged { f: RawFeature; geometry: Geometry }

const BATCH = 1000;

export type ReadFile = Awaited<ReturnType<typeof readFeatures>> & { format: FileFormat };

/**
 * Detects the format and reads every feature of a grids/households/barriers file. POST
 * /api/imports calls it before it makes the job, so a mislabelled, empty or unreadable file is
 * a 4xx answer and no job at all (it was a 202 and a failed job until 2026-12-01).
 */
export async function readFile(file: { name: string; data: Buffer }, opts: ImportOptions): Promise<ReadFile> {
  const format = detectFormat(file.name, file.data);
  try {
    return { format, ...(await readFeatures(file.data, format, opts)) };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // A reader library's own failure (a damaged Shapefile or GeoPackage): the file's fault.
    throw new HttpError(422, 'unreadable_file', `${file.name} could not be read as ${format}: ${(err as Error).message}`);
  }
}

/** Runs one import job to the end: status, progress and report land in import_jobs. */
export async function runImport(db: Db, jobId: number, file: { name: string; data: Buffer }, opts: ImportOptions, user: Pick<AuthUser, 'id' | 'username'> | null, config?: Config, read?: ReadFile): Promise<void> {
  const report: ImportReport = { features: 0, accepted: 0, rejected: [] };
  const progress = (stage: string, done: number, total: number) =>
    db.query('UPDATE import_jobs SET progress = $2 WHERE id = $1', [jobId, JSON.stringify({ stage, done, total })]);
  try {
    await db.query("UPDATE import_jobs SET status = 'running' WHERE id = $1", [jobId]);
    if (opts.kind === 'incidents') {
      await runIncidentImport(db, jobId, file, opts, user, report);
      return;
    }
    if (opts.kind === 'osm') {
      await runOsmImport(db, jobId, file, opts.osm!, user, report, config);
      return;
    }
    const { format, features: raw, fileCrs } = read ?? await readFile(file, opts);
    report.format = format;
    report.crs = crsLabel(opts.crs);
    report.features = raw.length;
    // What the file says about its CRS (a .prj, a GeoPackage srs) wins over the declaration.
    const crs: Crs = fileCrs?.crs ?? opts.crs;
    if (fileCrs) report.crs = fileCrs.label;
    await progress('validating', 0, raw.length);
    const staged = await stage(db, raw, { ...opts, crs }, report.rejected, (done) => progress('validating', done, raw.length));
    const accepted = opts.kind === 'grids' ? staged.filter((s) => checkArea(s, report.rejected))
      : opts.kind === 'households' ? staged.filter((s) => checkHousehold(s, opts, report.rejected))
      : staged.filter((s) => checkLine(s, report.rejected));
    report.rejected.sort((a, b) => a.ref - b.ref);
    report.accepted = accepted.length;
    if (report.rejected.length > 0 && opts.onReject === 'fail') {
      throw new HttpError(422, 'features_rejected', `${report.rejected.length} of ${raw.length} features were rejected; nothing was imported (send onReject=skip to import the rest)`);
    }
    if (accepted.length === 0) throw new HttpError(422, 'nothing_to_import', 'No feature could be imported');
    await progress('writing', 0, accepted.length);
    await db.tx(async (q) => {
      if (opts.kind === 'grids') await writeGrids(q, accepted, opts, user, report);
      else if (opts.kind === 'households') await writeHouseholds(q, accepted, opts, report);
      else await writeBarriers(q, accepted, opts, report);
      await audit(q, user, 'import', opts.kind, jobId, { file: file.name, features: report.features, accepted: report.accepted, rejected: report.rejected.length, written: report.written });
    });
    await db.query("UPDATE import_jobs SET status = 'done', report = $2, progress = $3, finished_at = now() WHERE id = $1",
      [jobId, JSON.stringify(report), JSON.stringify({ stage: 'done', done: accepted.length, total: accepted.length })]);
  } catch (err) {
    const e = err instanceof HttpError ? { code: err.code, message: err.message, details: err.details }
      : { code: 'internal', message: 'The import failed unexpectedly' };
    if (err instanceof HttpError && err.code.startsWith('topology_')) report.topology = err.details as TopologyReport;
    await db.query("UPDATE import_jobs SET status = 'failed', report = $2, error = $3, finished_at = now() WHERE id = $1",
      [jobId, JSON.stringify(report), JSON.stringify(e)]).catch(() => undefined);
    if (!(err instanceof HttpError)) throw err;
  }
}

/** Reads every feature's geometry in PostGIS (declared CRS → WGS84); unreadable ones are rejected. */
async function stage(q: Queryable, raw: RawFeature[], opts: ImportOptions, rejected: Rejection[], onBatch: (done: number) => Promise<unknown>): Promise<Staged[]> {
  const out: Staged[] = [];
  const srid = opts.crs.kind === 'epsg' ? opts.crs.srid : 4326;
  for (let i = 0; i < raw.length; i += BATCH) {
    const batch = raw.slice(i, i + BATCH);
    const { rows } = await q.query<{ k: number; geojson: Geometry | null }>(
      `SELECT u.k::int AS k, ST_AsGeoJSON(import_geom(u.e->>'t', u.e->>'f', $2), 9)::json AS geojson
         FROM json_array_elements($1::json) WITH ORDINALITY AS u(e, k)`,
      [JSON.stringify(batch.map((f) => ({ t: f.geom, f: f.format }))), srid]);
    for (const r of rows) {
      const f = batch[r.k - 1];
      if (!f.geom) { rejected.push({ ref: f.ref, reason: 'no geometry' }); continue; }
      if (!r.geojson) { rejected.push({ ref: f.ref, reason: `geometry cannot be read as ${f.format === 'wkt' ? 'WKT' : f.format === 'wkb' ? 'WKB' : 'GeoJSON'} in ${crsLabel(opts.crs)}` }); continue; }
      let g = r.geojson;
      if (opts.crs.kind === 'gcj02' || opts.crs.kind === 'bd09') {
        g = gcoord.transform(g as any, opts.crs.kind === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as unknown as Geometry;
      }
      if (!inRange(g)) { rejected.push({ ref: f.ref, reason: `coordinates are not longitude/latitude after reading them as ${crsLabel(opts.crs)}: is the crs declaration right?` }); continue; }
      out.push({ f, geometry: g });
    }
    await onBatch(Math.min(i + BATCH, raw.length));
  }
  return out;
}

function inRange(g: Geometry): boolean {
  let ok = true;
  const walk = (c: unknown): void => {
    if (!ok || !Array.isArray(c)) return;
    if (typeof c[0] === 'number') { if (!(Math.abs(c[0]) <= 180 && Math.abs(c[1] as number) <= 90)) ok = false; return; }
    for (const x of c) walk(x);
  };
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => { if (!inRange(x)) ok = false; });
  else walk(g.coordinates);
  return ok;
}

function checkArea(s: Staged, rejected: Rejection[]): boolean {
  if (s.geometry.type === 'Polygon' || s.geometry.type === 'MultiPolygon') {
    const n = countPositions(s.geometry.coordinates);
    if (n <= MAX_GRID_POSITIONS) return true;
    rejected.push({ ref: s.f.ref, reason: `the boundary has ${n.toLocaleString('en')} positions; a grid may have at most ${MAX_GRID_POSITIONS.toLocaleString('en')} (simplify it first)` });
    return false;
  }
  rejected.push({ ref: s.f.ref, reason: `a grid must be a Polygon or MultiPolygon, not ${s.geometry.type}` });
  return false;
}

function checkHousehold(s: Staged, opts: ImportOptions, rejected: Rejection[]): boolean {
  if (!['Point', 'Polygon', 'MultiPolygon'].includes(s.geometry.type)) {
    rejected.push({ ref: s.f.ref, reason: `a household is a Point or a building Polygon, not ${s.geometry.type}` });
    return false;
  }
  if (opts.householdsField) {
    if (str(s.f.properties[opts.householdsField]) === undefined) { rejected.push({ ref: s.f.ref, reason: `${opts.householdsField} is missing` }); return false; }
    const n = Number(s.f.properties[opts.householdsField]);
    if (!Number.isInteger(n) || n < 0) { rejected.push({ ref: s.f.ref, reason: `${opts.householdsField} is not a whole number ≥ 0 (${String(s.f.properties[opts.householdsField])})` }); return false; }
  }
  return true;
}

function checkLine(s: Staged, rejected: Rejection[]): boolean {
  if (s.geometry.type === 'LineString' || s.geometry.type === 'MultiLineString') return true;
  rejected.push({ ref: s.f.ref, reason: `a barrier is a LineString or MultiLineString, not ${s.geometry.type}` });
  return false;
}

const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));

/**
 * Grids are published per parent, parents before children (a file may hold several tiers),
 * each group through publishGrids: the topology check runs and any error fails the whole import.
 */
async function writeGrids(q: Queryable, accepted: Staged[], opts: ImportOptions, user: Pick<AuthUser, 'id' | 'username'> | null, report: ImportReport): Promise<void> {
  const codeField = opts.codeField ?? 'code';
  const nameField = opts.nameField ?? 'name';
  const groups = new Map<string | null, NewGrid[]>();
  for (const s of accepted) {
    const p = s.f.properties;
    const parent = (opts.parentField ? str(p[opts.parentField]) : undefined) ?? opts.parent ?? null;
    const code = str(p[codeField]);
    const grid: NewGrid = {
      code, name: str(p[nameField]) ?? code ?? `#${s.f.ref}`, nameEn: opts.nameEnField ? str(p[opts.nameEnField]) : undefined,
      geom: s.geometry as AreaGeometry,
      population: opts.populationField && str(p[opts.populationField]) ? Math.round(Number(p[opts.populationField])) : undefined,
      attributes: { ...p, importRef: s.f.ref },
    };
    groups.set(parent, [...(groups.get(parent) ?? []), grid]);
  }
  report.changeSets = [];
  report.written = { grids: 0 };
  let pending = [...groups.keys()];
  while (pending.length > 0) {
    const ready: (string | null)[] = [];
    for (const parent of pending) {
      if (parent === null) { ready.push(parent); continue; }
      const { rows } = await q.query('SELECT 1 FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [opts.jurisdictionId, parent]);
      if (rows.length > 0) ready.push(parent);
    }
    if (ready.length === 0) {
      throw new HttpError(422, 'parent_not_found', `No current grid ${pending.join(', ')} to be the parent of the imported grids`, { parents: pending });
    }
    for (const parent of ready) {
      const tier = parent === null ? (opts.tier ?? 1)
        : (await q.query<{ tier: number }>('SELECT tier + 1 AS tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [opts.jurisdictionId, parent])).rows[0].tier;
      if (opts.tier !== undefined && !opts.parentField && tier !== opts.tier) {
        throw new HttpError(422, 'tier_mismatch', `Children of ${parent ?? 'nothing'} are tier ${tier}, not ${opts.tier}`);
      }
      const r = await publishGrids(q, { jurisdictionId: opts.jurisdictionId, parentCode: parent, tier, grids: groups.get(parent)!, replaceChildren: opts.replaceChildren, acceptWarnings: opts.acceptWarnings, user, summary: 'import' });
      report.changeSets.push(r.changeSetId);
      report.written.grids += r.opened.length;
    }
    pending = pending.filter((p) => !ready.includes(p));
  }
}

async function writeHouseholds(q: Queryable, accepted: Staged[], opts: ImportOptions, report: ImportReport): Promise<void> {
  for (let i = 0; i < accepted.length; i += BATCH) {
    const batch = accepted.slice(i, i + BATCH).map((s) => ({
      geom: JSON.stringify(s.geometry),
      households: opts.householdsField ? Number(s.f.properties[opts.householdsField]) : 1,
      population: opts.populationField && str(s.f.properties[opts.populationField]) ? Math.round(Number(s.f.properties[opts.populationField])) : null,
      ref: String(s.f.ref), attributes: s.f.properties,
    }));
    await q.query(
      `INSERT INTO households (jurisdiction_id, geom, pt, households, population, footprint_m2, source, source_id, attributes)
       SELECT $1, g, CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_PointOnSurface(g) END, (e->>'households')::int, (e->>'population')::int,
              CASE WHEN GeometryType(g) = 'POINT' THEN NULL ELSE ST_Area(g::geography) END, 'import', e->>'ref', e->'attributes'
         FROM json_array_elements($2::json) e,
              LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(e->>'geom'), 4326) AS g) s`,
      [opts.jurisdictionId, JSON.stringify(batch)]);
  }
  await recountHouseholds(q, opts.jurisdictionId);
  gridsChanged();
  await q.query("SELECT bump_layer_version('households')");
  await q.query("SELECT bump_layer_version('grids')");
  report.written = { households: accepted.length };
}

/**
 * Households of every current grid of a jurisdiction, derived again from the household layer.
 * The count is derived data, so it is refreshed in place; boundaries stay versioned.
 */
export async function recountHouseholds(q: Queryable, jurisdictionId: number): Promise<void> {
  await q.query(
    `UPDATE grids g SET households = s.n
       FROM (SELECT g2.id, coalesce(sum(h.households), 0)::int AS n
               FROM grids g2 LEFT JOIN households h ON h.jurisdiction_id = g2.jurisdiction_id AND ST_Intersects(g2.geom, h.pt)
              WHERE g2.jurisdiction_id = $1 AND g2.valid_to IS NULL GROUP BY g2.id) s
      WHERE g.id = s.id AND g.households <> s.n`, [jurisdictionId]);
}

const BARRIER_KINDS = new Set(['road', 'railway', 'water', 'coast', 'other']);

async function writeBarriers(q: Queryable, accepted: Staged[], opts: ImportOptions, report: ImportReport): Promise<void> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < accepted.length; i += BATCH) {
    const batch = accepted.slice(i, i + BATCH).map((s) => {
      const given = opts.kindField ? str(s.f.properties[opts.kindField])?.toLowerCase() : undefined;
      const kind = given && BARRIER_KINDS.has(given) ? given : 'other';
      counts[kind] = (counts[kind] ?? 0) + 1;
      return { geom: JSON.stringify(s.geometry), kind, class: (opts.classField ? str(s.f.properties[opts.classField]) : undefined) ?? given ?? kind, name: str(s.f.properties.name) ?? null, ref: String(s.f.ref), attributes: s.f.properties };
    });
    await q.query(
      `INSERT INTO barriers (jurisdiction_id, geom, kind, class, name, source, source_id, attributes)
       SELECT $1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geom'), 4326)), e->>'kind', e->>'class', e->>'name', 'import', e->>'ref', e->'attributes'
         FROM json_array_elements($2::json) e`,
      [opts.jurisdictionId, JSON.stringify(batch)]);
  }
  await q.query("SELECT bump_layer_version('barriers')");
  report.written = { barriers: accepted.length, ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [`barriers.${k}`, v])) };
}

/**
 * Incidents go through the incidents feature's bulk importer (CSV or GeoJSON points, located
 * into grids in the same statements, one transaction); this job only wraps it.
 */
async function runIncidentImport(db: Db, jobId: number, file: { name: string; data: Buffer }, opts: ImportOptions, user: Pick<AuthUser, 'id' | 'username'> | null, report: ImportReport): Promise<void> {
  if (opts.crs.kind !== 'wgs84') throw new HttpError(400, 'crs_not_supported', 'Incidents are imported as WGS84 longitude/latitude only');
  if (file.data.length === 0) throw new HttpError(400, 'empty_file', 'The file is empty');
  const [{ importCsv, importGeoJson }, { loadSettings }, { isTimeZone }] = await Promise.all([
    import('../incidents/import.ts'), import('../incidents/settings.ts'), import('../incidents/calendar.ts')]);
  const timeZone = opts.timeZone ?? (await loadSettings(db, opts.jurisdictionId)).calendar.timeZone;
  if (!isTimeZone(timeZone)) throw new HttpError(400, 'bad_time_zone', `Unknown time zone "${timeZone}"`);
  const format = detectFormat(file.name, file.data);
  report.format = format;
  report.crs = 'WGS84';
  const iopts = {
    jurisdictionId: opts.jurisdictionId, category: opts.category, timeZone, status: opts.status ?? 'closed', skipInvalid: opts.onReject === 'skip',
    onProgress: () => undefined,
  };
  const r = await db.tx(async (q) => {
    const out = format === 'geojson' ? await importGeoJson(q, file.data.toString('utf8'), iopts)
      : format === 'csv' ? await importCsv(q, Readable.from([file.data]), iopts)
      : (() => { throw new HttpError(400, 'unsupported_format', 'Incidents come as CSV or GeoJSON'); })();
    await audit(q, user, 'import', 'incidents', jobId, { file: file.name, rows: out.rows, imported: out.imported, skipped: out.skipped });
    return out;
  });
  Object.assign(report, { features: r.rows, accepted: r.imported, rejected: r.errors.map((e) => ({ ref: e.row, reason: e.reason })), written: { incidents: r.imported, located: r.located } });
  await db.query("UPDATE import_jobs SET status = 'done', report = $2, progress = $3, finished_at = now() WHERE id = $1",
    [jobId, JSON.stringify(report), JSON.stringify({ stage: 'done', done: r.imported, total: r.rows })]);
}

/** 400 invalid_pbf unless the file's block framing is sound (osm-read would crash the process on it). */
export function assertPbf(file: { name: string; data: Buffer }): void {
  const why = pbfFramingProblem(file.data);
  if (why) throw new HttpError(400, file.data.length === 0 ? 'empty_file' : 'invalid_pbf', `${file.name} cannot be read as an OSM PBF extract: ${why}`);
}

/** An OSM PBF extract as a new jurisdiction, through the foundation's importer (one transaction). */
async function runOsmImport(db: Db, jobId: number, file: { name: string; data: Buffer }, o: OsmJobOptions, user: Pick<AuthUser, 'id' | 'username'> | null, report: ImportReport, config?: Config): Promise<void> {
  if (file.data.length === 0) throw new HttpError(400, 'empty_file', 'The file is empty');
  assertPbf(file);
  const [{ readOsmPbf }, { importOsm }] = await Promise.all([import('../osm/read-pbf.ts'), import('../osm/import.ts')]);
  // osm-read reads from a path: the upload goes to a temporary file for the read.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-osm-'));
  const pbf = path.join(dir, 'upload.osm.pbf');
  try {
    fs.writeFileSync(pbf, file.data);
    let features;
    try {
      features = await readOsmPbf(pbf);
    } catch (err) {
      throw new HttpError(400, 'invalid_pbf', `The file cannot be read as an OSM PBF extract: ${(err as Error).message}`);
    }
    report.format = 'osm-pbf';
    report.features = features.length;
    await db.query('UPDATE import_jobs SET progress = $2 WHERE id = $1', [jobId, JSON.stringify({ stage: 'writing', done: 0, total: features.length })]);
    const r = await importOsm(db, features, {
      jurisdiction: { name: o.name, nameEn: o.nameEn, householdsMin: o.householdsMin, householdsMax: o.householdsMax },
      tiers: o.tiers, codePrefix: o.codePrefix, minBuildingShare: o.minBuildingShare,
      rule: { dwellingM2: config?.WANGGE_DWELLING_M2 ?? 90, defaultLevels: config?.WANGGE_DEFAULT_LEVELS ?? 4, nonResidentialLanduse: o.nonResidentialLanduse },
    });
    report.accepted = features.length - r.skipped;
    report.written = { jurisdictionId: r.jurisdictionId, buildings: r.households.buildings, households: r.households.households, buildingsInNonResidentialLanduse: r.households.inNonResidentialLanduse, ...Object.fromEntries(Object.entries(r.grids).map(([tier, n]) => [`grids.tier${tier}`, n])) };
    await audit(db, user, 'import', 'osm', jobId, { file: file.name, jurisdictionId: r.jurisdictionId, grids: r.grids });
    gridsChanged();
    await db.query("UPDATE import_jobs SET status = 'done', jurisdiction_id = $4, report = $2, progress = $3, finished_at = now() WHERE id = $1",
      [jobId, JSON.stringify(report), JSON.stringify({ stage: 'done', done: features.length, total: features.length }), r.jurisdictionId]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
