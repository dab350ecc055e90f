import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPoolDb, type Db } from './db.ts';
import { migrate, readMigrations } from './migrate.ts';

let db: Db;
beforeAll(() => { db = createPoolDb(inject('dbUrl'), inject('dbKind'), 3); });
afterAll(async () => { await db?.close(); });

describe('type parsing is the same on both databases', () => {
  it('reads int8, numeric, timestamptz, date and json alike', async () => {
    const { rows } = await db.query(`SELECT 9007199254740991::int8 AS big, 12.50::numeric AS num, '2026-03-01T08:00:00Z'::timestamptz AS ts,
      '2026-03-01'::date AS d, '{"a":[1,2]}'::jsonb AS j, '[1]'::json AS arr, count(*) AS n FROM generate_series(1, 3)`);
    expect(rows[0]).toEqual({ big: 9007199254740991, num: 12.5, ts: new Date('2026-03-01T08:00:00Z'), d: '2026-03-01', j: { a: [1, 2] }, arr: [1], n: 3 });
  });

  it('refuses int8 values JavaScript cannot hold exactly', async () => {
    await expect(db.query('SELECT 9007199254740993::int8 AS big')).rejects.toThrow(/safe integer/);
  });
});

describe('session settings', () => {
  it('runs without JIT on a real server (the embedded one has none to turn off)', async () => {
    const { rows } = await db.query<{ jit: string; available: boolean }>("SELECT current_setting('jit') AS jit, pg_jit_available() AS available");
    if (inject('dbKind') === 'postgres') expect(rows[0].jit).toBe('off');
    else expect(rows[0].available).toBe(false);
  });
});

describe('concurrency', () => {
  it('gives every statement its own answer while transactions fail around it', async () => {
    // On the embedded database several socket connections once interleaved their messages:
    // plain queries got other statements' answers when a concurrent transaction failed.
    const wrong: string[] = [];
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 120; i++) {
      if (i % 3 === 0) {
        jobs.push(db.tx(async (q) => {
          await q.query('SELECT $1::int AS v', [i]);
          if (i % 9 === 0) await q.query('SELECT 1 / 0');
          await q.query('SELECT pg_sleep(0.002)');
        }).catch((err: Error) => { if (!/division by zero/.test(err.message)) wrong.push(`tx ${i}: ${err.message}`); }));
      } else if (i % 3 === 1) {
        jobs.push(db.query<{ v: number }>('SELECT $1::int + $2::int AS v', [i, 1])
          .then((r) => { if (r.rows[0]?.v !== i + 1) wrong.push(`sum ${i}`); }, (err: Error) => wrong.push(`sum ${i}: ${err.message}`)));
      } else {
        jobs.push(db.query<{ v: string }>('SELECT $1::text || $2::text || $3::text AS v', ['a', String(i), 'b'])
          .then((r) => { if (r.rows[0]?.v !== `a${i}b`) wrong.push(`concat ${i}`); }, (err: Error) => wrong.push(`concat ${i}: ${err.message}`)));
      }
    }
    await Promise.all(jobs);
    expect(wrong).toEqual([]);
  });
});

describe('transactions', () => {
  it('rolls back everything when the function throws', async () => {
    const name = `tx-${Date.now()}`;
    await expect(db.tx(async (q) => {
      await q.query('INSERT INTO jurisdictions (name) VALUES ($1)', [name]);
      throw new Error('half-way');
    })).rejects.toThrow('half-way');
    const { rows } = await db.query('SELECT 1 FROM jurisdictions WHERE name = $1', [name]);
    expect(rows).toHaveLength(0);
  });
});

describe('migrations', () => {
  it('are all applied, recorded with their checksums, and a second run applies nothing', async () => {
    const files = readMigrations();
    const { rows } = await db.query<{ version: number; sha256: string }>('SELECT version, sha256 FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    expect(rows.map((r) => r.sha256)).toEqual(files.map((f) => f.sha256));
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('stops when an applied migration was edited', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    for (const f of readMigrations()) fs.writeFileSync(path.join(dir, f.name), f.sql);
    const first = readMigrations()[0];
    fs.writeFileSync(path.join(dir, first.name), `${first.sql}\n-- edited\n`);
    await expect(migrate(db, undefined, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it('keeps the audit log append-only', async () => {
    await db.query("INSERT INTO audit_log (action, entity) VALUES ('test', 'test')");
    await expect(db.query("UPDATE audit_log SET action = 'x' WHERE entity = 'test'")).rejects.toThrow(/append-only/);
    await expect(db.query("DELETE FROM audit_log WHERE entity = 'test'")).rejects.toThrow(/append-only/);
  });
});
