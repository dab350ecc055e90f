import { build } from './app.ts';
import { ensureAdmin } from './core/bootstrap.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { DataDirBusyError, updateLockUrl } from './core/embedded.ts';
import { MigrationError, migrate } from './core/migrate.ts';
import { openDatabase } from './core/runtime.ts';
import { demoLoaded, loadDemo } from './osm/demo.ts';

const say = (line: string) => process.stdout.write(`[wangge] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  say(config.DATABASE_URL ? 'database: PostgreSQL server from DATABASE_URL' : `database: embedded PostGIS in ${config.WANGGE_DATA_DIR}/db (first start takes ~15 s)`);
  const opened = await openDatabase(config);
  const { db } = opened;
  const { applied } = await migrate(db, (name) => say(`migrating: ${name}`));
  if (applied.length > 0) say(`applied ${applied.length} migration(s)`);
  const admin = await ensureAdmin(db, config.WANGGE_ADMIN_PASSWORD);

  if (config.WANGGE_DEMO && !(await demoLoaded(db))) {
    say('loading the demo area (Monaco, © OpenStreetMap contributors, ODbL) …');
    let last = '';
    const report = await loadDemo(db, config, (stage, done, total) => {
      const line = total > 0 ? `  ${stage}: ${done}/${total} (${Math.round((done / total) * 100)}%)` : `  ${stage}: ${done}`;
      if (line !== last) process.stdout.write(`\r${line.padEnd(48)}`);
      last = line;
    });
    process.stdout.write('\n');
    say(`demo loaded: ${report.households.buildings} buildings (${report.households.households} households), ${Object.values(report.barriers).reduce((a, b) => a + b, 0)} barrier lines, grids per tier ${JSON.stringify(report.grids)}`);
  }

  const app = await build({ config, db });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  if (opened.dataDir) updateLockUrl(opened.dataDir, address);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${address.replace('127.0.0.1', 'localhost')}  (API docs: ${address}/api/docs)`);
  if (admin.password) say(`${admin.created ? 'first-run admin' : 'admin password reset'}: user "admin", password "${admin.password}"`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: shutting down`);
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // Known start-up problems get one readable line; anything else its stack.
  if (err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof MigrationError) {
    process.stderr.write(`[wangge] cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`[wangge] cannot start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
