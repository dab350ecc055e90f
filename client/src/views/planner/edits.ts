import type { AppliedMove, BlockProps, GridFeature, Move } from './api.ts';

/**
 * The planner's edits of a proposal. Every edit is, on the server, blocks moving between grids
 * (a merge, a move, a split, a redrawn edge), so every edit has an exact inverse: the same
 * blocks moving back. The server keeps an emptied grid's seq and code, and a move into it brings
 * it back, so undo sends the inverse moves and redo the moves again (`POST …/moves`), both at
 * once, without recomputing the proposal.
 */
export interface Edit {
  kind: 'merge' | 'move' | 'split' | 'redraw';
  /** The grid (seq) that receives the blocks. */
  into: number;
  /** The grids (seqs) the blocks came from. */
  from: number[];
  moves: Move[];
  inverse: Move[];
  /** Grids the server removed (emptied) when the edit was applied (set after it was). */
  removed: number[];
}

export interface History { done: Edit[]; undone: Edit[] }
export const emptyHistory = (): History => ({ done: [], undone: [] });

/** Every block of grid `absorbed` into grid `into`. */
export function mergeEdit(blocks: BlockProps[], absorbed: number, into: number): Edit {
  if (absorbed === into) throw new Error('a grid cannot merge with itself');
  const moving = blocks.filter((b) => b.gridSeq === absorbed);
  if (moving.length === 0) throw new Error(`grid ${absorbed} has no blocks`);
  return {
    kind: 'merge', into, from: [absorbed],
    moves: moving.map((b) => ({ block: b.id, to: into })),
    inverse: moving.map((b) => ({ block: b.id, to: absorbed })),
    removed: [],
  };
}

/** Some blocks into grid `to` (blocks already there are left out). */
export function moveEdit(blocks: BlockProps[], ids: number[], to: number): Edit {
  const moving = blocks.filter((b) => ids.includes(b.id) && b.gridSeq !== null && b.gridSeq !== to);
  if (moving.length === 0) throw new Error('nothing to move');
  return {
    kind: 'move', into: to, from: [...new Set(moving.map((b) => b.gridSeq as number))],
    moves: moving.map((b) => ({ block: b.id, to })),
    inverse: moving.map((b) => ({ block: b.id, to: b.gridSeq as number })),
    removed: [],
  };
}

/** The blocks after some moves (a new array; the input is not changed). */
export function applyMoves(blocks: BlockProps[], moves: Move[]): BlockProps[] {
  const to = new Map(moves.map((m) => [m.block, m.to]));
  return blocks.map((b) => (to.has(b.id) ? { ...b, gridSeq: to.get(b.id)! } : b));
}

/** An edit the server computed (split, redraw): the moves it applied, with where each block came from. */
export function appliedEdit(kind: 'split' | 'redraw', moves: AppliedMove[], removed: number[] = []): Edit {
  if (moves.length === 0) throw new Error('nothing moved');
  return {
    kind, into: moves[0].to, from: [...new Set(moves.map((m) => m.from))],
    moves: moves.map((m) => ({ block: m.block, to: m.to })),
    inverse: moves.map((m) => ({ block: m.block, to: m.from })),
    removed,
  };
}

const key = (p: GeoJSON.Position) => `${p[0].toFixed(7)},${p[1].toFixed(7)}`;

/**
 * Grids that share a boundary: the units are faces of one noded network, so neighbours share
 * exact vertices; two shared vertices stand for a shared edge (one alone is a corner touch,
 * which a merge would leave in two pieces).
 */
export function neighbours(grids: GridFeature[]): Map<number, number[]> {
  const at = new Map<string, Set<number>>();
  for (const g of grids) {
    const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    for (const poly of polys) for (const ring of poly) for (const p of ring) {
      const k = key(p);
      let s = at.get(k);
      if (!s) at.set(k, (s = new Set()));
      s.add(g.properties.seq);
    }
  }
  const shared = new Map<string, number>();
  for (const seqs of at.values()) {
    if (seqs.size < 2) continue;
    const list = [...seqs];
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
      const pair = list[i] < list[j] ? `${list[i]}:${list[j]}` : `${list[j]}:${list[i]}`;
      shared.set(pair, (shared.get(pair) ?? 0) + 1);
    }
  }
  const out = new Map<number, number[]>(grids.map((g) => [g.properties.seq, []]));
  for (const [pair, n] of shared) {
    if (n < 2) continue;
    const [a, b] = pair.split(':').map(Number);
    out.get(a)?.push(b);
    out.get(b)?.push(a);
  }
  for (const list of out.values()) list.sort((x, y) => x - y);
  return out;
}
