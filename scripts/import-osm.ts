/**
 * `npm run import:osm -- <file.osm.pbf> [options]`: imports an OpenStreetMap extract as a new
 * jurisdiction — buildings as households (footprint × levels ÷ WANGGE_DWELLING_M2; none in
 * offices, shops or untyped buildings of a non-residential land use), roads,
 * railways, rivers and the coast as barrier lines, water and parks for the basemap, and
 * administrative areas as the top tiers. Opens the same database as the server (DATABASE_URL
 * or the embedded one in WANGGE_DATA_DIR); while a server holds the embedded database it
 * refuses with a clear message instead of touching it.
 *
 * Options:
 *   --name <text>           jurisdiction name (default: the file name)
 *   --name-en <text>        English name
 *   --levels 8,10           OSM admin_level of each tier filled from the extract (default 8,10)
 *   --tiers 市/Commune,社区/Quarter,单元网格/Unit grid   tier names zh/en, one per tier
 *   --code-prefix 980       code of the top tier's district (default 980)
 *   --households 160-240    households per unit grid band (default 200-400)
 *   --non-residential-landuse commercial,retail|none
 *                           land uses whose untyped buildings count no households
 *                           (default: classify.ts's list; none counts them all as homes)
 *   --min-building-share 0.2  drop top-tier areas holding less than this share of buildings
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../server/src/core/config.ts';
import { DataDirBusyError } from '../server/src/core/embedded.ts';
import { HttpError } from '../server/src/core/errors.ts';
import { MigrationError, migrate } from '../server/src/core/migrate.ts';
import { openDatabase } from '../server/src/core/runtime.ts';
import { parseLanduseList } from '../server/src/osm/classify.ts';
import { importOsm, type TierSpec } from '../server/src/osm/import.ts';
import { pbfFileFramingProblem } from '../server/src/osm/pbf-framing.ts';
import { readOsmPbf } from '../server/src/osm/read-pbf.ts';

function usage(message: string): never {
  console.error(`import:osm: ${message}\nusage: npm run import:osm -- <file.osm.pbf> [--name 名称] [--levels 8,10] [--tiers 市/Commune,社区/Quarter,单元网格/Unit grid] [--code-prefix 980] [--households 200-400] [--non-residential-landuse commercial,retail|none]`);
  process.exit(2);
}

function parseTiers(levels: number[], tiers: string | undefined): TierSpec[] {
  const names = (tiers ?? '市/Commune,社区/Quarter,单元网格/Unit grid').split(',').map((t) => t.trim()).filter(Boolean);
  if (names.length < levels.length) usage(`--tiers names ${names.length} tiers but --levels fills ${levels.length}`);
  if (names.length < 2 || names.length > 5) usage('a jurisdiction has 2 to 5 tiers');
  return names.map((n, i) => {
    const [zh, en] = n.split('/');
    return { name: zh, nameEn: en ?? zh, ...(i < levels.length ? { adminLevel: levels[i] } : {}) };
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' }, 'name-en': { type: 'string' }, levels: { type: 'string', default: '8,10' },
      tiers: { type: 'string' }, 'code-prefix': { type: 'string', default: '980' }, households: { type: 'string', default: '200-400' },
      'min-building-share': { type: 'string', default: '0' }, 'non-residential-landuse': { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) usage('name the .osm.pbf file to import');
  if (!fs.existsSync(file)) usage(`no such file: ${file}`);
  const notPbf = pbfFileFramingProblem(file);
  if (notPbf) usage(`${file} is not an OSM PBF extract: ${notPbf}`);
  const levels = values.levels!.split(',').map(Number);
  if (levels.some((l) => !Number.isInteger(l) || l < 1 || l > 11)) usage(`--levels must be OSM admin levels such as 8,10 (got ${values.levels})`);
  const band = /^(\d+)-(\d+)$/.exec(values.households!);
  if (!band || Number(band[1]) > Number(band[2])) usage(`--households must be a band such as 200-400 (got ${values.households})`);
  if (!/^[0-9A-Za-z]{1,12}$/.test(values['code-prefix']!)) usage('--code-prefix must be 1–12 letters or digits');
  const tiers = parseTiers(levels, values.tiers);
  let nonResidentialLanduse: string[] | undefined;
  try {
    nonResidentialLanduse = parseLanduseList(values['non-residential-landuse']);
  } catch (err) {
    usage(`--non-residential-landuse: ${(err as Error).message}`);
  }

  const config = loadConfig();
  const opened = await openDatabase(config);
  const bar = new cliProgress.SingleBar({ format: '{stage} |{bar}| {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let stage = '';
  try {
    await migrate(opened.db);
    console.log(`reading ${file} …`);
    const features = await readOsmPbf(file, (p) => process.stdout.write(`\r  ${p.stage}: ${p.elements} elements`));
    process.stdout.write('\n');
    const report = await importOsm(opened.db, features, {
      jurisdiction: { name: values.name ?? path.basename(file).replace(/\.osm\.pbf$/, ''), nameEn: values['name-en'], householdsMin: Number(band![1]), householdsMax: Number(band![2]) },
      tiers,
      rule: { dwellingM2: config.WANGGE_DWELLING_M2, defaultLevels: config.WANGGE_DEFAULT_LEVELS, nonResidentialLanduse },
      codePrefix: values['code-prefix']!,
      minBuildingShare: Number(values['min-building-share']),
      onProgress: (s, done, total) => {
        if (s !== stage) {
          if (stage) bar.stop();
          stage = s;
          bar.start(Math.max(total, 1), 0, { stage: s.padEnd(10) });
        }
        bar.update(done, { stage: s.padEnd(10) });
      },
    });
    if (stage) bar.stop();
    console.log(`imported jurisdiction ${report.jurisdictionId}: ${report.households.buildings} buildings (${report.households.households} households; ${report.households.inNonResidentialLanduse} untyped buildings in non-residential land use counted none), barrier lines ${JSON.stringify(report.barriers)}, ${report.basemapAreas} basemap areas, grids per tier ${JSON.stringify(report.grids)}`);
  } finally {
    bar.stop();
    await opened.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof MigrationError || err instanceof HttpError) {
    console.error(`\nimport:osm: ${err.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
