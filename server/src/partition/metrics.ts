/** Summary metrics of one set of grids (a proposal, the current grids, a baseline). */
import type { CrossedHardDetail } from './regionalize.ts';

export interface GridRow {
  seq: number;
  households: number;
  population: number;
  areaM2: number;
  polsbyPopper: number | null;
  /** Length of the grid's boundary not on the area's own edge, and of that on a barrier (m). */
  innerM: number;
  onBarrierM: number;
  flag: string | null;
  flagReason: string | null;
}

/** A grid that crosses a hard barrier (by its code) and why, as data: see CrossedHardDetail. */
export interface CrossedHardItem { grid: string | null; code: CrossedHardDetail['code'] }

export interface Summary {
  grids: number;
  /** Households (or people, per `by`) per grid. */
  min: number;
  median: number;
  max: number;
  /** Share of grids within the band, over all grids and over the unflagged ones. */
  bandShare: number;
  bandShareUnflagged: number;
  flagged: Record<string, number>;
  meanPolsbyPopper: number;
  minPolsbyPopper: number;
  /** Share of the internal boundary length (between grids) that lies on barriers. */
  barrierShare: number;
  /** Grids that had to cross a hard barrier, and why (never, in this engine: hard barriers are not crossed). */
  crossedHard: number;
  crossedHardReasons: string[];
  /** The same as data, for a client to say in its reader's language. */
  crossedHardDetails: CrossedHardItem[];
}

export function summarize(rows: GridRow[], by: 'households' | 'people', lo: number, hi: number): Summary {
  const values = rows.map((r) => (by === 'people' ? r.population : r.households)).sort((a, b) => a - b);
  const inBand = (r: GridRow) => { const v = by === 'people' ? r.population : r.households; return v >= lo && v <= hi; };
  const unflagged = rows.filter((r) => !r.flag);
  const pp = rows.map((r) => r.polsbyPopper ?? 0);
  const inner = rows.reduce((s, r) => s + r.innerM, 0);
  const flagged: Record<string, number> = {};
  for (const r of rows) if (r.flag) flagged[r.flag] = (flagged[r.flag] ?? 0) + 1;
  return {
    grids: rows.length,
    min: values[0] ?? 0,
    median: values.length ? (values.length % 2 ? values[(values.length - 1) / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2) : 0,
    max: values[values.length - 1] ?? 0,
    bandShare: ratio(rows.filter(inBand).length, rows.length),
    bandShareUnflagged: ratio(unflagged.filter(inBand).length, unflagged.length),
    flagged,
    meanPolsbyPopper: round(pp.reduce((s, v) => s + v, 0) / Math.max(1, pp.length)),
    minPolsbyPopper: round(pp.length ? Math.min(...pp) : 0),
    barrierShare: inner > 0 ? round(rows.reduce((s, r) => s + r.onBarrierM, 0) / inner) : 1,
    crossedHard: 0,
    crossedHardReasons: [],
    crossedHardDetails: [],
  };
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;
const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);
