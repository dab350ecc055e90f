import { describe, expect, it } from 'vitest';
import { bisect } from './bisect.ts';
import type { Edge } from './regionalize.ts';

const unit = (id: number, w: number, face = id) => ({ id, face, w, area: 100 });

describe('bisect: two contiguous parts of one grid within [lo, hi]', () => {
  it('finds the balanced cut of a chain, on a barrier rather than inside a block', () => {
    // 1-2-3-4-5-6, 20 each (120); 2, 3 and 4 lie in one block (face 9), so the edges 2-3 and 3-4
    // run inside it. At 35–65 % only the cut after 3 (60/60) is in the band: it is taken, though
    // it cuts through the block.
    const units = [unit(1, 20), unit(2, 20, 9), unit(3, 20, 9), unit(4, 20, 9), unit(5, 20), unit(6, 20)];
    const edges: Edge[] = [1, 2, 3, 4, 5].map((a) => ({ a, b: a + 1, len: 10 }));
    const r = bisect(units, edges, 0.35 * 120, 0.65 * 120, 4)!;
    expect(r.part).toEqual([4, 5, 6]);
    expect(r.w).toBe(60);
    // At 30–70 % the cuts after 2 and after 4 (40/80, 80/40) are in the band too; when an inside
    // edge is expensive enough, the cut on the barrier between 4 and 5 wins over the even one.
    const wide = bisect(units, edges, 0.3 * 120, 0.7 * 120, 100)!;
    expect(wide.part).toEqual([5, 6]);
    expect(bisect(units, edges, 0.3 * 120, 0.7 * 120, 1)!.part).toEqual([4, 5, 6]);
  });

  it('keeps both parts in one piece on a grid of blocks', () => {
    // A 4 × 4 lattice of blocks, weights 1..16.
    const units = Array.from({ length: 16 }, (_, i) => unit(i + 1, i + 1));
    const edges: Edge[] = [];
    for (let i = 0; i < 16; i++) {
      if (i % 4 < 3) edges.push({ a: i + 1, b: i + 2, len: 10 });
      if (i < 12) edges.push({ a: i + 1, b: i + 5, len: 10 });
    }
    const W = 136;
    const r = bisect(units, edges, 0.35 * W, 0.65 * W, 4)!;
    expect(r.w).toBeGreaterThanOrEqual(0.35 * W);
    expect(r.w).toBeLessThanOrEqual(0.65 * W);
    expect(r.part).not.toContain(1);
    const connected = (ids: number[]) => {
      const set = new Set(ids);
      const seen = new Set([ids[0]]);
      const stack = [ids[0]];
      while (stack.length) {
        const c = stack.pop()!;
        for (const e of edges) for (const [x, y] of [[e.a, e.b], [e.b, e.a]]) if (x === c && set.has(y) && !seen.has(y)) { seen.add(y); stack.push(y); }
      }
      return seen.size === set.size;
    };
    expect(connected(r.part)).toBe(true);
    expect(connected(units.map((u) => u.id).filter((id) => !r.part.includes(id)))).toBe(true);
  });

  it('gives null when one block holds too much or the blocks are not one piece', () => {
    const star = [unit(1, 70), unit(2, 10), unit(3, 10), unit(4, 10)];
    expect(bisect(star, [{ a: 1, b: 2, len: 5 }, { a: 1, b: 3, len: 5 }, { a: 1, b: 4, len: 5 }], 35, 65, 4)).toBeNull();
    expect(bisect([unit(1, 50), unit(2, 50)], [], 35, 65, 4)).toBeNull();
    expect(bisect([unit(1, 50)], [], 35, 65, 4)).toBeNull();
  });
});
