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

  it('compares composite versions part by part', () => {
    expect(isNewer('4.1.2', '3.1.2')).toBe(true);
    expect(isNewer('3.1.2', '3.1.2')).toBe(false);
    expect(isNewer('3.0.9', '3.1.2')).toBe(true);
    expect(isNewer('old', '3.1.2')).toBe(false);
    expect(isNewer('4.1', '3.1.2')).toBe(false);
  });
});
