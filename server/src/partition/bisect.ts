import type { Edge } from './regionalize.ts';

/**
 * Two contiguous parts of one grid's blocks, balanced by weight (the split edit). Every part of
 * a spanning tree cut at one edge is connected, and so is the rest of the tree: so each tree
 * edge of a breadth-first tree gives a contiguous bipartition. Trees from every block as root
 * (from an evenly spread sample of 64 when there are more) are searched; among the parts within
 * [lo, hi] of the total, the one with the lowest cost wins: squared deviation from half plus the
 * cut's length (an edge inside a barrier face costs `insideCost` times its length, as in the
 * regionalisation) over the grid's size. Blocks are never cut. Pure and deterministic.
 */

export interface BisectUnit { id: number; face: number; w: number; area: number }

const MAX_ROOTS = 64;

/** The ids of the part without the lowest unit id, or null when no contiguous part lies within [lo, hi]. */
export function bisect(units: BisectUnit[], edges: Edge[], lo: number, hi: number, insideCost: number): { part: number[]; w: number } | null {
  const n = units.length;
  if (n < 2) return null;
  const index = new Map(units.map((u, i) => [u.id, i]));
  const nbrs: { m: number; c: number }[][] = units.map(() => []);
  for (const e of edges) {
    const a = index.get(e.a);
    const b = index.get(e.b);
    // Every shared line counts, however short (a grid that is one piece may hang together by a
    // few millimetres of edge); units touching at a point only (length 0) are not neighbours.
    if (a === undefined || b === undefined || a === b || !(e.len > 0)) continue;
    const c = e.len * (units[a].face === units[b].face ? insideCost : 1);
    nbrs[a].push({ m: b, c });
    nbrs[b].push({ m: a, c });
  }
  for (const list of nbrs) list.sort((x, y) => x.m - y.m);
  const W = units.reduce((s, u) => s + u.w, 0);
  const scale = 4 * Math.sqrt(units.reduce((s, u) => s + u.area, 0) / 2) || 1;
  const roots = n <= MAX_ROOTS ? units.map((_, i) => i) : Array.from({ length: MAX_ROOTS }, (_, k) => Math.floor((k * n) / MAX_ROOTS));

  let best: { cost: number; inPart: Uint8Array; w: number } | null = null;
  const parent = new Int32Array(n);
  const order: number[] = [];
  const sub = new Float64Array(n);
  const inPart = new Uint8Array(n);
  for (const root of roots) {
    // Breadth-first tree from root.
    parent.fill(-2);
    parent[root] = -1;
    order.length = 0;
    order.push(root);
    for (let q = 0; q < order.length; q++) for (const { m } of nbrs[order[q]]) if (parent[m] === -2) { parent[m] = order[q]; order.push(m); }
    if (order.length < n) return null; // the grid is not one piece in the block graph
    sub.fill(0);
    for (let q = n - 1; q >= 0; q--) { const v = order[q]; sub[v] += units[v].w; if (parent[v] >= 0) sub[parent[v]] += sub[v]; }
    for (let q = 1; q < n; q++) {
      const v = order[q];
      if (sub[v] < lo || sub[v] > hi) continue;
      // The subtree of v; its cut.
      inPart.fill(0);
      inPart[v] = 1;
      for (let r = q + 1; r < n; r++) { const x = order[r]; if (inPart[parent[x]]) inPart[x] = 1; }
      let cut = 0;
      for (let x = 0; x < n; x++) if (inPart[x]) for (const { m, c } of nbrs[x]) if (!inPart[m]) cut += c;
      const d = (sub[v] - W / 2) / (W / 2);
      const cost = d * d + cut / scale;
      if (!best || cost < best.cost - 1e-12) best = { cost, inPart: inPart.slice(), w: sub[v] };
    }
  }
  if (!best) return null;
  // Name the part without the lowest id (that one keeps the grid's seq and code).
  let minI = 0;
  for (let i = 1; i < n; i++) if (units[i].id < units[minI].id) minI = i;
  const keep = best.inPart[minI];
  const part = units.filter((_, i) => best.inPart[i] !== keep).map((u) => u.id).sort((a, b) => a - b);
  return { part, w: keep ? W - best.w : best.w };
}
