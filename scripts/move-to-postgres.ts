/**
 * `npm run move-to-postgres -- postgres://user@host/db`: copies the embedded database
 * (WANGGE_DATA_DIR, the server must be stopped) into a real PostGIS server. The target is
 * migrated with the same migrations first and must hold no Wangge data yet. Tables are copied
 * in foreign-key order, geometry as EWKB, identity counters moved past the copied ids.
 */
import { loadConfig } from '../server/src/core/config.ts';
import { createPoolDb, type Db } from '../server/src/core/db.ts';
import { migrate } from '../server/src/core/migrate.ts';
import { openDatabase } from '../server/src/core/runtime.ts';

const BATCH = 2000;
// Derived tables: the target's triggers rebuild the counts as the incidents arrive, and the H3
// side tables refill themselves when an analysis needs them; the hot-spot tile cells (and the
// versions they were computed at: both or neither) are recomputed by the first tile that needs them.
const SKIP = new Set(['schema_migrations', 'spatial_ref_sys', 'incident_cells', 'grid_incident_counts', 'incident_h3', 'household_h3', 'hotspot_cells', 'hotspot_cell_versions']);

async function tablesInDependencyOrder(db: Db): Promise<string[]> {
  const { rows: tables } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1");
  const { rows: deps } = await db.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`);
  const names = tables.map((t) => t.name).filter((n) => !SKIP.has(n));
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const d of deps.filter((x) => x.child === name)) visit(d.parent, path);
    ordered.push(name);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
}

async function copyTable(from: Db, to: Db, table: string): Promise<number> {
  const { rows: cols } = await from.query<{ name: string; type: string; identity: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity AS identity
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''`, [table]);
  const select = cols.map((c) => (c.type.startsWith('geometry') ? `encode(ST_AsEWKB(${q(c.name)}), 'hex') AS ${q(c.name)}` : q(c.name))).join(', ');
  const list = cols.map((c) => q(c.name)).join(', ');
  let copied = 0;
  for (let offset = 0; ; offset += BATCH) {
    const { rows } = await from.query(`SELECT ${select} FROM ${q(table)} ORDER BY 1 LIMIT ${BATCH} OFFSET ${offset}`);
    if (rows.length === 0) break;
    await to.query(`INSERT INTO ${q(table)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${q(table)}, $1)`, [JSON.stringify(rows)]);
    copied += rows.length;
  }
  for (const c of cols.filter((x) => x.identity !== '' || x.type === 'integer')) {
    await to.query(`SELECT setval(pg_get_serial_sequence($1, $2), greatest((SELECT max(${q(c.name)}) FROM ${q(table)}), 1))
                     WHERE pg_get_serial_sequence($1, $2) IS NOT NULL`, [table, c.name]);
  }
  return copied;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || !/^postgres(ql)?:\/\//.test(target)) {
    console.error('usage: npm run move-to-postgres -- postgres://user@host:5432/database');
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, DATABASE_URL: '' });
  const source = await openDatabase(config);
  const dest = createPoolDb(target, 'postgres', 2);
  try {
    await migrate(dest);
    const { rows } = await dest.query('SELECT 1 FROM jurisdictions LIMIT 1');
    if (rows.length > 0) throw new Error('The target already holds Wangge data; move into an empty database.');
    const tables = await tablesInDependencyOrder(source.db);
    // Migrations seed some tables (categories, departments …); the copy brings the source's rows
    // instead. The audit log refuses TRUNCATE by design and a fresh target's is empty.
    const seeded = tables.filter((t) => t !== 'audit_log');
    await dest.query(`TRUNCATE ${seeded.map(q).join(', ')} CASCADE`);
    for (const table of tables) {
      const n = await copyTable(source.db, dest, table);
      console.log(`${table}: ${n} rows`);
    }
    console.log(`done. Start Wangge on it with DATABASE_URL=${target.replace(/:[^:@/]+@/, ':***@')} npm start`);
  } finally {
    await dest.close();
    await source.close();
  }
}

main().catch((err) => { console.error(`move-to-postgres: ${(err as Error).message}`); process.exit(1); });
