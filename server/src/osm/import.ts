import type { Db, Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { conflict, unprocessable } from '../core/errors.ts';
import { classifyArea, classifyBarrier, estimateHouseholds, isAdminArea, isNonResidentialLanduse, isResidentialLanduse, type HouseholdRule } from './classify.ts';
import type { OsmFeature } from './read-pbf.ts';

export interface TierSpec {
  /** OSM admin_level that fills this tier; absent for tiers filled later (unit grids). */
  adminLevel?: number;
  name: string;
  nameEn: string;
}

export interface OsmImportOptions {
  jurisdiction: { name: string; nameEn?: string; householdsMin?: number; householdsMax?: number; attributes?: Record<string, unknown> };
  tiers: TierSpec[];
  rule: HouseholdRule;
  /** Code prefix of the top tier (the standard's 6-digit district code, say). */
  codePrefix: string;
  /** A top-tier admin area must hold this share of the buildings to be kept (edge clipping). */
  minBuildingShare?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface OsmImportReport {
  jurisdictionId: number;
  /** `inNonResidentialLanduse`: untyped buildings counted 0 because they stand in such a land use. */
  households: { buildings: number; households: number; levelsTagged: number; inNonResidentialLanduse: number };
  barriers: Record<string, number>;
  basemapAreas: number;
  grids: Record<number, number>;
  skipped: number;
}

const BATCH = 500;

/** Writes an assembled OSM extract as a new jurisdiction, all in one transaction. */
export async function importOsm(db: Db, features: OsmFeature[], opts: OsmImportOptions): Promise<OsmImportReport> {
  const adminTiers = opts.tiers.filter((t) => t.adminLevel !== undefined);
  if (adminTiers.length === 0) throw unprocessable('no_admin_tiers', 'At least the top tier must come from an OSM admin_level');
  const progress = opts.onProgress ?? (() => undefined);
  const buildings: object[] = [];
  const barriers: object[] = [];
  const areas: object[] = [];
  const admin: object[] = [];
  const landuse: object[] = [];
  const nonResidential = opts.rule.nonResidentialLanduse ? new Set(opts.rule.nonResidentialLanduse) : undefined;
  progress('classifying', 0, features.length);
  const report: OsmImportReport = { jurisdictionId: 0, households: { buildings: 0, households: 0, levelsTagged: 0, inNonResidentialLanduse: 0 }, barriers: {}, basemapAreas: 0, grids: {}, skipped: 0 };

  for (const f of features) {
    const tags = f.properties ?? {};
    if (tags.building && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')) {
      const est = estimateHouseholds(tags, f.geometry, opts.rule);
      buildings.push({ id: f.id, geometry: f.geometry, households: est.households, levels: est.levels, footprintM2: est.footprintM2, attributes: { building: tags.building, levels_tagged: est.levelsTagged, name: tags.name ?? null } });
      report.households.buildings++;
      report.households.households += est.households;
      if (est.levelsTagged) report.households.levelsTagged++;
      continue;
    }
    const barrier = classifyBarrier(tags, f.geometry);
    if (barrier) {
      barriers.push({ id: f.id, geometry: f.geometry, ...barrier, name: tags.name ?? null, attributes: { tunnel: tags.tunnel === 'yes' || tags.tunnel === 'building_passage', bridge: tags.bridge === 'yes', layer: tags.layer ?? null } });
      report.barriers[barrier.kind] = (report.barriers[barrier.kind] ?? 0) + 1;
      continue;
    }
    const tier = adminTiers.find((t) => isAdminArea(tags, f.geometry, t.adminLevel!));
    if (tier) {
      admin.push({ id: f.id, level: tier.adminLevel, name: tags['name:zh'] ?? tags.name ?? f.id, nameEn: tags['name:en'] ?? tags.name ?? null, geometry: f.geometry });
      continue;
    }
    const areaKind = classifyArea(tags, f.geometry);
    if (areaKind) {
      areas.push({ id: f.id, kind: areaKind, name: tags.name ?? null, geometry: f.geometry });
      report.basemapAreas++;
      continue;
    }
    if (isNonResidentialLanduse(tags, f.geometry, nonResidential) || isResidentialLanduse(tags, f.geometry)) {
      landuse.push({ landuse: tags.landuse, geometry: f.geometry });
      continue;
    }
    report.skipped++;
  }

  progress('classifying', features.length, features.length);
  return db.tx(async (q) => {
    const { rows: existing } = await q.query('SELECT 1 FROM jurisdictions WHERE name = $1', [opts.jurisdiction.name]);
    if (existing.length > 0) throw conflict('jurisdiction_exists', `A jurisdiction named "${opts.jurisdiction.name}" already exists`);
    const { rows } = await q.query<{ id: number }>(
      'INSERT INTO jurisdictions (name, name_en, households_min, households_max, attributes) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [opts.jurisdiction.name, opts.jurisdiction.nameEn ?? null, opts.jurisdiction.householdsMin ?? 100, opts.jurisdiction.householdsMax ?? 500, JSON.stringify(opts.jurisdiction.attributes ?? {})]);
    const jid = rows[0].id;
    report.jurisdictionId = jid;
    for (const [i, t] of opts.tiers.entries()) {
      await q.query('INSERT INTO tiers (jurisdiction_id, level, name, name_en) VALUES ($1, $2, $3, $4)', [jid, i + 1, t.name, t.nameEn]);
    }
    await insertBatches(q, 'buildings', sqlFile(import.meta.url, 'sql/insert-households.sql'), jid, buildings, progress);
    await zeroUntypedInNonResidentialLanduse(q, jid, landuse, report, progress);
    await insertBatches(q, 'barriers', sqlFile(import.meta.url, 'sql/insert-barriers.sql'), jid, barriers, progress);
    await insertBatches(q, 'basemap', sqlFile(import.meta.url, 'sql/insert-areas.sql'), jid, areas, progress);

    progress('grids', 0, adminTiers.length);
    await q.query(sqlFile(import.meta.url, 'sql/stage.sql'));
    await q.query(sqlFile(import.meta.url, 'sql/insert-admin.sql'), [JSON.stringify(admin)]);
    await q.query(sqlFile(import.meta.url, 'sql/build-grids.sql'), [jid, adminTiers[0].adminLevel, opts.minBuildingShare ?? 0.01, opts.codePrefix]);
    for (let level = 2; level <= adminTiers.length; level++) {
      await q.query(sqlFile(import.meta.url, 'sql/build-child-grids.sql'), [jid, adminTiers[level - 1].adminLevel, level]);
      await q.query(sqlFile(import.meta.url, 'sql/fill-child-gaps.sql'), [jid, level]);
    }
    // Buildings and lines an extract carries from beyond the kept areas are not this jurisdiction's.
    await q.query(sqlFile(import.meta.url, 'sql/trim-outside.sql'), [jid]);
    await q.query(sqlFile(import.meta.url, 'sql/count-households.sql'), [jid]);
    const { rows: counts } = await q.query<{ tier: number; n: number }>('SELECT tier, count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 GROUP BY tier', [jid]);
    if (counts.length === 0) throw unprocessable('no_admin_areas', `No admin_level ${adminTiers[0].adminLevel} area in the file holds the buildings; check the tiers' admin levels`);
    for (const c of counts) report.grids[c.tier] = c.n;
    await reportKept(q, jid, report);
    for (const layer of ['grids', 'households', 'barriers', 'basemap']) await q.query('SELECT bump_layer_version($1)', [layer]);
    progress('grids', adminTiers.length, adminTiers.length);
    return report;
  });
}

async function insertBatches(q: Queryable, stage: string, sql: string, jid: number, items: object[], progress: (stage: string, done: number, total: number) => void): Promise<void> {
  if (items.length > 0) progress(stage, 0, items.length);
  for (let i = 0; i < items.length; i += BATCH) {
    await q.query(sql, [jid, JSON.stringify(items.slice(i, i + BATCH))]);
    progress(stage, Math.min(i + BATCH, items.length), items.length);
  }
  if (items.length === 0) progress(stage, 0, 0);
}

/** Untyped buildings standing in a non-residential land use house nobody (classify.ts says which uses). */
async function zeroUntypedInNonResidentialLanduse(q: Queryable, jid: number, landuse: object[], report: OsmImportReport, progress: (stage: string, done: number, total: number) => void): Promise<void> {
  await q.query('CREATE TEMP TABLE osm_landuse (jurisdiction_id int, landuse text, geom geometry) ON COMMIT DROP');
  await insertBatches(q, 'landuse', sqlFile(import.meta.url, 'sql/insert-landuse.sql'), jid, landuse, progress);
  await q.query('CREATE INDEX ON osm_landuse USING gist (geom)');
  await q.query('ANALYZE osm_landuse');
  const { rows } = await q.query<{ n: number }>(sqlFile(import.meta.url, 'sql/zero-untyped-in-landuse.sql'), [jid]);
  report.households.inNonResidentialLanduse = rows[0].n;
}

/** The report counts what the jurisdiction kept after trimming, not what the file held. */
async function reportKept(q: Queryable, jid: number, report: OsmImportReport): Promise<void> {
  const { rows } = await q.query<{ buildings: number; households: number; areas: number }>(
    `SELECT (SELECT count(*) FROM households WHERE jurisdiction_id = $1)::int AS buildings,
            (SELECT COALESCE(sum(households), 0) FROM households WHERE jurisdiction_id = $1)::int AS households,
            (SELECT count(*) FROM basemap_areas WHERE jurisdiction_id = $1)::int AS areas`, [jid]);
  report.households.buildings = rows[0].buildings;
  report.households.households = rows[0].households;
  report.basemapAreas = rows[0].areas;
  const { rows: kinds } = await q.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM barriers WHERE jurisdiction_id = $1 GROUP BY kind ORDER BY kind', [jid]);
  report.barriers = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
}
