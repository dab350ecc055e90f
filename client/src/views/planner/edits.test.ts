import { describe, expect, it } from 'vitest';
import type { BlockProps, GridFeature } from './api.ts';
import { appliedEdit, applyMoves, mergeEdit, moveEdit, neighbours } from './edits.ts';

const block = (id: number, gridSeq: number): BlockProps => ({ id, face: id, zone: 1, households: 10, population: 27, gridSeq });
const square = (seq: number, x: number, y: number, w = 1): GridFeature => ({
  type: 'Feature',
  geometry: { type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + 1], [x, y + 1], [x, y]]] },
  properties: { seq, code: `00${seq}`, households: 0, population: 0, areaM2: null, polsbyPopper: null, barrierShare: {}, deviation: null, flag: null, flagReason: null },
});

describe('planner edits', () => {
  const blocks = [block(1, 1), block(2, 1), block(3, 2), block(4, 2), block(5, 3)];

  it('a merge moves every block of one grid into the other, and its inverse moves them back', () => {
    const e = mergeEdit(blocks, 2, 1);
    expect(e.moves).toEqual([{ block: 3, to: 1 }, { block: 4, to: 1 }]);
    expect(e.inverse).toEqual([{ block: 3, to: 2 }, { block: 4, to: 2 }]);
    const after = applyMoves(blocks, e.moves);
    expect(after.filter((b) => b.gridSeq === 2)).toEqual([]);
    expect(applyMoves(after, e.inverse)).toEqual(blocks);
    expect(blocks[2].gridSeq).toBe(2); // input untouched
    expect(() => mergeEdit(blocks, 1, 1)).toThrow();
    expect(() => mergeEdit(blocks, 9, 1)).toThrow();
  });

  it('a move leaves out blocks already in the target and records where each came from', () => {
    const e = moveEdit(blocks, [2, 3, 5], 2);
    expect(e.moves).toEqual([{ block: 2, to: 2 }, { block: 5, to: 2 }]);
    expect(e.inverse).toEqual([{ block: 2, to: 1 }, { block: 5, to: 3 }]);
    expect(e.from).toEqual([1, 3]);
    expect(() => moveEdit(blocks, [3], 2)).toThrow('nothing to move');
  });

  it('a split or redraw the server computed becomes moves and their exact inverse', () => {
    const e = appliedEdit('split', [{ block: 1, from: 1, to: 7 }, { block: 2, from: 1, to: 7 }]);
    expect(e).toMatchObject({ kind: 'split', into: 7, from: [1] });
    expect(e.moves).toEqual([{ block: 1, to: 7 }, { block: 2, to: 7 }]);
    expect(applyMoves(applyMoves(blocks, e.moves), e.inverse)).toEqual(blocks);
    expect(() => appliedEdit('redraw', [])).toThrow('nothing moved');
  });

  it('neighbours share an edge (two vertices), not a corner', () => {
    const grids = [square(1, 0, 0), square(2, 1, 0), square(3, 2, 1)];
    const n = neighbours(grids);
    expect(n.get(1)).toEqual([2]);
    expect(n.get(2)).toEqual([1]); // 2 and 3 touch only at (2,1)
    expect(n.get(3)).toEqual([]);
  });
});
