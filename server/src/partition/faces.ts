import type { Node } from './component.ts';

/**
 * Face consolidation, a move of the local search that single-unit moves cannot make: a block
 * (face of the barrier network) that was cut between buildings and whose pieces lie in two or
 * more regions is given whole to one of them when that lowers the cost (balance + cut length).
 * Single moves get stuck there: taking one piece across first adds cut inside the block before
 * the last piece removes it. Memory linear in the component; deterministic (faces and regions
 * visited in order).
 */
export function consolidateFaces(
  nodes: Node[], comp: number[], region: Map<number, number>, members: Set<number>[], rw: Float64Array,
  pen: (w: number) => number, scale: number,
): number {
  const byFace = new Map<number, number[]>();
  for (const u of comp) {
    const f = nodes[u].face;
    const list = byFace.get(f);
    if (list) list.push(u); else byFace.set(f, [u]);
  }
  let moved = 0;
  for (const face of [...byFace.keys()].sort((a, b) => a - b)) {
    const list = byFace.get(face) as number[];
    if (list.length < 2) continue;
    const regions = [...new Set(list.map((u) => region.get(u) as number))].sort((a, b) => a - b);
    if (regions.length < 2) continue;
    let best = -1;
    let bestDelta = -1e-9;
    for (const r of regions) {
      const group = list.filter((u) => region.get(u) !== r);
      const inGroup = new Set(group);
      const loss = new Map<number, number>();
      let wG = 0;
      for (const u of group) { const a = region.get(u) as number; loss.set(a, (loss.get(a) ?? 0) + nodes[u].w); wG += nodes[u].w; }
      let dBal = pen(rw[r] + wG) - pen(rw[r]);
      for (const [a, w] of loss) dBal += pen(rw[a] - w) - pen(rw[a]);
      let dCut = 0;
      for (const u of group) {
        const ru = region.get(u) as number;
        for (const [m, c] of nodes[u].nbrs) {
          const rm = region.get(m);
          if (rm === undefined) continue;
          if (inGroup.has(m)) { if (u < m && rm !== ru) dCut -= c; continue; }
          dCut += (rm !== r ? c : 0) - (rm !== ru ? c : 0);
        }
      }
      const delta = dBal + dCut / scale;
      if (delta < bestDelta) { bestDelta = delta; best = r; }
    }
    if (best < 0) continue;
    const group = list.filter((u) => region.get(u) !== best);
    const inGroup = new Set(group);
    const losers = [...new Set(group.map((u) => region.get(u) as number))];
    if (!losers.every((a) => connected(nodes, members[a], inGroup, null))) continue;
    if (!connected(nodes, members[best], null, inGroup)) continue;
    for (const u of group) {
      const a = region.get(u) as number;
      members[a].delete(u);
      rw[a] -= nodes[u].w;
      region.set(u, best);
      members[best].add(u);
      rw[best] += nodes[u].w;
    }
    moved++;
  }
  return moved;
}

/** Whether set minus `without` plus `plus` is one non-empty connected piece. */
function connected(nodes: Node[], set: Set<number>, without: Set<number> | null, plus: Set<number> | null): boolean {
  const has = (m: number) => (set.has(m) && !without?.has(m)) || (plus?.has(m) ?? false);
  let size = 0;
  let start = -1;
  for (const m of set) if (!without?.has(m)) { size++; if (start < 0) start = m; }
  if (plus) for (const m of plus) if (!set.has(m)) { size++; if (start < 0) start = m; }
  if (size === 0 || start < 0) return false;
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    const c = stack.pop() as number;
    for (const m of nodes[c].nbrs.keys()) if (!seen.has(m) && has(m)) { seen.add(m); stack.push(m); }
  }
  return seen.size === size;
}
