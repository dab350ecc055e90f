/**
 * Partition engine on the Monaco demo extract (real OSM data, ~29.5k households): each quarter
 * cut into unit grids of ~200 households (band 160–240) with the metrics beside the H3 and
 * household-weighted k-means baselines, the whole commune in one job, and the
 * demo step (all nine quarters written as tier-3 grids, as on first start), and an area of at
 * least 200k households made of side-by-side copies of Monaco (seven since offices stopped
 * counting as homes; households, barriers and the commune shifted east by 0.05° each; the area
 * is one MultiPolygon of one piece per copy).
 */
import { DEMO_PBF, DEMO_TIERS } from '../../server/src/osm/demo.ts';
import { importOsm } from '../../server/src/osm/import.ts';
import { readOsmPbf } from '../../server/src/osm/read-pbf.ts';
import { partitionDemo } from '../../server/src/partition/demo.ts';
import { runPartition, type PartitionResult } from '../../server/src/partition/engine.ts';
import { withDefaults } from '../../server/src/partition/params.ts';
import type { BenchContext } from './context.ts';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(0)} %`);

export default async function bench(ctx: BenchContext): Promise<void> {
  const { db } = ctx;
  const features = await readOsmPbf(DEMO_PBF);
  const { jurisdictionId: jid } = await importOsm(db, features, {
    jurisdiction: { name: `bench-partition-${Date.now()}`, householdsMin: 160, householdsMax: 240 },
    tiers: DEMO_TIERS, rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '980', minBuildingShare: 0.2,
  });
  const { rows: grids } = await db.query<{ code: string; name: string; households: number }>(
    'SELECT code, name, households FROM grids WHERE jurisdiction_id = $1 AND tier <= 2 AND valid_to IS NULL ORDER BY tier DESC, code', [jid]);

  const job = async (code: string, baselines: boolean) => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params) SELECT jurisdiction_id, code, ST_Multi(geom), $3 FROM grids
        WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL RETURNING id`, [jid, code, JSON.stringify(withDefaults({ baselines, seed: 1 }))]);
    const heap0 = process.memoryUsage().heapUsed;
    const r: PartitionResult = await runPartition(db, rows[0].id);
    return { r, heapMb: (process.memoryUsage().heapUsed - heap0) / 2 ** 20 };
  };

  ctx.report('| area | households | grids | flagged | engine s | with metrics + baselines s | band (all / unflagged) | barrier share | mean PP | H3 band / barrier | k-means band / barrier |');
  ctx.report('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const g of grids) {
    const { r } = await job(g.code, true);
    const m = r.metrics!;
    const flagged = Object.entries(m.flagged).map(([k, v]) => `${v} ${k}`).join(', ') || '0';
    ctx.report(`| ${g.code} ${g.name} | ${g.households} | ${m.grids} | ${flagged} | ${(m.runtimeMs / 1000).toFixed(2)} | ${(r.runtimeMs / 1000).toFixed(2)} | ${pct(m.bandShare)} / ${pct(m.bandShareUnflagged)} | ${pct(m.barrierShare)} | ${m.meanPolsbyPopper.toFixed(2)} | ${pct(r.baselines?.h3.summary.bandShare)} / ${pct(r.baselines?.h3.summary.barrierShare)} | ${pct(r.baselines?.kmeans.summary.bandShare)} / ${pct(r.baselines?.kmeans.summary.barrierShare)} |`);
  }

  const { r: whole, heapMb } = await job(grids.find((g) => g.code === '980001')!.code, false);
  ctx.report(`\nWhole commune 980001 in one job (${grids.find((g) => g.code === '980001')!.households} households, engine + proposal metrics, no baselines): ${(whole.runtimeMs / 1000).toFixed(2)} s, ${whole.metrics!.grids} grids, ${whole.metrics!.units} units from ${whole.metrics!.blocks} blocks, band ${pct(whole.metrics!.bandShare)} / unflagged ${pct(whole.metrics!.bandShareUnflagged)}, barrier share ${pct(whole.metrics!.barrierShare)}, JS heap +${heapMb.toFixed(0)} MB.`);

  // Copies of Monaco side by side, as many as make 200k households, in one job.
  const copies = Math.ceil(200_000 / grids.find((g) => g.code === '980001')!.households);
  const { rows: jr } = await db.query<{ id: number }>(
    `INSERT INTO jurisdictions (name, households_min, households_max) VALUES ($1, 160, 240) RETURNING id`, [`bench-partition-x${copies}-${Date.now()}`]);
  const big = jr[0].id;
  await db.tx(async (q) => {
    await q.query(`INSERT INTO tiers (jurisdiction_id, level, name, name_en) VALUES ($1, 1, '市', 'Commune'), ($1, 2, '单元网格', 'Unit grid')`, [big]);
    await q.query(
      `INSERT INTO households (jurisdiction_id, geom, pt, households, population, levels, footprint_m2)
       SELECT $1, ST_Translate(geom, i * 0.05, 0), ST_Translate(pt, i * 0.05, 0), households, population, levels, footprint_m2
         FROM households, generate_series(0, $3 - 1) i WHERE jurisdiction_id = $2`, [big, jid, copies]);
    await q.query(
      `INSERT INTO barriers (jurisdiction_id, geom, kind, class, name, attributes)
       SELECT $1, ST_Translate(geom, i * 0.05, 0), kind, class, name, attributes FROM barriers, generate_series(0, $3 - 1) i WHERE jurisdiction_id = $2`, [big, jid, copies]);
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, geom, households)
       SELECT $1, 1, 'X1', 'Monaco ×${copies}', ST_Multi(ST_CollectionExtract(ST_Collect(ST_Translate(g.geom, i * 0.05, 0)), 3)), sum(g.households)
         FROM grids g, generate_series(0, $3 - 1) i WHERE g.jurisdiction_id = $2 AND g.code = '980001' AND g.valid_to IS NULL`, [big, jid, copies]);
  });
  {
    const { rows } = await db.query<{ id: number; households: number }>(
      `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params) SELECT jurisdiction_id, code, geom, $2 FROM grids
        WHERE jurisdiction_id = $1 AND code = 'X1' RETURNING id, (SELECT households FROM grids WHERE jurisdiction_id = $1 AND code = 'X1') AS households`,
      [big, JSON.stringify(withDefaults({ baselines: false, seed: 1 }))]);
    const rss0 = process.memoryUsage().rss;
    const heap0 = process.memoryUsage().heapUsed;
    const r = await runPartition(db, rows[0].id);
    const m = r.metrics!;
    ctx.report(`\n${copies} copies of Monaco in one job (${rows[0].households} households): engine ${(m.runtimeMs / 1000).toFixed(1)} s, with proposal metrics ${(r.runtimeMs / 1000).toFixed(1)} s, ${m.grids} grids, ${m.units} units, band ${pct(m.bandShare)} / unflagged ${pct(m.bandShareUnflagged)}, barrier share ${pct(m.barrierShare)}, JS heap +${((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(0)} MB, RSS +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB (this process; the database's memory is not counted).`);
  }

  const t0 = Date.now();
  await partitionDemo(db, jid, ctx.config, () => undefined);
  const { rows: n } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE jurisdiction_id = $1 AND tier = 3 AND valid_to IS NULL', [jid]);
  ctx.report(`\nDemo step (9 quarters → ${n[0].n} tier-3 grids written, no metrics): ${((Date.now() - t0) / 1000).toFixed(2)} s.`);
}
