import { build } from './app.ts';
import { ensureAdmin } from './core/bootstrap.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { DataDirBusyError, updateLockUrl } from './core/embedded.ts';
import { MigrationError, migrate } from './core/migrate.ts';
import { openDatabase } from './core/runtime.ts';
import { demoLoaded, loadDemoMap, pendingDemoSteps, runPendingDemoSteps, type Progress } from './osm/demo.ts';

const say = (line: string) => process.stdout.write(`[wangge] ${line}\n`);

class DemoStopped extends Error {}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The demo's progress: one line per stage, ended with the stage's time. On a terminal the line
 * of the running stage updates in place (live); in a log (no TTY), or once the server is up and
 * request logs may come in between, each stage's line is written once, when the stage ends, so
 * that the log shows where the first start spends its time.
 */
function demoProgress(prefix: string, live: boolean): { report: Progress; end(): void } {
  const tty = live && process.stdout.isTTY === true;
  let stage = '';
  let startedAt = 0;
  let line = '';
  const end = () => {
    if (!stage) return;
    const done = `${prefix}${(prefix ? line.trimStart() : line).padEnd(44)} ${secs(Date.now() - startedAt).padStart(6)}`;
    process.stdout.write(tty ? `\r${done}\n` : `${done}\n`);
    stage = '';
  };
  const report: Progress = (name, done, total) => {
    if (name !== stage) {
      end();
      stage = name;
      startedAt = Date.now();
    }
    const next = total > 0 ? `  ${name}: ${done}/${total} (${Math.round((done / total) * 100)}%)` : `  ${name}: ${done}`;
    if (tty && next !== line) process.stdout.write(`\r${prefix}${next.padEnd(44)}`);
    line = next;
  };
  return { report, end };
}

async function main(): Promise<void> {
  let mark = Date.now();
  const lap = () => {
    const now = Date.now();
    const ms = now - mark;
    mark = now;
    return secs(ms);
  };
  const config = loadConfig();
  say(config.DATABASE_URL ? 'database: PostgreSQL server from DATABASE_URL' : `database: embedded PostGIS in ${config.WANGGE_DATA_DIR}/db (first start takes ~15 s)`);
  const opened = await openDatabase(config);
  const { db } = opened;
  say(`database open (${lap()})`);
  const { applied } = await migrate(db, (name) => say(`migrating: ${name}`));
  if (applied.length > 0) say(`applied ${applied.length} migration(s) (${lap()})`);
  const admin = await ensureAdmin(db, config.WANGGE_ADMIN_PASSWORD);

  // The demo's map data loads before the server listens; its feature steps (unit grids,
  // incidents, hot-spot cells) run once it listens, so the first start is ready sooner.
  if (config.WANGGE_DEMO && !(await demoLoaded(db))) {
    say('loading the demo area (Monaco, © OpenStreetMap contributors, ODbL) …');
    lap();
    const progress = demoProgress('', true);
    const report = await loadDemoMap(db, config, progress.report);
    progress.end();
    say(`demo map loaded in ${lap()}: ${report.households.buildings} buildings (${report.households.households} households), ${Object.values(report.barriers).reduce((a, b) => a + b, 0)} barrier lines, grids per tier ${JSON.stringify(report.grids)}`);
  }
  const pending = config.WANGGE_DEMO ? await pendingDemoSteps(db) : null;

  const app = await build({ config, db });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  if (opened.dataDir) updateLockUrl(opened.dataDir, address);
  // Uptime, not time since main(): it includes loading the modules.
  say(`ready in ${process.uptime().toFixed(1)} s: ${address.replace('127.0.0.1', 'localhost')}  (API docs: ${address}/api/docs)`);
  if (admin.password) say(`${admin.created ? 'first-run admin' : 'admin password reset'}: user "admin", password "${admin.password}"`);

  let stopping = false;
  const demoDone = pending ? finishDemo(pending.steps) : Promise.resolve();
  async function finishDemo(steps: string[]): Promise<void> {
    say(`demo: loading ${steps.join(', ')} now; they show on the map as each step ends …`);
    const t = Date.now();
    const progress = demoProgress('[wangge] demo: ', false);
    try {
      await runPendingDemoSteps(db, config, (stage, done, total) => {
        if (stopping) throw new DemoStopped();
        progress.report(stage, done, total);
      });
      progress.end();
      say(`demo complete in ${secs(Date.now() - t)} (${process.uptime().toFixed(1)} s after start)`);
    } catch (err) {
      if (err instanceof DemoStopped) say('demo: stopped; what is left loads on the next start');
      else process.stderr.write(`[wangge] demo: a step failed (what is left is tried again on the next start): ${(err as Error).stack ?? String(err)}\n`);
    }
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    stopping = true;
    say(`${signal}: shutting down`);
    await app.close();
    await demoDone; // the running demo step stops at its next progress report
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
