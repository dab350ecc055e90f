/**
 * Incident analyses over analysis units — H3 cells of a study area, or the grids of one tier:
 * counts, households and rates, neighbours, and the space-time cube.
 */
import { cellToLatLng, polygonToCells } from 'h3-js';
import type { AuthUser } from '../core/auth.ts';
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { HttpError, badRequest, notFound, unprocessable } from '../core/errors.ts';
import { fromLists, type Neighbours } from './gi.ts';
import { fillCells, hexToCell } from './h3cells.ts';
import { distanceBand, kRing, knn } from './weights.ts';
import { isIsoDateTime } from '../core/iso-date.ts';

export interface Filter {
  jurisdictionId: number;
  from: string | null;
  to: string | null;
  category: string | null;
  grid: string | null;
}

export interface UnitQuery {
  unit: 'h3' | 'grid';
  res: number;
  tier?: number;
  neighbours?: 'kring' | 'distance' | 'knn' | 'contiguity';
  k: number;
  meters?: number;
}

export interface Units {
  ids: string[];
  names: (string | null)[];
  /** Households per unit; null where none are known. */
  households: (number | null)[];
  /** Residents per unit (grids only); null where unknown. */
  population: (number | null)[];
  counts: number[];
  lon: number[];
  lat: number[];
  tier?: number;
  res?: number;
}

export const MAX_CELLS = 200_000;
/** Bins in one space-time cube (units × steps), to keep a request's memory bounded. */
export const MAX_CUBE = 2_000_000;

/** A query whose leading CTEs are the incident filter: on incidents (grids) or on their stored H3 cells. */
const withFilter = (file: string, filter: 'sql/filter.sql' | 'sql/filter-h3.sql' = 'sql/filter.sql') =>
  sqlFile(import.meta.url, file).replace('/*filter*/', sqlFile(import.meta.url, filter));
const filterParams = (f: Filter) => [f.jurisdictionId, f.from, f.to, f.category, f.grid];

/** The jurisdiction asked for, the user's own, or the only one; checks grid and category exist. */
export async function resolveFilter(q: Queryable, user: AuthUser, query: { jurisdiction?: number; from?: string; to?: string; category?: string; grid?: string }): Promise<Filter> {
  let jurisdictionId = query.jurisdiction ?? user.jurisdictionId ?? null;
  if (query.jurisdiction !== undefined && user.jurisdictionId !== null && query.jurisdiction !== user.jurisdictionId && !user.roles.includes('admin')) {
    throw new HttpError(403, 'other_jurisdiction', 'You can only analyse your own jurisdiction');
  }
  // A user limited to an area (a kiosk) analyses inside it: codes nest by prefix.
  if (user.area && !(query.grid ?? '').startsWith(user.area)) query = { ...query, grid: user.area };
  if (jurisdictionId === null) {
    // Unsaid, the jurisdiction is the one holding the grid asked for, or the only one there is.
    const { rows } = await q.query<{ id: number }>(
      `SELECT id FROM jurisdictions j
        WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM grids g WHERE g.jurisdiction_id = j.id AND g.code = $1 AND g.valid_to IS NULL)
        ORDER BY id LIMIT 2`, [query.grid ?? null]);
    if (rows.length === 0 && query.grid) throw notFound('grid_not_found', `No current grid "${query.grid}"`);
    if (rows.length !== 1) throw badRequest('jurisdiction_required', 'Say which jurisdiction: ?jurisdiction=<id>');
    jurisdictionId = rows[0].id;
  } else if ((await q.query('SELECT 1 FROM jurisdictions WHERE id = $1', [jurisdictionId])).rows.length === 0) {
    throw notFound('jurisdiction_not_found', `No jurisdiction ${jurisdictionId}`);
  }
  for (const key of ['from', 'to'] as const) {
    const v = query[key];
    if (v !== undefined && !isIsoDateTime(v)) {
      throw badRequest('invalid_date', `"${key}" must be an ISO 8601 date or date-time (got "${v}")`);
    }
  }
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) throw badRequest('empty_period', '"from" must be before "to"');
  if (query.grid && (await q.query('SELECT 1 FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [jurisdictionId, query.grid])).rows.length === 0) {
    throw notFound('grid_not_found', `No current grid "${query.grid}" in jurisdiction ${jurisdictionId}`);
  }
  if (query.category && (await q.query('SELECT 1 FROM categories WHERE code = $1', [query.category])).rows.length === 0) {
    throw notFound('category_not_found', `No category "${query.category}"`);
  }
  return { jurisdictionId, from: query.from ?? null, to: query.to ?? null, category: query.category ?? null, grid: query.grid ?? null };
}

/** Incidents per H3 cell with households and rates; only cells with incidents. */
export async function h3Counts(q: Queryable, f: Filter, res: number) {
  return (await h3CountsAndHouseholds(q, f, res)).cells;
}

async function h3CountsAndHouseholds(q: Queryable, f: Filter, res: number) {
  await fillCells(q, 'incidents', f.jurisdictionId);
  await fillCells(q, 'households', f.jurisdictionId);
  const { rows } = await q.query<{ cell: string; n: number }>(withFilter('sql/h3-counts.sql', 'sql/filter-h3.sql'), [...filterParams(f), res]);
  const hh = await householdsByCell(q, f, res);
  const cells = rows.map((r) => {
    const cell = hexToCell(r.cell);
    const households = hh.get(cell) ?? null;
    return { cell, count: r.n, households, rate: households ? (100 * r.n) / households : null };
  }).sort((a, b) => b.count - a.count || a.cell.localeCompare(b.cell));
  return { cells, hh };
}

async function householdsByCell(q: Queryable, f: Filter, res: number): Promise<Map<string, number>> {
  const { rows } = await q.query<{ cell: string; households: number }>(sqlFile(import.meta.url, 'sql/h3-households.sql'), [f.jurisdictionId, res, f.grid]);
  return new Map(rows.map((r) => [hexToCell(r.cell), r.households]));
}

/** The H3 cells of the study area (zero counts included) or the grids of a tier, with counts. */
export async function loadUnits(q: Queryable, f: Filter, u: UnitQuery): Promise<Units> {
  if (u.unit === 'grid') {
    const tier = u.tier ?? (await lowestTier(q, f.jurisdictionId));
    const { rows } = await q.query<{ code: string; name: string; households: number; population: number | null; lon: number; lat: number; n: number }>(withFilter('sql/grid-counts.sql'), [...filterParams(f), tier]);
    return {
      ids: rows.map((r) => r.code), names: rows.map((r) => r.name), households: rows.map((r) => (r.households > 0 ? r.households : null)),
      population: rows.map((r) => (r.population ? r.population : null)),
      counts: rows.map((r) => r.n), lon: rows.map((r) => r.lon), lat: rows.map((r) => r.lat), tier,
    };
  }
  const { cells: counted, hh } = await h3CountsAndHouseholds(q, f, u.res);
  const cells = new Set<string>(counted.map((c) => c.cell));
  for (const c of hh.keys()) cells.add(c);
  const { rows } = await q.query<{ geom: { type: string; coordinates: number[][][] | number[][][][] } | null }>(sqlFile(import.meta.url, 'sql/area.sql'), [f.jurisdictionId, f.grid]);
  const area = rows[0]?.geom;
  if (area) {
    const polygons = area.type === 'MultiPolygon' ? (area.coordinates as number[][][][]) : area.type === 'Polygon' ? [area.coordinates as number[][][]] : [];
    for (const poly of polygons) {
      for (const c of polygonToCells(poly, u.res, true)) {
        cells.add(c);
        if (cells.size > MAX_CELLS) throw unprocessable('too_many_cells', `The study area has more than ${MAX_CELLS} cells at resolution ${u.res}; use a coarser resolution or a grid filter`);
      }
    }
  }
  const ids = [...cells].sort();
  const byCell = new Map(counted.map((c) => [c.cell, c.count]));
  const centres = ids.map((c) => cellToLatLng(c));
  return {
    ids, names: ids.map(() => null), households: ids.map((c) => hh.get(c) ?? null), population: ids.map(() => null), counts: ids.map((c) => byCell.get(c) ?? 0),
    lat: centres.map((p) => p[0]), lon: centres.map((p) => p[1]), res: u.res,
  };
}

async function lowestTier(q: Queryable, jurisdictionId: number): Promise<number> {
  const { rows } = await q.query<{ tier: number | null }>('SELECT max(tier) AS tier FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL', [jurisdictionId]);
  if (rows[0]?.tier == null) throw unprocessable('no_grids', 'This jurisdiction has no grids yet');
  return rows[0].tier;
}

/** Neighbours of the units: k-ring (H3), shared edge (grids), distance band or k nearest (both). */
export async function unitNeighbours(q: Queryable, f: Filter, u: UnitQuery, units: Units): Promise<{ w: Neighbours; description: string }> {
  const type = u.neighbours ?? (u.unit === 'h3' ? 'kring' : 'contiguity');
  if (type === 'kring') {
    if (u.unit !== 'h3') throw badRequest('kring_needs_h3', 'k-ring neighbours are for H3 cells; use contiguity, distance or knn for grids');
    return { w: kRing(units.ids, u.k), description: `k-ring ${u.k}` };
  }
  if (type === 'contiguity') {
    if (u.unit !== 'grid') throw badRequest('contiguity_needs_grids', 'Shared-edge contiguity is for grids; H3 cells use k-ring');
    const { rows } = await q.query<{ a: string; b: string }>(sqlFile(import.meta.url, 'sql/grid-contiguity.sql'), [f.jurisdictionId, units.tier, units.ids]);
    const pos = new Map(units.ids.map((id, i) => [id, i]));
    const lists: number[][] = units.ids.map(() => []);
    for (const r of rows) { const a = pos.get(r.a)!; const b = pos.get(r.b)!; lists[a].push(b); lists[b].push(a); }
    return { w: fromLists(lists), description: 'shared edge' };
  }
  if (type === 'distance') {
    if (!u.meters) throw badRequest('meters_required', 'Distance neighbours need ?meters=');
    return { w: distanceBand(units.lon, units.lat, u.meters, 'sphere'), description: `distance ≤ ${u.meters} m` };
  }
  if (u.k >= units.ids.length) throw unprocessable('k_too_large', `k (${u.k}) must be smaller than the number of units (${units.ids.length})`);
  return { w: knn(units.lon, units.lat, u.k, 'sphere'), description: `${u.k} nearest` };
}

/** The space-time cube: counts[t][u] over the units and the steps from `from` (or the first report) to `to` (or the last). */
export async function loadCube(q: Queryable, f: Filter, u: UnitQuery, units: Units, step: 'week' | 'month'): Promise<{ steps: string[]; counts: number[][] }> {
  const { rows: range } = await q.query<{ first: Date | null; last: Date | null; n: number }>(withFilter('sql/time-range.sql'), filterParams(f));
  if (!range[0] || range[0].n === 0) throw unprocessable('no_incidents', 'No incidents match these filters');
  const start = f.from ? new Date(f.from) : range[0].first!;
  const end = f.to ? new Date(Date.parse(f.to) - 1) : range[0].last!;
  const steps = stepStarts(start, end, step);
  if (steps.length * units.ids.length > MAX_CUBE) {
    throw unprocessable('cube_too_large', `${units.ids.length} units × ${steps.length} steps is more than ${MAX_CUBE.toLocaleString('en')} bins; use a coarser resolution, monthly steps or a shorter period`);
  }
  const sql = u.unit === 'h3' ? withFilter('sql/h3-cube.sql', 'sql/filter-h3.sql') : withFilter('sql/grid-cube.sql');
  const { rows } = await q.query<{ unit: string; step: string; n: number }>(sql, [...filterParams(f), u.unit === 'h3' ? u.res : units.tier, step]);
  const unitPos = new Map(units.ids.map((id, i) => [id, i]));
  const stepPos = new Map(steps.map((s, i) => [s, i]));
  const counts = steps.map(() => new Array<number>(units.ids.length).fill(0));
  for (const r of rows) {
    const ui = unitPos.get(u.unit === 'h3' ? hexToCell(r.unit) : r.unit);
    const si = stepPos.get(r.step);
    if (ui !== undefined && si !== undefined) counts[si][ui] += r.n;
  }
  return { steps, counts };
}

/** UTC step starts (Mondays for weeks, the 1st for months) covering [start, end], as YYYY-MM-DD. */
export function stepStarts(start: Date, end: Date, step: 'week' | 'month'): string[] {
  const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), step === 'month' ? 1 : start.getUTCDate()));
  if (step === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  const out: string[] = [];
  while (d.getTime() <= end.getTime() && out.length <= 1000) {
    out.push(d.toISOString().slice(0, 10));
    if (step === 'week') d.setUTCDate(d.getUTCDate() + 7); else d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/**
 * Incidents per 100 households (default) or per 1,000 residents (`per=population`, grids only,
 * from grids.population); null where the denominator is unknown.
 */
export function rateOf(units: Units, i: number, per: 'households' | 'population'): number | null {
  if (per === 'population') return units.population[i] ? (1000 * units.counts[i]) / units.population[i]! : null;
  return units.households[i] ? (100 * units.counts[i]) / units.households[i]! : null;
}
