import { describe, expect, it } from 'vitest';
import { buildLattice, NO_GRID, UNKNOWN, wkbRings, type LatticeGrid } from './import-lattice.ts';

type Ring = [number, number][];

/** WKB of a MultiPolygon (polygons of rings), little- or big-endian. */
function wkb(polygons: Ring[][], le = true): Buffer {
  const parts: Buffer[] = [];
  const head = (type: number, n: number) => {
    const b = Buffer.alloc(9);
    b[0] = le ? 1 : 0;
    if (le) { b.writeUInt32LE(type, 1); b.writeUInt32LE(n, 5); } else { b.writeUInt32BE(type, 1); b.writeUInt32BE(n, 5); }
    return b;
  };
  parts.push(head(6, polygons.length));
  for (const rings of polygons) {
    parts.push(head(3, rings.length));
    for (const ring of rings) {
      const b = Buffer.alloc(4 + ring.length * 16);
      if (le) b.writeUInt32LE(ring.length, 0); else b.writeUInt32BE(ring.length, 0);
      ring.forEach(([x, y], i) => {
        if (le) { b.writeDoubleLE(x, 4 + i * 16); b.writeDoubleLE(y, 12 + i * 16); } else { b.writeDoubleBE(x, 4 + i * 16); b.writeDoubleBE(y, 12 + i * 16); }
      });
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

const box = (x0: number, y0: number, x1: number, y1: number): Ring => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

function grid(rank: number, polygons: Ring[][], valid = true): LatticeGrid {
  const pts = polygons.flat(2);
  return {
    rank, valid, wkb: wkb(polygons),
    xmin: Math.min(...pts.map((p) => p[0])), ymin: Math.min(...pts.map((p) => p[1])),
    xmax: Math.max(...pts.map((p) => p[0])), ymax: Math.max(...pts.map((p) => p[1])),
  };
}

/** Even-odd point in polygon, for points well away from every edge. */
function inside(polygons: Ring[][], x: number, y: number): boolean {
  let odd = false;
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [xa, ya] = ring[i], [xb, yb] = ring[i + 1];
      if ((ya <= y) !== (yb <= y) && x < xa + ((y - ya) * (xb - xa)) / (yb - ya)) odd = !odd;
    }
  }
  return odd;
}

/** Distance from a point to the nearest edge of any ring. */
function edgeDistance(polygons: Ring[][], x: number, y: number): number {
  let best = Infinity;
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [xa, ya] = ring[i], [xb, yb] = ring[i + 1];
      const dx = xb - xa, dy = yb - ya;
      const t = Math.max(0, Math.min(1, ((x - xa) * dx + (y - ya) * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(x - (xa + t * dx), y - (ya + t * dy)));
    }
  }
  return best;
}

// Far from 0,0 like real coordinates: a unit grid cut diagonally, a grid with a hole, a grid in
// two parts, one smaller than a lattice cell, the community holding them (rank after the
// leaves, as sql/import-grids.sql ranks them), and a bow-tie that is not valid.
const X = 116.4, Y = 39.9;
const shapes: { rank: number; polygons: Ring[][]; valid?: boolean }[] = [
  { rank: 1, polygons: [[[[X, Y], [X + 0.01, Y], [X, Y + 0.01], [X, Y]]]] },
  { rank: 2, polygons: [[[[X + 0.01, Y], [X + 0.01, Y + 0.01], [X, Y + 0.01], [X + 0.01, Y]]]] },
  { rank: 3, polygons: [[box(X + 0.01, Y, X + 0.02, Y + 0.01), box(X + 0.013, Y + 0.003, X + 0.017, Y + 0.007).reverse()]] },
  { rank: 4, polygons: [[box(X, Y + 0.01, X + 0.004, Y + 0.014)], [box(X + 0.006, Y + 0.01, X + 0.01, Y + 0.014)]] },
  { rank: 5, polygons: [[box(X + 0.0140001, Y + 0.0040001, X + 0.0140009, Y + 0.0040009)]] },
  { rank: 6, polygons: [[box(X, Y, X + 0.02, Y + 0.02)]] },
  { rank: 7, polygons: [[[[X + 0.02, Y + 0.02], [X + 0.03, Y + 0.03], [X + 0.03, Y + 0.02], [X + 0.02, Y + 0.03], [X + 0.02, Y + 0.02]]]], valid: false },
];
const grids = shapes.map((s) => grid(s.rank, s.polygons, s.valid ?? true));

describe('wkbRings', () => {
  it('reads polygons and multipolygons in either byte order, and nothing else', () => {
    const rings = wkbRings(wkb(shapes[2].polygons, false))!;
    expect(rings).toHaveLength(2);
    expect([...rings[1]]).toEqual(shapes[2].polygons[0][1].flat());
    expect(wkbRings(wkb(shapes[3].polygons))).toHaveLength(2);
    const polygon = wkb(shapes[0].polygons).subarray(9);
    expect([...wkbRings(polygon)![0]]).toEqual(shapes[0].polygons[0][0].flat());
    const point = Buffer.alloc(21); point[0] = 1; point.writeUInt32LE(1, 1);
    expect(wkbRings(point)).toBeNull();
    const z = Buffer.from(polygon); z.writeUInt32LE(1003, 1);
    expect(wkbRings(z)).toBeNull();
    expect(wkbRings(polygon.subarray(0, 20))).toBeNull();
  });
});

describe('buildLattice', () => {
  it('answers only where the answer is certain: the least rank holding the point, or no grid', () => {
    for (const cells of [16, 1000, 50_000, 1 << 20]) {
      const lattice = buildLattice(grids, cells)!;
      expect(lattice.cells).toBeLessThanOrEqual(Math.max(cells, 16));
      let seed = 3, answered = 0;
      const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
      const wrong: unknown[] = [];
      for (let i = 0; i < 20_000; i++) {
        const x = X - 0.005 + rnd() * 0.04, y = Y - 0.005 + rnd() * 0.04;
        const got = lattice.locate(x, y);
        if (got === UNKNOWN) continue;
        answered++;
        // No answer near an edge, and none in the invalid grid's box.
        const near = shapes.some((s) => s.valid !== false && edgeDistance(s.polygons, x, y) <= 1e-9);
        const invalid = x >= X + 0.02 && x <= X + 0.03 && y >= Y + 0.02 && y <= Y + 0.03;
        const holding = shapes.filter((s) => s.valid !== false && inside(s.polygons, x, y)).map((s) => s.rank);
        const want = holding.length ? Math.min(...holding) : NO_GRID;
        if (near || invalid || got !== want) wrong.push({ cells, x, y, got, want, near, invalid });
      }
      expect(wrong).toEqual([]);
      // A fine lattice answers for most points; a coarse one for few but still right.
      if (cells >= 50_000) expect(answered).toBeGreaterThan(15_000);
    }
  });

  it('leaves points on edges and vertices to the database, and knows the outside', () => {
    const lattice = buildLattice(grids)!;
    for (const [x, y] of [[X, Y], [X + 0.005, Y + 0.005], [X + 0.01, Y + 0.005], [X + 0.013, Y + 0.005], [X + 0.004, Y + 0.012],
      [X + 0.0140001, Y + 0.0040005], [X + 0.02, Y + 0.01], [X + 0.025, Y + 0.025], [X + 0.0050000000001, Y + 0.0049999999999]]) {
      expect(lattice.locate(x, y)).toBe(UNKNOWN);
    }
    expect(lattice.locate(X - 1, Y)).toBe(NO_GRID);
    expect(lattice.locate(X + 0.001, Y + 0.019)).toBe(6);
    expect(lattice.locate(X + 0.015, Y + 0.005)).toBe(6);
    expect(lattice.locate(X + 0.0015, Y + 0.001)).toBe(1);
  });

  it('builds nothing without grids', () => {
    expect(buildLattice([{ rank: 1, valid: true, wkb: null, xmin: null, ymin: null, xmax: null, ymax: null }])).toBeNull();
  });
});
