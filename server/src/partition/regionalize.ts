import { signalOf } from './abort.ts';
import { bestPartition, type Node } from './component.ts';
import { rng } from './rng.ts';

/**
 * Regionalisation of the block graph: blocks (units) with a weight (households or people) are
 * grouped into contiguous regions whose weights fall in the band [lo, hi], cutting along
 * barriers where possible. Pure and deterministic for a seed; memory linear in the number of
 * units and edges.
 *
 * 1. Empty units (parks, water, slivers between parallel roads) are merged into the neighbour
 *    they share the longest edge with.
 * 2. A unit above the band that could not be split (one building: a tower) is its own region;
 *    a piece below the band that towers cut off joins the tower it touches most.
 * 3. Units are grouped by zone (a face of the hard-barrier network): regions never cross a hard
 *    barrier. A zone below the band stays whole, flagged 'enclosed'; a zone with no households
 *    joins the grid across its longest hard edge (reported as a hard crossing, with why).
 * 4. Each zone gets k regions, k chosen so that weight/k falls in the band; k seeds from a
 *    weighted k-means++ on the unit centroids, grown together (always the lightest region,
 *    taking its nearest free neighbour), then a local search moves border units between
 *    regions while contiguity holds and the cost falls: out-of-band penalty + squared deviation
 *    + length of the cut (edges between buildings cost SPLIT_COST times more than edges on a
 *    barrier line, between blocks or along a dead-end street inside one: Edge.on); a region
 *    still below the band joins a neighbour when both fit the band together. RESTARTS
 *    seedings; the one with fewest regions out of band, then the lowest cost, wins.
 */

export interface Unit {
  id: number;
  /** The barrier face (block) it belongs to: units of one face are separated by no barrier. */
  face: number;
  /** The hard-barrier face it lies in. */
  zone: number;
  /** Households or people, whichever the band is in. */
  w: number;
  x: number;
  y: number;
  area: number;
}

/**
 * Two units sharing a line of `len` metres. `on`: for two units of one block, the metres of it
 * that run on a barrier line (a dead-end street or path inside the block) rather than between
 * buildings; absent or null between blocks (all of it is on a barrier).
 */
export interface Edge { a: number; b: number; len: number; on?: number | null }

export interface RegionalizeInput {
  units: Unit[];
  edges: Edge[];
  target: number;
  lo: number;
  hi: number;
  seed: number;
  /** Progress 0..1 within the regionalisation. */
  onProgress?: (share: number) => void;
  /** Checked between components and inside the local search (default: the job's, see abort.ts); throws its reason when aborted. */
  signal?: AbortSignal;
}

export type Flag = 'tower' | 'enclosed' | 'empty';

/**
 * Why a region is flagged, machine-readable beside the English `reason` so a client can say it
 * in its reader's language with the same figures (rounded as in the text; in the band's unit):
 * - tower: one unit holds `holds`, above the band's upper bound `hi`; `cutOff`: the pieces below
 *   the band that towers cut off and that joined it (one figure per piece, as in the text);
 * - enclosed: hard barriers enclose only `holds`, below the lower bound `lo` (kept whole);
 * - whole_area: the same for an area of one zone, which holds only `holds` in all;
 * - empty: no households and no grid beside it to join.
 */
export type FlagDetail =
  | { code: 'tower'; holds: number; hi: number; cutOff?: number[] }
  | { code: 'enclosed' | 'whole_area'; holds: number; lo: number }
  | { code: 'empty' };

/** Why a region crosses a hard barrier: it takes in an area without households that hard barriers enclose. */
export interface CrossedHardDetail { code: 'takes_empty_enclosed' }

export interface Region {
  seq: number; w: number; units: number[]; flag: Flag | null; reason: string | null;
  /** `reason` as data (null when not flagged). */
  detail: FlagDetail | null;
  /** Why this region crosses a hard barrier (null: it does not). */
  crossedHard: string | null;
  crossedHardDetail: CrossedHardDetail | null;
}

export interface RegionalizeResult {
  regions: Region[];
  /** unit id → region seq (1-based) */
  regionOf: Map<number, number>;
}

export const SPLIT_COST = 4;
const MIN_EDGE_M = 0.01;


export function regionalize(input: RegionalizeInput): RegionalizeResult {
  input = { ...input, signal: signalOf(input.signal) };
  input.signal?.throwIfAborted();
  const random = rng(input.seed);
  const nodes = mergeEmpty(input);
  const fmt = (w: number) => String(Math.round(w));
  // Work regions as node lists; region index per node.
  const groups: { nodes: number[]; flag: Flag | null; reason: string | null; detail: FlagDetail | null; crossedHard: string | null; crossedHardDetail: CrossedHardDetail | null }[] = [];
  const regionOfNode = new Int32Array(nodes.length).fill(-1);
  const add = (members: number[], flag: Flag | null, reason: string | null, detail: FlagDetail | null = null) => {
    for (const n of members) regionOfNode[n] = groups.length;
    groups.push({ nodes: [...members], flag, reason, detail, crossedHard: null, crossedHardDetail: null });
  };

  // Towers: nothing left to split.
  const tower = new Set<number>();
  nodes.forEach((n, i) => {
    if (n.w > input.hi) {
      tower.add(i);
      add([i], 'tower', `one building holds ${fmt(n.w)}, above the band's upper bound ${fmt(input.hi)}`,
        { code: 'tower', holds: Math.round(n.w), hi: Math.round(input.hi) });
    }
  });

  const comps = components(nodes, (i) => !tower.has(i));
  const zoneCount = new Set(nodes.map((n) => n.zone)).size;
  const empties: number[][] = [];
  let done = 0;
  for (const comp of comps) {
    input.signal?.throwIfAborted();
    const W = comp.reduce((s, i) => s + nodes[i].w, 0);
    // A small piece cut off by towers joins the tower it touches most: that grid is out of the
    // band anyway, and the piece would be a grid far below it.
    const towerNbr = W < input.lo ? longestNeighbour(nodes, comp, (n) => tower.has(n), 'nbrs') : -1;
    if (W === 0) {
      empties.push(comp);
    } else if (towerNbr >= 0) {
      const g = groups[regionOfNode[towerNbr]];
      g.nodes.push(...comp);
      for (const n of comp) regionOfNode[n] = regionOfNode[towerNbr];
      g.reason = `${g.reason}; with the ${fmt(W)} around it that towers cut off from the rest`;
      if (g.detail?.code === 'tower') g.detail.cutOff = [...(g.detail.cutOff ?? []), Math.round(W)];
    } else if (W < input.lo) {
      const why = zoneCount > 1 ? 'enclosed by hard barriers' : 'the whole area';
      add(comp, 'enclosed', `${why} with only ${fmt(W)}, below the band's lower bound ${fmt(input.lo)}; kept whole`,
        { code: zoneCount > 1 ? 'enclosed' : 'whole_area', holds: Math.round(W), lo: Math.round(input.lo) });
    } else {
      const k = Math.min(comp.length, chooseK(W, input.target, input.lo, input.hi));
      if (k === 1) add(comp, null, null);
      else for (const members of bestPartition(nodes, comp, k, input, random)) add(members, null, null);
    }
    done += comp.length;
    input.onProgress?.(done / Math.max(1, nodes.length));
  }
  // Areas with nobody in them that hard barriers enclose (a pier, a park between a railway and
  // the sea) join the neighbouring grid across the longest hard edge, and say so.
  // (Repeated, so an empty area behind another empty area follows it.)
  let pending = empties;
  while (pending.length > 0) {
    const next: number[][] = [];
    for (const comp of pending) {
      // Beside a tower only (no hard barrier between): it joins the tower's grid.
      const beside = longestNeighbour(nodes, comp, (n) => regionOfNode[n] >= 0, 'nbrs');
      const across = beside >= 0 ? beside : longestNeighbour(nodes, comp, (n) => regionOfNode[n] >= 0, 'hard');
      if (across < 0) { next.push(comp); continue; }
      const r = regionOfNode[across];
      groups[r].nodes.push(...comp);
      for (const n of comp) regionOfNode[n] = r;
      if (beside < 0) {
        groups[r].crossedHard = 'takes in an area without households that hard barriers enclose (water, park, port)';
        groups[r].crossedHardDetail = { code: 'takes_empty_enclosed' };
      }
    }
    if (next.length === pending.length) {
      for (const comp of next) add(comp, 'empty', 'no households, and no grid beside it to join (a separate piece of the area: an island, a pier)', { code: 'empty' });
      break;
    }
    pending = next;
  }

  const regions: Region[] = groups.map((g, i) => ({
    seq: i + 1, w: g.nodes.reduce((s, n) => s + nodes[n].w, 0), units: g.nodes.flatMap((n) => nodes[n].units),
    flag: g.flag, reason: g.reason, detail: g.detail, crossedHard: g.crossedHard, crossedHardDetail: g.crossedHardDetail,
  }));
  const regionOf = new Map<number, number>();
  for (const r of regions) for (const u of r.units) regionOf.set(u, r.seq);
  return { regions, regionOf };
}

/** The node outside comp (passing accept) that shares the longest edge with comp, or -1. */
function longestNeighbour(nodes: Node[], comp: number[], accept: (n: number) => boolean, via: 'nbrs' | 'hard'): number {
  const len = new Map<number, number>();
  for (const i of comp) for (const [n, c] of nodes[i][via]) if (accept(n)) len.set(n, (len.get(n) ?? 0) + c);
  let best = -1;
  let bestLen = -1;
  for (const [n, l] of len) if (l > bestLen || (l === bestLen && n < best)) { best = n; bestLen = l; }
  return best;
}

/** The number of regions for weight W: W/k in the band if any k allows it, closest to the target. */
export function chooseK(W: number, target: number, lo: number, hi: number): number {
  let best = 1;
  let bestScore = Infinity;
  const from = Math.max(1, Math.floor(W / hi));
  const to = Math.max(1, Math.ceil(W / lo));
  for (let k = from; k <= to; k++) {
    const m = W / k;
    const out = m < lo ? lo - m : m > hi ? m - hi : 0;
    const score = out * 1000 + Math.abs(m - target);
    if (score < bestScore) { bestScore = score; best = k; }
  }
  return best;
}

/** Units → nodes, with empty units merged into their longest-edge neighbour (never across a hard barrier). */
function mergeEmpty(input: RegionalizeInput): Node[] {
  const index = new Map<number, number>();
  input.units.forEach((u, i) => index.set(u.id, i));
  const nodes: Node[] = input.units.map((u) => ({ w: u.w, face: u.face, x: u.x * u.area, y: u.y * u.area, area: u.area, zone: u.zone, units: [u.id], nbrs: new Map(), hard: new Map() }));
  const face = input.units.map((u) => u.face);
  for (const e of input.edges) {
    const a = index.get(e.a);
    const b = index.get(e.b);
    if (a === undefined || b === undefined || e.len < MIN_EDGE_M) continue;
    if (nodes[a].zone !== nodes[b].zone) {
      nodes[a].hard.set(b, (nodes[a].hard.get(b) ?? 0) + e.len);
      nodes[b].hard.set(a, (nodes[b].hard.get(a) ?? 0) + e.len);
      continue;
    }
    // The cost of cutting here: a barrier edge costs its length, an edge between buildings more.
    const on = face[a] === face[b] ? Math.min(e.len, e.on ?? 0) : e.len;
    const cost = on + (e.len - on) * SPLIT_COST;
    nodes[a].nbrs.set(b, (nodes[a].nbrs.get(b) ?? 0) + cost);
    nodes[b].nbrs.set(a, (nodes[b].nbrs.get(a) ?? 0) + cost);
  }
  const alive = nodes.map(() => true);
  const queue = nodes.map((_, i) => i).filter((i) => nodes[i].w === 0);
  while (queue.length > 0) {
    const g = queue.shift() as number;
    if (!alive[g] || nodes[g].w !== 0 || nodes[g].nbrs.size === 0) continue;
    let best = -1;
    let bestLen = -1;
    for (const [n, len] of nodes[g].nbrs) if (len > bestLen || (len === bestLen && n < best)) { best = n; bestLen = len; }
    absorb(nodes, best, g);
    alive[g] = false;
    if (nodes[best].w === 0) queue.push(best);
  }
  // Renumber the survivors.
  const keep = nodes.map((_, i) => i).filter((i) => alive[i]);
  const renum = new Map(keep.map((old, i) => [old, i]));
  return keep.map((old) => {
    const n = nodes[old];
    const nbrs = new Map<number, number>();
    for (const [o, c] of n.nbrs) nbrs.set(renum.get(o) as number, c);
    const hard = new Map<number, number>();
    for (const [o, c] of n.hard) if (renum.has(o)) hard.set(renum.get(o) as number, c);
    return { ...n, x: n.area > 0 ? n.x / n.area : n.x, y: n.area > 0 ? n.y / n.area : n.y, nbrs, hard };
  });
}

function absorb(nodes: Node[], into: number, g: number): void {
  const a = nodes[into];
  const b = nodes[g];
  a.w += b.w;
  a.x += b.x;
  a.y += b.y;
  a.area += b.area;
  a.units.push(...b.units);
  for (const [n, c] of b.nbrs) {
    nodes[n].nbrs.delete(g);
    if (n === into) continue;
    a.nbrs.set(n, (a.nbrs.get(n) ?? 0) + c);
    nodes[n].nbrs.set(into, (nodes[n].nbrs.get(into) ?? 0) + c);
  }
  a.nbrs.delete(g);
  b.nbrs.clear();
  for (const [n, c] of b.hard) {
    nodes[n].hard.delete(g);
    a.hard.set(n, (a.hard.get(n) ?? 0) + c);
    nodes[n].hard.set(into, (nodes[n].hard.get(into) ?? 0) + c);
  }
  b.hard.clear();
}

function components(nodes: Node[], include: (i: number) => boolean): number[][] {
  const seen = new Uint8Array(nodes.length);
  const out: number[][] = [];
  for (let s = 0; s < nodes.length; s++) {
    if (seen[s] || !include(s)) continue;
    const comp = [s];
    seen[s] = 1;
    for (let q = 0; q < comp.length; q++) {
      for (const n of nodes[comp[q]].nbrs.keys()) {
        if (!seen[n] && include(n)) { seen[n] = 1; comp.push(n); }
      }
    }
    out.push(comp);
  }
  return out;
}

