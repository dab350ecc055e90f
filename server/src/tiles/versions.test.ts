import { describe, expect, it } from 'vitest';
import type { Queryable } from '../core/db.ts';
import { isNewer, LayerVersions } from './versions.ts';

/** A layer_versions table in memory that counts how often it is read. */
function fakeDb(table: Record<string, number>): Queryable & { reads: number } {
  const db = {
    reads: 0,
    async query() {
      db.reads++;
      return { rows: Object.entries(table).map(([layer, version]) => ({ layer, version })) } as never;
    },
  };
  return db;
}

describe('LayerVersions', () => {
  it('answers from memory while fresh, reads again after an in-process edit event', async () => {
    const table = { grids: 3, incidents: 7 };
    const db = fakeDb(table);
    const v = new LayerVersions(db, 60_000);
    expect(v.known(['grids', 'incidents'])).toBeNull();
    expect(await v.of(['grids', 'incidents'])).toBe('3.7');
    expect(v.known(['grids', 'incidents'])).toBe('3.7');
    table.grids = 4;
    expect(v.known(['grids', 'incidents'])).toBe('3.7');
    v.invalidate();
    expect(v.known(['grids', 'incidents'])).toBeNull();
    expect(await v.of(['grids', 'incidents'])).toBe('4.7');
    expect(db.reads).toBe(2);
  });

  it('learns versions read with a tile, only forward, and reads when a client names a newer one', async () => {
    const table = { grids: 3, households: 1, incidents: 7 };
    const db = fakeDb(table);
    const v = new LayerVersions(db, 60_000);
    await v.of(['grids']);
    v.learn(['grids', 'households', 'incidents'], '5.1.7');
    expect(v.known(['grids', 'households', 'incidents'])).toBe('5.1.7');
    v.learn(['grids'], '4');
    expect(v.known(['grids'])).toBe('5');
    table.incidents = 9;
    expect(await v.of(['incidents'], '9')).toBe('9');
    expect(db.reads).toBe(2);
  });

  it('while listening, trusts versions read once and moves them by the bumps heard; polls again when it stops', async () => {
    const table = { grids: 3, incidents: 7 };
    const db = fakeDb(table);
    const v = new LayerVersions(db, 0);
    v.setListening(true);
    // Listening alone is not enough: the versions must have been read once after LISTEN.
    expect(v.known(['grids', 'incidents'])).toBeNull();
    await v.readAfterNow();
    await new Promise((r) => setTimeout(r, 5));
    // A maxAge of 0 would make every request read; listening, none does.
    expect(v.known(['grids', 'incidents'])).toBe('3.7');
    v.heard('grids:5');
    v.heard('grids:4');
    v.heard('incidents:not-a-number');
    expect(v.known(['grids', 'incidents'])).toBe('5.7');
    expect(db.reads).toBe(1);
    v.invalidate();
    expect(v.known(['grids'])).toBeNull();
    await v.of(['grids']);
    expect(v.known(['grids'])).toBe('5');
    v.setListening(false);
    await new Promise((r) => setTimeout(r, 5));
    expect(v.known(['grids'])).toBeNull();
  });

  it('does not count a read that started before an in-process edit as fresh', async () => {
    const table = { grids: 3 };
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const db = {
      async query() {
        const rows = Object.entries(table).map(([layer, version]) => ({ layer, version }));
        await gate;
        return { rows } as never;
      },
    };
    const v = new LayerVersions(db, 60_000);
    const reading = v.refresh();
    table.grids = 4;
    v.invalidate();
    release();
    await reading;
    expect(v.known(['grids'])).toBeNull();
    expect(await v.of(['grids'])).toBe('4');
  });

  it('compares composite versions part by part', () => {
    expect(isNewer('4.1.2', '3.1.2')).toBe(true);
    expect(isNewer('3.1.2', '3.1.2')).toBe(false);
    expect(isNewer('3.0.9', '3.1.2')).toBe(true);
    expect(isNewer('old', '3.1.2')).toBe(false);
    expect(isNewer('4.1', '3.1.2')).toBe(false);
  });
});
