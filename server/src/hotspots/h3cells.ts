/**
 * H3 cells of incidents and household points at resolutions 7–11, stored as 64-bit integers in
 * side tables (migration 0006) and filled here on demand: before an analysis, rows that have no
 * cells yet (new, imported, moved or recategorised) get them, in batches.
 */
import { latLngToCell } from 'h3-js';
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';

export const RESOLUTIONS = [7, 8, 9, 10, 11] as const;
const BATCH = 50_000;

export const cellToBigint = (cell: string) => BigInt(`0x${cell}`);
/** A cell from the hex text SQL gives with to_hex(h3_N). */
export const hexToCell = (hex: string) => hex.toLowerCase().padStart(15, '0');

const KINDS = {
  incidents: { complete: 'sql/h3-complete-incidents.sql', missing: 'sql/h3-missing-incidents.sql', insert: 'sql/h3-insert-incidents.sql' },
  households: { complete: 'sql/h3-complete-households.sql', missing: 'sql/h3-missing-households.sql', insert: 'sql/h3-insert-households.sql' },
} as const;

/** Fills missing H3 cells for one jurisdiction's incidents or households; returns how many were filled. */
export async function fillCells(q: Queryable, kind: keyof typeof KINDS, jurisdictionId: number): Promise<number> {
  const files = KINDS[kind];
  const { rows: state } = await q.query<{ complete: boolean }>(sqlFile(import.meta.url, files.complete), [jurisdictionId]);
  if (state[0]?.complete) return 0;
  const { rows } = await q.query<{ id: number; x: number; y: number }>(sqlFile(import.meta.url, files.missing), [jurisdictionId]);
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const cells = RESOLUTIONS.map((res) => batch.map((r) => cellToBigint(latLngToCell(r.y, r.x, res)).toString()));
    await q.query(sqlFile(import.meta.url, files.insert), [batch.map((r) => r.id), ...cells]);
  }
  return rows.length;
}
