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

/** Loads the feature demo steps lazily, so this module and the features' demo modules do not import each other at load time. */
async function demoSteps(): Promise<DemoStep[]> {
  const [grids, partition, incidents, hotspots] = await Promise.all([
    import('../grids/demo.ts'), import('../partition/demo.ts'), import('../incidents/demo.ts'), import('../hotspots/demo.ts'),
  ]);
  // Unit grids (partition) come before incidents so that incidents locate into unit grids.
  return [grids.gridsDemo, partition.partitionDemo, incidents.incidentsDemo, hotspots.hotspotsDemo];
}

/** Loads the shipped Monaco extract as the demo jurisdiction, then every demo step. */
export async function loadDemo(db: Db, config: Config, onProgress: Progress): Promise<OsmImportReport> {
  const report = await loadDemoMap(db, config, onProgress);
  for (const step of await demoSteps()) await step(db, report.jurisdictionId, config, onProgress);
  return report;
}

async function loadDemoMap(db: Db, config: Config, onProgress: Progress): Promise<OsmImportReport> {
  const features = await readOsmPbf(DEMO_PBF, (p) => onProgress(p.stage, p.elements, 0));
  return importOsm(db, features, {
    jurisdiction: { name: DEMO_JURISDICTION, nameEn: 'Monaco', householdsMin: 160, householdsMax: 240 },
    tiers: DEMO_TIERS,
    rule: { dwellingM2: config.WANGGE_DWELLING_M2, defaultLevels: config.WANGGE_DEFAULT_LEVELS },
    codePrefix: '980',
    // The extract also holds slivers of the French communes around Monaco; keep Monaco only.
    minBuildingShare: 0.2,
    onProgress,
  });
}
