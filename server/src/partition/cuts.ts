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

/**
 * The minimum-area rectangle around a block's outline (metres), as a closed ring whose first
 * edge runs at an angle in [0°, 90°): the frame of the cuts. Computed here rather than with
 * ST_OrientedEnvelope, whose rectangle and vertex order differ between GEOS versions (3.11 on
 * PostgreSQL, 3.14 embedded: 457 of 457 Helsinki footprints came out differently, some as a
 * different rectangle), which made the two databases cut the same block differently. Depends
 * only on the set of points, not their order.
 */
export function orientedRect(outline: [number, number][]): [number, number][] {
  const hull = convexHull(outline);
  if (hull.length < 2) return [];
  let best: { area: number; theta: number; u0: number; u1: number; v0: number; v1: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    if (ax === bx && ay === by) continue;
    let theta = Math.atan2(by - ay, bx - ax);
    theta = ((theta % (Math.PI / 2)) + Math.PI / 2) % (Math.PI / 2);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    let u0 = Infinity; let u1 = -Infinity; let v0 = Infinity; let v1 = -Infinity;
    for (const [x, y] of hull) {
      const u = x * c + y * s;
      const v = -x * s + y * c;
      if (u < u0) u0 = u; if (u > u1) u1 = u; if (v < v0) v0 = v; if (v > v1) v1 = v;
    }
    const area = (u1 - u0) * (v1 - v0);
    // Equal areas (a square, rounding): the smaller angle, so the choice does not depend on where the hull starts.
    if (!best || area < best.area * (1 - 1e-9) || (area <= best.area * (1 + 1e-9) && theta < best.theta)) best = { area, theta, u0, u1, v0, v1 };
  }
  if (!best) return [];
  const c = Math.cos(best.theta);
  const s = Math.sin(best.theta);
  const at = (u: number, v: number): [number, number] => [u * c - v * s, u * s + v * c];
  const first = at(best.u0, best.v0);
  return [first, at(best.u1, best.v0), at(best.u1, best.v1), at(best.u0, best.v1), first];
}

/** Andrew's monotone chain; counter-clockwise, without collinear points. */
function convexHull(points: [number, number][]): [number, number][] {
  const pts = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Gaps narrower than this (m) between two buildings' projections are not cut through. */
const MIN_GAP_M = 0.5;

/**
 * @param pts the buildings' points (metres) with their households
 * @param envelope the block's oriented envelope (its ring's corners, metres)
 * @param leaf a piece holding at most this many households is not cut further
 * @param target pieces of two or more targets are cut at whole targets (else halved)
 * @param whole a piece whose households fall in this range (the band) is not cut further
 */
export function kdCuts(pts: { x: number; y: number; w: number }[], envelope: [number, number][], leaf: number, target = 0, whole?: [number, number]): Segment[] {
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
    if (whole && total >= whole[0] && total <= whole[1]) return;
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

/** A dead end of a barrier line inside a block: its free end P and a point Q back along the line (metres). */
export interface DeadEnd { px: number; py: number; qx: number; qy: number }

/**
 * Cuts that continue dead-end streets and paths across their block: from each dead end P, in
 * the direction Q → P, to the first line of the block it meets (the block's outline or another
 * line inside it), and 0.5 m past it so the noding closes the piece (the overshoot is a dangle
 * that polygonizing drops). A street that enters a block and stops becomes, with its
 * continuation, a line across the block: the regionalisation can split the block along the
 * street (on a barrier) and pay for the continuation only, instead of cutting between
 * buildings elsewhere. Continuations longer than `maxLen` metres, or meeting nothing, are
 * dropped. Pure and deterministic; all in metres. Each segment starts at its P.
 */
export function deadEndCuts(ends: DeadEnd[], lines: [number, number][][], maxLen: number): (Segment & { end: number })[] {
  const out: (Segment & { end: number })[] = [];
  ends.forEach((e, i) => {
    const dx0 = e.px - e.qx;
    const dy0 = e.py - e.qy;
    const n = Math.hypot(dx0, dy0);
    if (!(n > 0)) return;
    const dx = dx0 / n;
    const dy = dy0 / n;
    let best = Infinity;
    for (const line of lines) {
      for (let k = 0; k + 1 < line.length; k++) {
        const [ax, ay] = line[k];
        const [bx, by] = line[k + 1];
        const sx = bx - ax;
        const sy = by - ay;
        const den = dx * sy - dy * sx;
        if (Math.abs(den) < 1e-12) continue;
        // P + t·d = A + s·(B − A)
        const t = ((ax - e.px) * sy - (ay - e.py) * sx) / den;
        const s = ((ax - e.px) * dy - (ay - e.py) * dx) / den;
        // t > 0.5 m: the line the dead end belongs to passes through P itself.
        if (s >= 0 && s <= 1 && t > 0.5 && t < best) best = t;
      }
    }
    if (best > maxLen) return;
    out.push({ end: i, x0: e.px, y0: e.py, x1: e.px + (best + 0.5) * dx, y1: e.py + (best + 0.5) * dy });
  });
  return out;
}
