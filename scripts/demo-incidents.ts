/**
 * `npm run demo:incidents -- --count 1000000 [--seed 42] [--days 90] [--jurisdiction <id>] [--replace]`
 * Adds seeded synthetic incidents (synthetic = true) to the demo jurisdiction (or the one given),
 * on DATABASE_URL or the embedded database (stop the server first: it holds the data dir).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/core/config.ts';
import { openDatabase } from '../server/src/core/runtime.ts';
import { generateIncidents } from '../server/src/incidents/generator.ts';
import { DEMO_JURISDICTION } from '../server/src/osm/demo.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '20261123' }, days: { type: 'string', default: '90' },
    jurisdiction: { type: 'string' }, replace: { type: 'boolean', default: false }, batch: { type: 'string', default: '20000' },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 20_000_000) {
  console.error('demo:incidents: --count must be an integer from 1 to 20,000,000');
  process.exit(1);
}
const opened = await openDatabase(loadConfig());
try {
  const { db } = opened;
  const j = values.jurisdiction
    ? await db.query<{ id: number; name: string }>('SELECT id, name FROM jurisdictions WHERE id = $1', [Number(values.jurisdiction)])
    : await db.query<{ id: number; name: string }>('SELECT id, name FROM jurisdictions WHERE name = $1', [DEMO_JURISDICTION]);
  if (!j.rows[0]) throw new Error(`No jurisdiction ${values.jurisdiction ?? DEMO_JURISDICTION}: start the server once to load the demo, or pass --jurisdiction`);
  const jid = j.rows[0].id;
  const started = Date.now();
  const report = await db.tx(async (q) => {
    if (values.replace) {
      const del = await q.query('DELETE FROM incidents WHERE jurisdiction_id = $1 AND synthetic', [jid]);
      console.log(`removed ${del.rowCount} synthetic incidents`);
    }
    return generateIncidents(q, jid, {
      count, seed: Number(values.seed), days: Number(values.days), batch: Number(values.batch),
      onProgress: (done, total) => process.stdout.write(`\r  incidents: ${done}/${total} (${Math.round((done / total) * 100)}%)   `),
    });
  });
  const s = (Date.now() - started) / 1000;
  console.log(`\n${report.inserted} synthetic incidents (${report.histories} history lines) in ${j.rows[0].name} in ${s.toFixed(1)} s (${Math.round(report.inserted / s)}/s)`);
  console.log(`by status: ${JSON.stringify(report.byStatus)}`);
} finally {
  await opened.close();
}
