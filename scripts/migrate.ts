/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
import { ConfigError, loadConfig } from '../server/src/core/config.ts';
import { DataDirBusyError } from '../server/src/core/embedded.ts';
import { MigrationError, migrate } from '../server/src/core/migrate.ts';
import { openDatabase } from '../server/src/core/runtime.ts';

try {
  const config = loadConfig();
  const opened = await openDatabase(config);
  try {
    const { applied, current } = await migrate(opened.db, (name) => console.log(`applying ${name}`));
    console.log(applied.length ? `applied ${applied.length} migration(s); schema at ${current}` : `nothing to apply; schema at ${current}`);
  } finally {
    await opened.close();
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof MigrationError) {
    console.error(`migrate: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
