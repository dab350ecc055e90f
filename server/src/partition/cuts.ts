/**
 * Straight cuts between buildings for a block above the split threshold: a k-d tree over the
 * block's building points in the frame of the block's oriented envelope. Each piece (a rectangle
 * of that frame, starting with the envelope) is halved by households with one straight line
 * across its longer side, placed midway in a gap between two buildings, until a piece holds at
 * most `leaf` households or one building. The regionalisation then cuts the block along a few
 * of these lines: straight and across the piece's narrow side, so much shorter than a path of
 * Voronoi edges between single buildings. Pure and deterministic; all in metres.
 */

export interface Segment { x0: number; y0: number; x1: number; y1: number }

/** Gaps narrower than this (m) between two buildings' projections are not cut through. */
const MIN_GAP_M = 0.5;

/**
 * @param pts the buildings' points (metres) with their households
 * @param envelope the block's oriented envelope (its ring's corners, metres)
 * @param leaf a piece holding at most this many households is not cut further
 */
export function kdCuts(pts: { x: number; y: number; w: number }[], envelope: [number, number][], leaf: number, target = 0): Segment[] {
  if (pts.length < 2 || envelope.length < 4) return [];
  // The frame: u along the envelope's first edge, v across it.
  const [ox, oy] = envelope[0];
  const ex = envelope[1][0] - ox;
  const ey = envelope[1][1] - oy;
  const len = Math.hypot(ex, ey);
  if (!(len > 0)) return [];
  const cx = ex / len;
  const cy = ey / len;
  const toU = (x: number, y: number) => (x - ox) * cx + (y - oy) * cy;
  const toV = (x: number, y: number) => -(x - ox) * cy + (y - oy) * cx;
  const back = (u: number, v: number): [number, number] => [ox + u * cx - v * cy, oy + u * cy + v * cx];
  const us = envelope.map(([x, y]) => toU(x, y));
  const vs = envelope.map(([x, y]) => toV(x, y));
  // A hair wider than the envelope, so the first cut crosses the whole block.
  const pad = 0.5;
  const local = pts.map((p) => ({ u: toU(p.x, p.y), v: toV(p.x, p.y), w: p.w }));
  const out: Segment[] = [];

  const cut = (items: typeof local, u0: number, u1: number, v0: number, v1: number, depth: number) => {
    const total = items.reduce((s, p) => s + p.w, 0);
    if (total <= leaf || items.length < 2 || depth > 40) return;
    // Across the longer side of the piece; the other direction when no gap allows it.
    const alongU = u1 - u0 >= v1 - v0;
    for (const axis of alongU ? ['u', 'v'] as const : ['v', 'u'] as const) {
      const sorted = items.slice().sort((a, b) => a[axis] - b[axis] || a.w - b.w);
      // A piece of m ≥ 2 targets is cut at the share floor(m/2)/m, so the pieces end up holding whole
      // targets; smaller pieces are halved.
      const m = target > 0 ? Math.round(total / target) : 0;
      const share = m >= 2 ? Math.floor(m / 2) / m : 0.5;
      let cum = 0;
      let best = -1;
      let bestScore = Infinity;
      for (let i = 0; i < sorted.length - 1; i++) {
        cum += sorted[i].w;
        if (sorted[i + 1][axis] - sorted[i][axis] < MIN_GAP_M) continue;
        const score = Math.abs(cum - total * share);
        if (score < bestScore) { bestScore = score; best = i; }
      }
      if (best < 0) continue;
      const at = (sorted[best][axis] + sorted[best + 1][axis]) / 2;
      const lo = sorted.slice(0, best + 1);
      const hi = sorted.slice(best + 1);
      if (axis === 'u') {
        const [x0, y0] = back(at, v0 - pad);
        const [x1, y1] = back(at, v1 + pad);
        out.push({ x0, y0, x1, y1 });
        cut(lo, u0, at, v0, v1, depth + 1);
        cut(hi, at, u1, v0, v1, depth + 1);
      } else {
        const [x0, y0] = back(u0 - pad, at);
        const [x1, y1] = back(u1 + pad, at);
        out.push({ x0, y0, x1, y1 });
        cut(lo, u0, u1, v0, at, depth + 1);
        cut(hi, u0, u1, at, v1, depth + 1);
      }
      return;
    }
  };
  cut(local, Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs), 0);
  return out;
}
