import { describe, expect, it } from 'vitest';
import { deadEndCuts, kdCuts, orientedRect } from './cuts.ts';

/** A 200 × 50 m block with two rows of 20 buildings of 10 households each (400 households). */
const rows = () => Array.from({ length: 40 }, (_, i) => ({ x: 5 + 10 * (i % 20), y: i < 20 ? 15 : 35, w: 10 }));
const box: [number, number][] = [[0, 0], [200, 0], [200, 50], [0, 50], [0, 0]];

const rotate = (deg: number) => {
  const a = (deg * Math.PI) / 180;
  return ([x, y]: [number, number]): [number, number] => [x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)];
};

describe('straight cuts between buildings (k-d tree in the block frame)', () => {
  it('halves a long block across its narrow side, in the gaps, until pieces hold at most the leaf', () => {
    const cuts = kdCuts(rows(), box, 100);
    // 400 → 200 + 200 → four pieces of 100: three cuts, all straight across the 50 m side.
    expect(cuts).toHaveLength(3);
    for (const c of cuts) {
      expect(c.x0).toBeCloseTo(c.x1, 9);
      expect(Math.abs(c.y1 - c.y0)).toBeCloseTo(51, 9);
    }
    expect(cuts.map((c) => c.x0).sort((a, b) => a - b)).toEqual([50, 100, 150]);
  });

  it('follows the block when it is rotated (the oriented envelope gives the frame)', () => {
    const r = rotate(30);
    const pts = rows().map((p) => { const [x, y] = r([p.x, p.y]); return { x, y, w: p.w }; });
    const cuts = kdCuts(pts, box.map(r), 100);
    expect(cuts).toHaveLength(3);
    // Each cut is perpendicular to the block's long side (direction 30°) and 51 m long.
    for (const c of cuts) {
      const dx = c.x1 - c.x0;
      const dy = c.y1 - c.y0;
      expect(Math.hypot(dx, dy)).toBeCloseTo(51, 6);
      expect(dx * Math.cos(Math.PI / 6) + dy * Math.sin(Math.PI / 6)).toBeCloseTo(0, 6);
    }
  });

  it('cuts a block above the band at whole targets and leaves pieces in the band whole', () => {
    // 300 × 50 m, two rows of 30 buildings of 10 households: 600 households, three targets of 200.
    const pts = Array.from({ length: 60 }, (_, i) => ({ x: 5 + 10 * (i % 30), y: i < 30 ? 15 : 35, w: 10 }));
    const block: [number, number][] = [[0, 0], [300, 0], [300, 50], [0, 50], [0, 0]];
    // 600 → 200 | 400 → 200 | 200 | 200: two straight cuts across the 50 m side, nothing more.
    const cuts = kdCuts(pts, block, 24, 200, [160, 240]);
    expect(cuts.map((c) => c.x0).sort((a, b) => a - b)).toEqual([100, 200]);
    for (const c of cuts) expect(c.x1).toBeCloseTo(c.x0, 9);
    // Without the band every piece is cut down to the leaf.
    expect(kdCuts(pts, block, 24, 200).length).toBeGreaterThan(20);
    // A piece below the band is still cut finely, so the regions can take parts of it: 300 → 150 | 150.
    const small = kdCuts(pts.filter((p) => p.x < 150), [[0, 0], [150, 0], [150, 50], [0, 50], [0, 0]], 24, 200, [160, 240]);
    expect(small.length).toBeGreaterThan(2);
  });

  it('cuts a wide piece the other way, and never through a gap narrower than half a metre', () => {
    // A square block whose buildings all stand on one line across it: only cuts between them.
    const line = Array.from({ length: 8 }, (_, i) => ({ x: 50, y: 5 + 12 * i, w: 30 }));
    const cuts = kdCuts(line, [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]], 60);
    expect(cuts.length).toBeGreaterThan(0);
    for (const c of cuts) {
      expect(c.y0).toBeCloseTo(c.y1, 9);
      for (const p of line) expect(Math.abs(p.y - c.y0)).toBeGreaterThan(0.25);
    }
    // Buildings on one spot (or closer than the gap) are never separated; one building alone is never cut.
    expect(kdCuts([{ x: 10, y: 10, w: 500 }, { x: 10.2, y: 10.1, w: 500 }], box, 100)).toEqual([]);
    expect(kdCuts([{ x: 10, y: 10, w: 500 }], box, 100)).toEqual([]);
  });

  it('frames a block by its minimum-area rectangle, the same whatever the outline\'s start and direction', () => {
    // A 200 × 50 m block turned by 30°, with a notch (a concave vertex) and a collinear vertex.
    const r = rotate(30);
    const outline: [number, number][] = [[0, 0], [100, 0], [200, 0], [200, 50], [120, 50], [110, 30], [100, 50], [0, 50], [0, 0]].map((p) => r(p as [number, number]));
    const ring = orientedRect(outline);
    expect(ring).toHaveLength(5);
    const side = (i: number) => Math.hypot(ring[i + 1][0] - ring[i][0], ring[i + 1][1] - ring[i][1]);
    expect([side(0), side(1)].sort((a, b) => a - b).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([50, 200]);
    // The first edge runs at an angle in [0°, 90°): here along the block's long side (30°).
    expect(Math.atan2(ring[1][1] - ring[0][1], ring[1][0] - ring[0][0]) * 180 / Math.PI).toBeCloseTo(30, 6);
    // Rotating the outline's start vertex or reversing it gives the same rectangle, corner for corner.
    const open = outline.slice(0, -1);
    for (const variant of [[...open.slice(3), ...open.slice(0, 3)], open.slice().reverse()]) {
      const other = orientedRect([...variant, variant[0]]);
      other.forEach(([x, y], i) => { expect(x).toBeCloseTo(ring[i][0], 6); expect(y).toBeCloseTo(ring[i][1], 6); });
    }
    // The straight cuts in that frame cross the block's narrow side.
    const pts = rows().map((p) => { const [x, y] = r([p.x, p.y]); return { x, y, w: p.w }; });
    for (const c of kdCuts(pts, ring, 100)) expect(Math.hypot(c.x1 - c.x0, c.y1 - c.y0)).toBeCloseTo(51, 6);
  });
});

describe('dead ends continued across their block', () => {
  // A 100 × 60 m block; a street enters from the south edge at x = 40 and stops at y = 25.
  const rim: [number, number][] = [[0, 0], [100, 0], [100, 60], [0, 60], [0, 0]];
  const street: [number, number][] = [[40, 0], [40, 25]];
  const end = { px: 40, py: 25, qx: 40, qy: 15 };

  it('runs from the dead end, in the street\'s direction, to the opposite edge and 0.5 m past it', () => {
    const cuts = deadEndCuts([end], [rim, street], 80);
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({ end: 0, x0: 40, y0: 25 });
    expect(cuts[0].x1).toBeCloseTo(40, 9);
    expect(cuts[0].y1).toBeCloseTo(60.5, 9);
  });

  it('stops at the first line it meets inside the block, not at lines beside its way', () => {
    const path: [number, number][] = [[20, 45], [60, 45]];
    const aside: [number, number][] = [[0, 35], [30, 35]];
    const cuts = deadEndCuts([end], [rim, street, aside, path], 80);
    expect(cuts[0].y1).toBeCloseTo(45.5, 9);
  });

  it('follows an oblique street and drops continuations longer than the limit', () => {
    // Enters at (0, 0) at 45°, stops at (20, 20): the continuation meets the north edge at (60, 60).
    const diag: [number, number][] = [[0, 0], [20, 20]];
    const oblique = { px: 20, py: 20, qx: 10, qy: 10 };
    const [c] = deadEndCuts([oblique], [rim, diag], 80);
    expect(c.x1).toBeCloseTo(60 + 0.5 / Math.SQRT2, 9);
    expect(c.y1).toBeCloseTo(60 + 0.5 / Math.SQRT2, 9);
    expect(deadEndCuts([oblique], [rim, diag], 50)).toEqual([]);
    expect(deadEndCuts([end], [rim, street], 30)).toEqual([]);
  });
});
