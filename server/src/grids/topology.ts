import type { Geometry } from 'geojson';
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { checkShape, type AreaGeometry } from './geojson.ts';

export type FindingKind =
  | 'invalid_geometry' | 'empty_grid' | 'duplicate_code' | 'code_not_nested' | 'bad_code' | 'code_taken'
  | 'overlap' | 'gap' | 'outside_parent' | 'households_out_of_band';

/**
 * A finding's figures as data, for the kinds whose English `message` holds figures found in no
 * other field (so a client can say it in its reader's language): how many grids share a code,
 * the parent code a code must start with, the tier and name of the grid that holds a code, a
 * grid's households and the band.
 */
export type FindingDetail =
  | { code: 'duplicate_code'; grids: number }
  | { code: 'code_not_nested'; parent: string }
  | { code: 'bad_code' }
  | { code: 'code_taken'; tier: number; name: string }
  | { code: 'households_out_of_band'; households: number; min: number; max: number };

export interface Finding {
  kind: FindingKind;
  severity: 'error' | 'warning' | 'sliver';
  /** Codes of the grids involved (null for a new grid that has no code yet). */
  codes: (string | null)[];
  /** Positions in the submitted list of the new grids involved (absent for existing ones). */
  indexes: (number | null)[];
  message: string;
  /** The offending geometry: the overlap, the gap, the part outside the parent, the grid itself. */
  geometry: Geometry | null;
  areaM2: number | null;
  /** PostGIS's reason for invalid geometry. */
  reason?: string;
  /** A proposed repair (ST_MakeValid, or the ring closed). */
  repair?: Geometry | null;
  /** Where PostGIS found the problem. */
  location?: Geometry | null;
  households?: number;
  detail?: FindingDetail;
}

export interface TopologyReport {
  jurisdictionId: number;
  parentCode: string | null;
  tier: number;
  checkedGrids: number;
  sliverM2: number;
  householdsBand: { min: number; max: number } | null;
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  slivers: Finding[];
  /** Households per checked grid (by code, or `#index` for a new grid without a code). */
  households: Record<string, number>;
}

export interface Candidate {
  code: string | null;
  name: string;
  geom: AreaGeometry;
}

export interface TopologyInput {
  jurisdictionId: number;
  parentCode: string | null;
  tier: number;
  /** New grids, checked together with the current siblings they do not replace when includeExisting. */
  candidates: Candidate[];
  includeExisting: boolean;
  asOf?: Date;
}

interface Row {
  kind: string; codes: (string | null)[]; idxs: (number | null)[]; area_m2: number | null; geom: Geometry | null;
  reason: string | null; repair: Geometry | null; location: Geometry | null; value: number | null;
  detail: { parent?: string; tier?: number; name?: string } | null;
  sliver_m2: number; households_min: number | null; households_max: number | null;
}

const AREA_KINDS = new Set(['overlap', 'gap', 'outside_parent']);

/**
 * The topology check (全覆盖、无缝隙) of a parent's children: invalid geometry with PostGIS's
 * reason and a proposed repair, sibling overlaps, gaps, children outside the parent, code
 * problems, empty grids (errors); household counts outside the band (warnings); overlaps,
 * gaps and overhangs smaller than the jurisdiction's sliver area (slivers, listed apart).
 */
export async function checkTopology(q: Queryable, input: TopologyInput): Promise<TopologyReport> {
  // The overlay query's cost estimate is large enough for PostgreSQL to JIT-compile it, which
  // takes seconds for a query that runs in milliseconds. Call inside a transaction so this holds.
  await q.query('SET LOCAL jit = off');
  const { rows: jr } = await q.query<{ sliver_m2: number; households_min: number; households_max: number; bottom: number | null }>(
    'SELECT sliver_m2, households_min, households_max, (SELECT max(level) FROM tiers WHERE jurisdiction_id = $1) AS bottom FROM jurisdictions WHERE id = $1',
    [input.jurisdictionId]);
  const j = jr[0];
  const report: TopologyReport = {
    jurisdictionId: input.jurisdictionId, parentCode: input.parentCode, tier: input.tier, checkedGrids: 0,
    sliverM2: j?.sliver_m2 ?? 0,
    householdsBand: j && input.tier === j.bottom ? { min: j.households_min, max: j.households_max } : null,
    ok: true, errors: [], warnings: [], slivers: [], households: {},
  };
  // Shapes PostGIS cannot parse are reported here and left out of the SQL check.
  const parsable: { c: Candidate; index: number }[] = [];
  input.candidates.forEach((c, index) => {
    const problem = checkShape(c.geom);
    if (!problem) return parsable.push({ c, index });
    report.errors.push({ kind: 'invalid_geometry', severity: 'error', codes: [c.code], indexes: [index], message: `${label(c.code, index)}: ${problem.reason}`, geometry: null, areaM2: null, reason: problem.reason, repair: problem.repair ?? null });
  });
  const payload = JSON.stringify(parsable.map(({ c }) => ({ code: c.code, name: c.name, geom: JSON.stringify(c.geom) })));
  const { rows } = await q.query<Row>(sqlFile(import.meta.url, 'sql/topology.sql'),
    [payload, input.jurisdictionId, input.parentCode, input.tier, input.includeExisting, input.asOf ?? new Date()]);
  // SQL indexes count within the parsable list; map them back to the caller's positions.
  const back = (i: number | null) => (i === null ? null : parsable[i].index);
  for (const r of rows) {
    const indexes = r.idxs.map(back);
    if (r.kind === 'households' || r.kind === 'households_out_of_band') {
      report.checkedGrids++;
      report.households[r.codes[0] ?? `#${indexes[0]}`] = r.value ?? 0;
      if (r.kind === 'households') continue;
    }
    const f = finding(r, indexes);
    (f.severity === 'error' ? report.errors : f.severity === 'warning' ? report.warnings : report.slivers).push(f);
  }
  report.checkedGrids += input.candidates.length - parsable.length;
  const byArea = (a: Finding, b: Finding) => (b.areaM2 ?? 0) - (a.areaM2 ?? 0);
  report.errors.sort((a, b) => a.kind.localeCompare(b.kind) || byArea(a, b));
  report.slivers.sort(byArea);
  report.ok = report.errors.length === 0;
  return report;
}

function finding(r: Row, indexes: (number | null)[]): Finding {
  const names = r.codes.map((c, i) => label(c, indexes[i])).join(' and ');
  const area = r.area_m2 === null ? null : Math.round(r.area_m2 * 100) / 100;
  const severity = r.kind === 'households_out_of_band' ? 'warning' : AREA_KINDS.has(r.kind) && (r.area_m2 ?? 0) < r.sliver_m2 ? 'sliver' : 'error';
  const f: Finding = { kind: r.kind as FindingKind, severity, codes: r.codes, indexes, message: '', geometry: r.geom, areaM2: area };
  switch (r.kind) {
    case 'invalid_geometry':
      Object.assign(f, { reason: r.reason, repair: r.repair, location: r.location, message: `${names}: invalid geometry (${r.reason}); ST_MakeValid proposes a repair` });
      break;
    case 'empty_grid': f.message = `${names} is empty (no area)`; break;
    case 'duplicate_code':
      f.message = `code ${r.codes[0]} is used by ${r.value} grids`;
      f.detail = { code: 'duplicate_code', grids: r.value ?? 0 };
      break;
    case 'code_not_nested': f.message = `${names}: ${r.reason}`; f.detail = { code: 'code_not_nested', parent: r.detail?.parent ?? '' }; break;
    case 'bad_code': f.message = `${names}: ${r.reason}`; f.detail = { code: 'bad_code' }; break;
    case 'code_taken':
      f.message = `${names}: ${r.reason}`;
      f.detail = { code: 'code_taken', tier: r.detail?.tier ?? 0, name: r.detail?.name ?? '' };
      break;
    case 'overlap': f.message = `${names} overlap by ${area} m²`; break;
    case 'gap': f.message = `a gap of ${area} m² inside the parent is covered by no child`; break;
    case 'outside_parent': f.message = `${names} reaches ${area} m² outside its parent`; break;
    case 'households_out_of_band':
      f.households = r.value ?? 0;
      f.message = `${names} holds ${r.value} households, outside the band ${r.households_min}–${r.households_max}`;
      f.detail = { code: 'households_out_of_band', households: r.value ?? 0, min: r.households_min ?? 0, max: r.households_max ?? 0 };
      break;
  }
  if (severity === 'sliver') f.message = `sliver: ${f.message}`;
  return f;
}

const label = (code: string | null, index: number | null) => (code ? `grid ${code}` : `new grid #${index}`);
