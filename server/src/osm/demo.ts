import path from 'node:path';
import type { Config } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { importOsm, type OsmImportReport } from './import.ts';
import { readOsmPbf } from './read-pbf.ts';

export const DEMO_PBF = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../data/demo/monaco-2021.osm.pbf');
export const DEMO_JURISDICTION = '摩纳哥 Monaco';

/** Tiers of the demo: the commune (admin 8), its quarters (admin 10), unit grids (partitioned later). */
export const DEMO_TIERS = [
  { adminLevel: 8, name: '市', nameEn: 'Commune' },
  { adminLevel: 10, name: '社区', nameEn: 'Quarter' },
  { name: '单元网格', nameEn: 'Unit grid' },
];

export async function demoLoaded(db: Db): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM jurisdictions LIMIT 1');
  return rows.length > 0;
}

export type Progress = (stage: string, done: number, total: number) => void;

/**
 * Further demo content that features add after the map data (departments, synthetic incidents,
 * unit grids from the partition engine …), run in this order on first start.
 */
export type DemoStep = (db: Db, jurisdictionId: number, config: Config, onProgress: Progress) => Promise<void>;

/** The feature steps by name, in the order they run. */
export const DEMO_STEPS = ['grids', 'partition', 'incidents', 'hotspots'] as const;
export type DemoStepName = (typeof DEMO_STEPS)[number];

/** Loads the feature demo steps lazily, so this module and the features' demo modules do not import each other at load time. */
async function demoSteps(): Promise<Record<DemoStepName, DemoStep>> {
  const [grids, partition, incidents, hotspots] = await Promise.all([
    import('../grids/demo.ts'), import('../partition/demo.ts'), import('../incidents/demo.ts'), import('../hotspots/demo.ts'),
  ]);
  // Unit grids (partition) come before incidents so that incidents locate into unit grids.
  return { grids: grids.gridsDemo, partition: partition.partitionDemo, incidents: incidents.incidentsDemo, hotspots: hotspots.hotspotsDemo };
}

/** Loads the shipped Monaco extract as the demo jurisdiction, then every demo step. */
export async function loadDemo(db: Db, config: Config, onProgress: Progress): Promise<OsmImportReport> {
  const report = await loadDemoMap(db, config, onProgress);
  await runPendingDemoSteps(db, config, onProgress);
  return report;
}

/**
 * The first half of the demo: the map data (buildings, barriers, basemap, the commune and its
 * quarters). The jurisdiction is written with its feature steps listed as pending
 * (attributes.demoPending) in the same transaction, so that a start stopped before they finish
 * runs what is left on the next start (runPendingDemoSteps).
 */
export async function loadDemoMap(db: Db, config: Config, onProgress: Progress): Promise<OsmImportReport> {
  const features = await readOsmPbf(DEMO_PBF, (p) => onProgress(p.stage, p.elements, 0));
  return importOsm(db, features, {
    jurisdiction: { name: DEMO_JURISDICTION, nameEn: 'Monaco', householdsMin: 160, householdsMax: 240, attributes: { demoPending: DEMO_STEPS } },
    tiers: DEMO_TIERS,
    rule: { dwellingM2: config.WANGGE_DWELLING_M2, defaultLevels: config.WANGGE_DEFAULT_LEVELS },
    codePrefix: '980',
    // The extract also holds slivers of the French communes around Monaco; keep Monaco only.
    minBuildingShare: 0.2,
    onProgress,
  });
}

/** The demo jurisdiction's feature steps that have not run yet; null when there are none. */
export async function pendingDemoSteps(db: Db): Promise<{ jurisdictionId: number; steps: DemoStepName[] } | null> {
  const { rows } = await db.query<{ id: number; steps: DemoStepName[] }>(
    `SELECT id, attributes->'demoPending' AS steps FROM jurisdictions WHERE attributes ? 'demoPending' ORDER BY id LIMIT 1`);
  if (rows.length === 0) return null;
  return { jurisdictionId: rows[0].id, steps: rows[0].steps.filter((s) => (DEMO_STEPS as readonly string[]).includes(s)) };
}

/**
 * Runs the demo's pending feature steps in order, each crossed off the list when it is done.
 * A step stopped half-way runs again from its start: the grids and incidents steps are one
 * transaction each, the partition step skips quarters that have unit grids, the hot-spot cells
 * fill only what is missing.
 */
export async function runPendingDemoSteps(db: Db, config: Config, onProgress: Progress): Promise<void> {
  const pending = await pendingDemoSteps(db);
  if (!pending) return;
  const steps = await demoSteps();
  for (const name of pending.steps) {
    await steps[name](db, pending.jurisdictionId, config, onProgress);
    await db.query(`UPDATE jurisdictions SET attributes = jsonb_set(attributes, '{demoPending}', (attributes->'demoPending') - $2::text) WHERE id = $1`,
      [pending.jurisdictionId, name]);
  }
  await db.query(`UPDATE jurisdictions SET attributes = attributes - 'demoPending' WHERE id = $1`, [pending.jurisdictionId]);
}
