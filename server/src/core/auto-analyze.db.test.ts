import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, uniq, type TestApp } from '../../test/helpers.ts';
import { startAutoAnalyze } from './auto-analyze.ts';

// Only this file's own table is analysed here (runOnce's list): the test database is shared,
// and what other files' tables look like to the planner is theirs.
let t: TestApp;
let table: string;
let other: string;

beforeAll(async () => {
  t = await testApp();
  table = uniq('analyse_me');
  // Not analysed by a real server's own autovacuum meanwhile: that would race this test.
  await t.db.query(`CREATE TABLE ${table} (id integer) WITH (autovacuum_enabled = false)`);
});
afterAll(async () => {
  await t?.db.query(`DROP TABLE IF EXISTS ${table}`);
  await t?.db.query(`DROP TABLE IF EXISTS ${other}`);
  await t?.close();
});

const stats = async () => (await t.db.query<{ reltuples: number; analysed: boolean }>(
  `SELECT c.reltuples, s.last_analyze IS NOT NULL AS analysed FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = $1`, [table])).rows[0];

/** Runs until the table is analysed: a backend reports its changes to the statistics at most once a second or so. */
async function analysedWithin(ms: number, run: () => Promise<string[]>): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const done = await run();
    if (done.length > 0 || Date.now() > until) return done;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('analysing changed tables (what autovacuum does, for the embedded database)', () => {
  it('analyses a table changed beyond autovacuum\'s threshold, and leaves it alone after a small change', async () => {
    const analyse = startAutoAnalyze(t.db, 0, () => undefined);
    try {
      await t.db.query(`INSERT INTO ${table} SELECT generate_series(1, 1000)`);
      expect((await stats()).analysed).toBe(false);
      expect(await analysedWithin(10_000, () => analyse.runOnce([table]))).toEqual([`public.${table}`]);
      expect(await stats()).toEqual({ reltuples: 1000, analysed: true });

      // 20 rows of 1,020: under 50 + 10 %, as autovacuum would leave it.
      await t.db.query(`INSERT INTO ${table} SELECT generate_series(1, 20)`);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await analyse.runOnce([table])).toEqual([]);

      // 200 more: over the threshold, analysed again.
      await t.db.query(`INSERT INTO ${table} SELECT generate_series(1, 200)`);
      expect(await analysedWithin(10_000, () => analyse.runOnce([table]))).toEqual([`public.${table}`]);
      expect((await stats()).reltuples).toBe(1220);
    } finally {
      await analyse.stop();
    }
  });

  it('analyses a table with rows that was never analysed, though its change count is 0 (the embedded database after a restart)', async () => {
    other = uniq('never_analysed');
    await t.db.query(`CREATE TABLE ${other} (id integer) WITH (autovacuum_enabled = false)`);
    const analyse = startAutoAnalyze(t.db, 0, () => undefined);
    try {
      // An empty table is left alone: it has nothing to analyse.
      expect(await analyse.runOnce([other])).toEqual([]);
      await t.db.query(`INSERT INTO ${other} SELECT generate_series(1, 30)`);
      // What a restart of the embedded database does to the counts (30 rows: under the threshold anyway).
      await t.db.query(`SELECT pg_stat_reset_single_table_counters($1::regclass)`, [other]);
      expect(await analyse.runOnce([other])).toEqual([`public.${other}`]);
      expect(await analyse.runOnce([other])).toEqual([]);
    } finally {
      await analyse.stop();
    }
  });
});
