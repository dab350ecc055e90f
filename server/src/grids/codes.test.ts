import { describe, expect, it } from 'vitest';
import { generateCodes, maxSequence, standardOrder } from './codes.ts';

describe('standard code order', () => {
  it('numbers a 3×3 block west to east, north to south', () => {
    // Given shuffled: (col, row) with row 0 = north.
    const cells = [[2, 2], [0, 0], [1, 1], [2, 0], [0, 2], [1, 0], [0, 1], [2, 1], [1, 2]];
    const items = cells.map(([c, r]) => ({ x: 116.4 + c * 0.01, y: 39.92 - r * 0.01 }));
    const codes = generateCodes('110101001', items);
    const byPosition = Object.fromEntries(cells.map(([c, r], i) => [`${c},${r}`, codes[i]]));
    expect(['0,0', '1,0', '2,0', '0,1', '1,1', '2,1', '0,2', '1,2', '2,2'].map((k) => byPosition[k])).toEqual(
      ['110101001001', '110101001002', '110101001003', '110101001004', '110101001005', '110101001006', '110101001007', '110101001008', '110101001009']);
  });

  it('continues after the highest sequence and skips taken codes', () => {
    const items = [{ x: 1, y: 1 }, { x: 2, y: 1 }];
    expect(generateCodes('P', items, { start: maxSequence('P', ['P004', 'P002', 'Q999']) + 1, taken: new Set(['P006']) })).toEqual(['P005', 'P007']);
  });

  it('widens the sequence past 999 and orders a single row by x', () => {
    expect(standardOrder([{ x: 3, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }])).toEqual([1, 2, 0]);
    expect(generateCodes('', [{ x: 0, y: 0 }], { start: 1000 })).toEqual(['1000']);
  });
});
