import type { Db } from './db.ts';
import { sqlFile } from './db.ts';

const staleTablesSql = sqlFile(import.meta.url, 'sql/stale-tables.sql');

/**
 * PGlite runs PostgreSQL without its background workers, autovacuum among them: on the embedded
 * database no table is ever analysed unless someone runs ANALYZE, and every plan runs on the
 * planner's guesses (a 100,000-row table still had reltuples −1 75 s after its insert). The tile
 * statements' generic plans chose a per-row box filter on such guesses (docs/tiles.md,
 * 2026-12-01 14:10). This does the analysing half of autovacuum's job: every `everyMs`, the
 * tables changed beyond autovacuum's own threshold, and those with rows never analysed, are
 * analysed (sql/stale-tables.sql), one statement each, so requests waiting for the one backend
 * get in between.
 */
export interface AutoAnalyze {
  /** Analyses the stale tables now (of those named in `only`, when given), after any run going on; resolves to the names analysed. */
  runOnce(only?: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

export function startAutoAnalyze(db: Db, everyMs: number, onError: (err: unknown) => void): AutoAnalyze {
  // One run at a time: a run asked for while another goes starts after it.
  let last: Promise<unknown> = Promise.resolve();
  let busy = false;
  const runOnce = (only?: string[]): Promise<string[]> => {
    const run = last.then(async () => {
      busy = true;
      try { return await analyseStale(db, only ?? null); } finally { busy = false; }
    });
    last = run.catch(() => undefined);
    return run;
  };
  const timer = everyMs > 0 ? setInterval(() => { if (!busy) runOnce().catch(onError); }, everyMs) : null;
  // The timer must not keep a stopping process alive.
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await last;
    },
  };
}

async function analyseStale(db: Db, only: string[] | null): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(staleTablesSql, [only]);
  const done: string[] = [];
  for (const { name } of rows) {
    try {
      // The name comes from the catalogue, quoted by format('%I.%I').
      await db.query(`ANALYZE ${name}`);
      done.push(name);
    } catch (err) {
      // Dropped since it was listed (an import's work table): nothing left to analyse.
      if ((err as { code?: string }).code !== '42P01') throw err;
    }
  }
  return done;
}
