/**
 * Partition engine on the issue's real cities (../shared/data, loaders in
 * server/src/partition/realdata-cases.ts): Helsinki centre, Providence (ward 1 at 200 households;
 * the whole city as 15 wards ±5 % beside the official wards), north-east San Francisco. Same
 * columns as the Monaco table in docs/partition.md. Skipped when the shared data is missing.
 */
import { runPartition } from '../../server/src/partition/engine.ts';
import { withDefaults, type PartitionParams } from '../../server/src/partition/params.ts';
import { loadHelsinki, loadProvidence, loadSanFrancisco, realDataPresent } from '../../server/src/partition/realdata-cases.ts';
import { SHARED_DATA } from '../../server/test/shared-data.ts';
import type { BenchContext } from './context.ts';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(0)} %`);

export default async function bench(ctx: BenchContext): Promise<void> {
  const { db } = ctx;
  if (!realDataPresent(SHARED_DATA)) { ctx.report(`No shared data at ${SHARED_DATA}; skipped.`); return; }
  const stamp = Date.now();
  const hel = await loadHelsinki(db, SHARED_DATA, `bench-helsinki-${stamp}`);
  const pvd = await loadProvidence(db, SHARED_DATA, `bench-providence-${stamp}`);
  const sf = await loadSanFrancisco(db, SHARED_DATA, `bench-sf-${stamp}`);
  const blocksOnly = { hardClasses: [], preferredClasses: ['block_edge'] };
  const runs: [string, number, string, Partial<PartitionParams>][] = [
    ['Helsinki centre', hel.jurisdictionId, hel.top, {}],
    ['Helsinki Kamppi', hel.jurisdictionId, hel.quarters.find((q) => q.name === 'Kamppi')!.code, {}],
    ['Providence ward 1', pvd.jurisdictionId, 'PVD01', blocksOnly],
    ['Providence, 15 wards ±5 %', pvd.jurisdictionId, 'PVD', { ...blocksOnly, targetPeople: Math.round(pvd.people / 15), tolerance: 0.05 }],
    ['San Francisco NE box', sf.jurisdictionId, sf.top, {}],
  ];
  ctx.report('| area | grids | flagged | engine s | with metrics + baselines s | band (all / unflagged) | barrier share | mean PP | H3 band / barrier | k-means band / barrier | current band / barrier |');
  ctx.report('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [label, jid, code, params] of runs) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO partition_jobs (jurisdiction_id, parent_code, area, params) SELECT jurisdiction_id, code, ST_Multi(geom), $3 FROM grids
        WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL RETURNING id`, [jid, code, JSON.stringify(withDefaults({ seed: 1, ...params }))]);
    const r = await runPartition(db, rows[0].id);
    const m = r.metrics!;
    const flagged = Object.entries(m.flagged).map(([k, v]) => `${v} ${k}`).join(', ') || '0';
    const cur = r.current?.summary;
    ctx.report(`| ${label} (${code}) | ${m.grids} | ${flagged} | ${(m.runtimeMs / 1000).toFixed(2)} | ${(r.runtimeMs / 1000).toFixed(2)} | ${pct(m.bandShare)} / ${pct(m.bandShareUnflagged)} | ${pct(m.barrierShare)} | ${m.meanPolsbyPopper.toFixed(2)} | ${pct(r.baselines?.h3.summary.bandShare)} / ${pct(r.baselines?.h3.summary.barrierShare)} | ${pct(r.baselines?.kmeans.summary.bandShare)} / ${pct(r.baselines?.kmeans.summary.barrierShare)} | ${cur ? `${pct(cur.bandShare)} / ${pct(cur.barrierShare)}` : '–'} |`);
  }
}
