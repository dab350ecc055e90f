import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { cellToBigint, hexToCell } from './h3cells.ts';

describe('H3 cells as 64-bit integers', () => {
  it('round-trips through the hex text SQL gives back (to_hex)', () => {
    for (const [lat, lng] of [[43.73, 7.42], [41.88, -87.63], [-33.9, 151.2], [55.0, -1.6]]) {
      for (const r of [7, 8, 9, 10, 11]) {
        const c = latLngToCell(lat, lng, r);
        expect(hexToCell(cellToBigint(c).toString(16))).toBe(c);
        expect(cellToBigint(c) < 2n ** 63n).toBe(true);
      }
    }
  });
});
