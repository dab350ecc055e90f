/**
 * Command line: `tsx server/src/partition/cli.ts --parent <code> --target 200 [options]`
 * (`npm run partition -- …`). Runs the same engine
 * as POST /api/partitions on the server's database (DATABASE_URL or the embedded one), shows a
 * progress bar, prints the metrics beside the baselines and writes the proposal as GeoJSON.
 * The proposal is stored as a draft job like any other; nothing published changes.
 *
 * Options:
 *   --parent <code>          the grid to cut (required)
 *   --jurisdiction <id>      when the code exists in several jurisdictions
 *   --target <households>    default 200;  --people <n> instead for a people target
 *   --tolerance 0.2          band half-width
 *   --seed 1                 --no-baselines   --keep-lower-borders   --rural
 *   --out <file.geojson>     default partition-<code>.geojson
 *   --svg <file.svg>         also draw the proposal (grids by deviation, barriers on top)
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../core/config.ts';
import { DataDirBusyError } from '../core/embedded.ts';
import { migrate } from '../core/migrate.ts';
import { openDatabase } from '../core/runtime.ts';
import { resolveJurisdiction } from '../grids/util.ts';
import { runPartition } from './engine.ts';
import { withDefaults } from './params.ts';
import { gridsCollection } from './repository.ts';
import { proposalSvg } from './svg.ts';

function usage(message: string): never {
  console.error(`partition: ${message}\nusage: npm run partition -- --parent <code> [--target 200 | --people 1200] [--tolerance 0.2] [--seed 1] [--out file.geojson]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      parent: { type: 'string' }, jurisdiction: { type: 'string' }, target: { type: 'string' }, people: { type: 'string' },
      tolerance: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, svg: { type: 'string' },
      'no-baselines': { type: 'boolean' }, 'keep-lower-borders': { type: 'boolean' }, rural: { type: 'boolean' },
    },
  });
  if (!values.parent) usage('give --parent <grid code>');
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) usage(`--${name} must be a positive number (got ${v})`);
    return n;
  };
  const params = withDefaults({
    targetHouseholds: num(values.target, 'target'), targetPeople: num(values.people, 'people') ?? null,
    tolerance: num(values.tolerance, 'tolerance'), seed: values.seed === undefined ? undefined : Number(values.seed),
    baselines: !values['no-baselines'], keepLowerBorders: values['keep-lower-borders'] ?? false, rural: values.rural ?? false,
  });
  const config = loadConfig();
  const opened = await openDatabase(config);
  const { db } = opened;
  try {
    await migrate(db);
    const jid = await resolveJurisdiction(db, values.parent, values.jurisdiction ? Number(values.jurisdiction) : undefined, new Date());
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params, status, stage)
       SELECT jurisdiction_id, code, ST_Multi(geom), $3, 'running', 'cli' FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL RETURNING id`,
      [jid, values.parent, JSON.stringify(params)]);
    if (!rows[0]) usage(`grid ${values.parent} has no current version`);
    const id = rows[0].id;
    const bar = new cliProgress.SingleBar({ format: 'partition {bar} {percentage}% {stage}' }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { stage: 'starting' });
    const result = await runPartition(db, id, { onProgress: (stage, p) => bar.update(Math.round(p * 100), { stage }) });
    bar.update(100, { stage: 'done' });
    bar.stop();
    await db.query(`UPDATE partition_jobs SET status = 'done', stage = 'done', progress = 1, result = $2, finished_at = now() WHERE id = $1`, [id, JSON.stringify(result)]);
    const fc = await gridsCollection(db, id, 'proposal', result.target, result.by);
    const out = values.out ?? `partition-${values.parent}.geojson`;
    fs.writeFileSync(out, JSON.stringify(fc));
    if (values.svg) {
      const { rows: lines } = await db.query<{ geometry: object }>(
        `SELECT ST_AsGeoJSON(ST_Intersection(b.geom, j.area, 1e-9), 7)::json AS geometry FROM partition_jobs j JOIN barriers b ON b.jurisdiction_id = j.jurisdiction_id
          WHERE j.id = $1 AND ST_Intersects(b.geom, j.area) AND b.class = ANY ($2) AND NOT coalesce((b.attributes->>'tunnel')::boolean, false)`,
        [id, [...params.hardClasses, ...params.preferredClasses]]);
      const barriers = { type: 'FeatureCollection' as const, features: lines.map((l) => ({ type: 'Feature' as const, geometry: l.geometry as never, properties: {} })) };
      const m0 = result.metrics!;
      fs.writeFileSync(values.svg, proposalSvg(fc as never, {
        barriers,
        title: `${values.parent}: ${m0.grids} unit grids, ${result.by} ${result.band[0]}–${result.band[1]}, ${Math.round(m0.bandShareUnflagged * 100)} % of unflagged in band, ${Math.round(m0.barrierShare * 100)} % of borders on barriers`,
      }));
    }
    const m = result.metrics!;
    const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(0)} %`);
    console.log(`job ${id}: ${m.grids} grids (${result.by} ${result.band[0]}–${result.band[1]}), written to ${out}`);
    console.log(`  band share ${pct(m.bandShare)} (unflagged ${pct(m.bandShareUnflagged)}), barrier share ${pct(m.barrierShare)}, mean Polsby–Popper ${m.meanPolsbyPopper.toFixed(2)}, flagged ${JSON.stringify(m.flagged)}, ${(result.runtimeMs / 1000).toFixed(1)} s`);
    for (const [name, v] of Object.entries({ current: result.current, h3: result.baselines?.h3, kmeans: result.baselines?.kmeans })) {
      if (v) console.log(`  ${name.padEnd(8)} ${v.summary.grids} grids, band share ${pct(v.summary.bandShare)}, barrier share ${pct(v.summary.barrierShare)}`);
    }
  } finally {
    await opened.close();
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirBusyError) {
    console.error(`partition: ${err.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
