import { describe, expect, it } from 'vitest';
import type { Db } from './db.ts';
import { startAutoAnalyze } from './auto-analyze.ts';

/** A database that lists `stale` as changed and records every statement; ANALYZE of `dropped` fails as a dropped table does. */
function fakeDb(stale: string[], dropped: string[] = []): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const query = async (text: string) => {
    statements.push(text.startsWith('ANALYZE') ? text : 'list');
    if (text.startsWith('ANALYZE')) {
      if (dropped.some((d) => text.endsWith(d))) throw Object.assign(new Error('relation does not exist'), { code: '42P01' });
      return { rows: [] };
    }
    return { rows: stale.map((name) => ({ name })) };
  };
  return { db: { query } as unknown as Db, statements };
}

describe('startAutoAnalyze', () => {
  it('analyses each table listed, one statement each, and passes over one dropped meanwhile', async () => {
    const { db, statements } = fakeDb(['public.a', 'public.gone', 'public.b'], ['public.gone']);
    const analyse = startAutoAnalyze(db, 0, () => undefined);
    expect(await analyse.runOnce()).toEqual(['public.a', 'public.b']);
    expect(statements).toEqual(['list', 'ANALYZE public.a', 'ANALYZE public.gone', 'ANALYZE public.b']);
    await analyse.stop();
  });

  it('runs on its timer, one run at a time, and stops', async () => {
    const { db, statements } = fakeDb(['public.a']);
    const errors: unknown[] = [];
    const analyse = startAutoAnalyze(db, 20, (err) => errors.push(err));
    await new Promise((r) => setTimeout(r, 110));
    await analyse.stop();
    const runs = statements.filter((s) => s === 'list').length;
    expect(runs).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(statements.filter((s) => s === 'list').length).toBe(runs);
    expect(errors).toEqual([]);
  });

  it('reports a failed run and keeps running', async () => {
    let calls = 0;
    const db = { query: async () => { calls++; throw new Error('the database is gone'); } } as unknown as Db;
    const errors: string[] = [];
    const analyse = startAutoAnalyze(db, 20, (err) => errors.push((err as Error).message));
    await new Promise((r) => setTimeout(r, 110));
    await analyse.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBe('the database is gone');
    expect(calls).toBe(errors.length);
  });
});
