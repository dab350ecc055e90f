import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

/**
 * A fresh PGlite + PostGIS costs 10–30 s on these machines (initdb and the extension's
 * catalogue); a gzip dump of one, made once per PGlite version (`npm install` makes it), starts
 * a new database — a first `npm start`, each test file — in a third of that.
 */
export function templatePath(): string {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  return path.join(ROOT, `node_modules/.cache/wangge/pglite-${version}-postgis.tar.gz`);
}

export function readTemplate(): Blob | undefined {
  const file = templatePath();
  return fs.existsSync(file) ? new Blob([fs.readFileSync(file)]) : undefined;
}

/** Dumps a fresh database (PostGIS created, nothing else) as the template. */
export async function writeTemplate(db: PGlite): Promise<void> {
  const file = templatePath();
  const dump = await db.dumpDataDir('gzip');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Several processes may write it at once: write aside, then rename atomically.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(tmp, file);
}
