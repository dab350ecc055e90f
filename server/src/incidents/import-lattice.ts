/**
 * The import's in-memory lattice: square cells over the jurisdiction's grids, each holding the
 * answer every point inside it gets from the database's locate (the least rank among the grids
 * that hold the point: sql/import-grids.sql), or UNKNOWN when the cell lies near an edge of some
 * grid. The file's rows are located against it as they are read (a division and an array read
 * each); only the rows in UNKNOWN cells are left to the point-in-polygon pass in the database
 * (sql/import-locate.sql), so the answer is the database's for every row.
 *
 * Why a cell's answer is exact: a cell is UNKNOWN when any edge of any grid comes within MARGIN
 * of its square (the test is conservative: a segment's span in each column of cells is widened by
 * the margin). Every other cell meets no boundary, so each grid holds either all of it or none
 * of it, and its centre (at least half a cell from every edge) is classified by crossing
 * parity with no rounding risk. A point's cell is found by floor division; rounding can put a
 * point into a neighbouring cell only within far less than MARGIN of their shared side, where
 * both cells give the same answer. Grids the lattice cannot read (invalid, empty, not a 2-D
 * polygon) make their whole bounding box UNKNOWN.
 */

/** No answer: the row is located by the database. */
export const UNKNOWN = 0;
/** Outside every grid. */
export const NO_GRID = -1;

/** A grid as sql/import-grids.sql returns it for the lattice. */
export interface LatticeGrid {
  rank: number;
  /** ST_AsBinary(geom): a 2-D Polygon or MultiPolygon. */
  wkb: Buffer | null;
  valid: boolean;
  /** The bounding box (PostGIS rounds it outwards); null for an empty geometry. */
  xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null;
}

export interface Lattice {
  /** The grid rank of the point (> 0), NO_GRID, or UNKNOWN. */
  locate(x: number, y: number): number;
  readonly cells: number;
  /** Share of the cells that are UNKNOWN (for the docs' figures). */
  readonly unknownShare: number;
}

/** At most this many cells (4 bytes each). */
export const MAX_CELLS = 1 << 22;
/** Above this many vertices in all the grids the lattice is not built (all rows go to the database). */
export const MAX_VERTICES = 5_000_000;

/** Rings (flat [x0, y0, x1, y1, …], closed) of a 2-D WKB Polygon or MultiPolygon; null for anything else. */
export function wkbRings(wkb: Buffer): Float64Array[] | null {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const rings: Float64Array[] = [];
  let pos = 0;
  const polygon = (): boolean => {
    if (pos + 9 > wkb.byteLength) return false;
    const le = view.getUint8(pos) === 1;
    const type = view.getUint32(pos + 1, le);
    pos += 5;
    if (type !== 3) return false;
    const nRings = view.getUint32(pos, le);
    pos += 4;
    for (let r = 0; r < nRings; r++) {
      if (pos + 4 > wkb.byteLength) return false;
      const n = view.getUint32(pos, le);
      pos += 4;
      if (pos + n * 16 > wkb.byteLength) return false;
      const ring = new Float64Array(n * 2);
      for (let i = 0; i < n * 2; i++) ring[i] = view.getFloat64(pos + i * 8, le);
      pos += n * 16;
      rings.push(ring);
    }
    return true;
  };
  if (wkb.byteLength < 9) return null;
  const le = view.getUint8(0) === 1;
  const type = view.getUint32(1, le);
  if (type === 3) return polygon() ? rings : null;
  if (type !== 6) return null;
  const n = view.getUint32(5, le);
  pos = 9;
  for (let i = 0; i < n; i++) if (!polygon()) return null;
  return rings;
}

export function buildLattice(grids: LatticeGrid[], maxCells: number = MAX_CELLS): Lattice | null {
  maxCells = Math.max(maxCells, 16);
  const boxed = grids.filter((g) => g.xmin !== null && g.ymin !== null && g.xmax !== null && g.ymax !== null);
  if (boxed.length === 0) return null;
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (const g of boxed) {
    bx0 = Math.min(bx0, g.xmin!); by0 = Math.min(by0, g.ymin!);
    bx1 = Math.max(bx1, g.xmax!); by1 = Math.max(by1, g.ymax!);
  }
  const w = bx1 - bx0, h = by1 - by0;
  // Square cells, as many as the budget allows over the grids' extent, plus one cell of border;
  // never so small that the margin below comes near the rounding of the coordinates.
  const size = Math.max(1, Math.abs(bx0), Math.abs(bx1), Math.abs(by0), Math.abs(by1));
  let cs = Math.max(Math.sqrt((w * h) / maxCells), size * 1e-9);
  const dims = () => [Math.floor(w / cs) + 3, Math.floor(h / cs) + 3];
  while (dims()[0] * dims()[1] > maxCells) cs *= 1.05;
  const [nx, ny] = dims();
  const x0 = bx0 - cs, y0 = by0 - cs;
  // Far wider than any rounding of the arithmetic below (≈ 1e-16 of the coordinates).
  const margin = cs * 1e-3;
  const cells = new Int32Array(nx * ny).fill(NO_GRID);
  const colOf = (x: number) => Math.min(nx - 1, Math.max(0, Math.floor((x - x0) / cs)));
  const rowOf = (y: number) => Math.min(ny - 1, Math.max(0, Math.floor((y - y0) / cs)));
  const markBox = (xa: number, ya: number, xb: number, yb: number) => {
    const i0 = colOf(xa - margin), i1 = colOf(xb + margin), j0 = rowOf(ya - margin), j1 = rowOf(yb + margin);
    for (let j = j0; j <= j1; j++) cells.fill(UNKNOWN, j * nx + i0, j * nx + i1 + 1);
  };
  /** Every cell that a segment comes within the margin of. */
  const markSegment = (xa: number, ya: number, xb: number, yb: number) => {
    if (xa > xb) { [xa, xb] = [xb, xa]; [ya, yb] = [yb, ya]; }
    const i0 = colOf(xa - margin), i1 = colOf(xb + margin);
    const slope = xb > xa ? (yb - ya) / (xb - xa) : 0;
    for (let i = i0; i <= i1; i++) {
      // The segment's part within this column (widened by the margin), then its y-span.
      const ca = Math.max(xa, x0 + i * cs - margin), cb = Math.min(xb, x0 + (i + 1) * cs + margin);
      let lo: number, hi: number;
      if (xb === xa || ca > cb) { lo = Math.min(ya, yb); hi = Math.max(ya, yb); } else {
        const ua = ya + (ca - xa) * slope, ub = ya + (cb - xa) * slope;
        lo = Math.min(ua, ub); hi = Math.max(ua, ub);
        // Clamp to the segment's own span (the slope's rounding must not shrink it).
        lo = Math.max(lo, Math.min(ya, yb)); hi = Math.min(hi, Math.max(ya, yb));
        if (lo > hi) { lo = Math.min(ya, yb); hi = Math.max(ya, yb); }
      }
      const j0 = rowOf(lo - margin), j1 = rowOf(hi + margin);
      for (let j = j0; j <= j1; j++) cells[j * nx + i] = UNKNOWN;
    }
  };

  const readable: { rank: number; rings: Float64Array[]; j0: number; j1: number }[] = [];
  let vertices = 0;
  for (const g of boxed) {
    const rings = g.valid && g.wkb ? wkbRings(g.wkb) : null;
    if (!rings) { markBox(g.xmin!, g.ymin!, g.xmax!, g.ymax!); continue; }
    for (const ring of rings) {
      vertices += ring.length / 2;
      for (let k = 0; k + 3 < ring.length; k += 2) markSegment(ring[k], ring[k + 1], ring[k + 2], ring[k + 3]);
    }
    readable.push({ rank: g.rank, rings, j0: rowOf(g.ymin!), j1: rowOf(g.ymax!) });
  }
  if (vertices > MAX_VERTICES) return null;

  // Fill: per grid and row of cells, where the horizontal line through the cells' centres
  // crosses the grid's rings (even-odd over all rings: a valid polygon's holes and parts).
  for (const g of readable) {
    const rows: number[][] = Array.from({ length: g.j1 - g.j0 + 1 }, () => []);
    for (const ring of g.rings) {
      for (let k = 0; k + 3 < ring.length; k += 2) {
        const ya = ring[k + 1], yb = ring[k + 3];
        if (ya === yb) continue;
        const xa = ring[k], xb = ring[k + 2];
        const lo = Math.min(ya, yb), hi = Math.max(ya, yb);
        const ja = Math.max(g.j0, Math.ceil((lo - y0) / cs - 0.5) - 1), jb = Math.min(g.j1, Math.floor((hi - y0) / cs - 0.5) + 1);
        for (let j = ja; j <= jb; j++) {
          const yc = y0 + (j + 0.5) * cs;
          if ((ya <= yc) === (yb <= yc)) continue;
          rows[j - g.j0].push(xa + (yc - ya) * (xb - xa) / (yb - ya));
        }
      }
    }
    for (let r = 0; r < rows.length; r++) {
      const xs = rows[r];
      if (xs.length < 2) continue;
      xs.sort((a, b) => a - b);
      const base = (g.j0 + r) * nx;
      for (let p = 0; p + 1 < xs.length; p += 2) {
        // Cells whose centre lies between the two crossings.
        const i0 = Math.max(0, Math.ceil((xs[p] - x0) / cs - 0.5)), i1 = Math.min(nx - 1, Math.floor((xs[p + 1] - x0) / cs - 0.5));
        for (let i = i0; i <= i1; i++) {
          const c = cells[base + i];
          if (c === NO_GRID || c > g.rank) cells[base + i] = g.rank;
        }
      }
    }
  }

  let unknown = 0;
  for (let k = 0; k < cells.length; k++) if (cells[k] === UNKNOWN) unknown++;
  return {
    cells: cells.length,
    unknownShare: unknown / cells.length,
    locate(x, y) {
      const i = Math.floor((x - x0) / cs), j = Math.floor((y - y0) / cs);
      // Outside the grids' extent and its border: in no grid.
      if (!(i >= 0 && i < nx && j >= 0 && j < ny)) return NO_GRID;
      return cells[j * nx + i];
    },
  };
}
