import type { AuthUser } from '../core/auth.ts';
import { audit } from '../core/audit.ts';
import type { Queryable } from '../core/db.ts';
import { sqlFile } from '../core/db.ts';
import { badRequest, notFound, unprocessable } from '../core/errors.ts';
import { generateCodes, maxSequence } from './codes.ts';
import { assertPositionCap, bbox, type AreaGeometry } from './geojson.ts';
import { gridsChanged } from './locate-cache.ts';
import { checkTopology, type TopologyReport } from './topology.ts';

export interface NewGrid {
  /** Left out: generated as parent code + 3-digit sequence, west→east, north→south. */
  code?: string;
  name: string;
  nameEn?: string;
  /** GeoJSON Polygon or MultiPolygon in WGS84. */
  geom: AreaGeometry;
  population?: number;
  attributes?: Record<string, unknown>;
}

export interface PublishGridsInput {
  jurisdictionId: number;
  /** The parent grid's current code; null for the top tier. */
  parentCode: string | null;
  /** Tier of the new grids: the parent's tier + 1 (1 without a parent). */
  tier: number;
  grids: NewGrid[];
  /**
   * true: every current child of the parent is closed and `grids` become its children (a
   * redrawn community). false: `grids` are added; a grid whose code is already a current child
   * replaces that child (a new version of it); the other children stay.
   */
  replaceChildren: boolean;
  user: Pick<AuthUser, 'id' | 'username'> | null;
  /** Publish even when the check found warnings (households outside the band). Errors always refuse. */
  acceptWarnings?: boolean;
  summary?: string;
}

export interface PublishGridsResult {
  changeSetId: number;
  validFrom: string;
  opened: { code: string; name: string; version: number; households: number }[];
  closed: string[];
  report: TopologyReport;
}

/**
 * Publishes a set of new child grids under a parent as one change set, inside the caller's
 * transaction `q` (call it from `db.tx`): runs the topology check and refuses with the report
 * (422 `topology_errors`, or 422 `topology_warnings` unless acceptWarnings), closes the grids it
 * replaces (valid_to = now), inserts the new versions with households derived by
 * point-in-polygon, writes the audit line and bumps the `grids` layer version. Nothing is
 * overwritten: old versions stay readable with asOf.
 */
export async function publishGrids(q: Queryable, input: PublishGridsInput): Promise<PublishGridsResult> {
  if (input.grids.length === 0) throw badRequest('no_grids', 'Give at least one grid to publish');
  assertPositionCap(input.grids);
  // Short overlay queries with large cost estimates: JIT compilation would cost seconds.
  await q.query('SET LOCAL jit = off');
  // One publish at a time per jurisdiction: the check and the write must see the same siblings.
  await q.query('SELECT pg_advisory_xact_lock(727274003, $1)', [input.jurisdictionId]);
  const { rows: jr } = await q.query<{ id: number; prefix: string | null; tiers: number[] }>(
    `SELECT j.id, j.attributes->>'codePrefix' AS prefix, array(SELECT level FROM tiers t WHERE t.jurisdiction_id = j.id ORDER BY level) AS tiers
       FROM jurisdictions j WHERE j.id = $1`, [input.jurisdictionId]);
  const j = jr[0];
  if (!j) throw notFound('jurisdiction_not_found', `No jurisdiction ${input.jurisdictionId}`);
  if (!j.tiers.includes(input.tier)) throw badRequest('unknown_tier', `The jurisdiction has no tier ${input.tier} (tiers: ${j.tiers.join(', ')})`);
  if (input.parentCode !== null) {
    const { rows: pr } = await q.query<{ tier: number }>('SELECT tier FROM grids WHERE jurisdiction_id = $1 AND code = $2 AND valid_to IS NULL', [input.jurisdictionId, input.parentCode]);
    if (!pr[0]) throw notFound('parent_not_found', `No current grid ${input.parentCode} in jurisdiction ${input.jurisdictionId}`);
    if (pr[0].tier !== input.tier - 1) throw badRequest('tier_mismatch', `Grid ${input.parentCode} is tier ${pr[0].tier}; its children are tier ${pr[0].tier + 1}, not ${input.tier}`);
  } else if (input.tier !== 1) {
    throw badRequest('parent_required', `Tier-${input.tier} grids need a parentCode`);
  }

  const { rows: siblings } = await q.query<{ code: string }>(
    'SELECT code FROM grids WHERE jurisdiction_id = $1 AND tier = $2 AND parent_code IS NOT DISTINCT FROM $3 AND valid_to IS NULL',
    [input.jurisdictionId, input.tier, input.parentCode]);
  const codes = assignCodes(input, j.prefix ?? '', siblings.map((s) => s.code));

  const report = await checkTopology(q, {
    jurisdictionId: input.jurisdictionId, parentCode: input.parentCode, tier: input.tier,
    candidates: input.grids.map((g, i) => ({ code: codes[i], name: g.name, geom: g.geom })),
    includeExisting: !input.replaceChildren,
  });
  if (!report.ok) throw unprocessable('topology_errors', `The topology check found ${report.errors.length} error(s); nothing was published`, report);
  if (report.warnings.length > 0 && !input.acceptWarnings) {
    throw unprocessable('topology_warnings', `The topology check found ${report.warnings.length} warning(s); publish again with acceptWarnings to accept them`, report);
  }

  const { rows: cs } = await q.query<{ id: number; at: Date }>(
    `INSERT INTO grid_change_sets (jurisdiction_id, parent_code, tier, summary, report, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, published_at AS at`,
    [input.jurisdictionId, input.parentCode, input.tier, input.summary ?? '', JSON.stringify(slim(report)), input.user?.id ?? null]);
  const changeSetId = cs[0].id;
  const { rows: closed } = await q.query<{ code: string }>(
    `UPDATE grids SET valid_to = now(), closed_by_change_set_id = $5
      WHERE jurisdiction_id = $1 AND tier = $2 AND parent_code IS NOT DISTINCT FROM $3 AND valid_to IS NULL
        AND ($4::text[] IS NULL OR code = ANY ($4::text[]))
      RETURNING code`,
    [input.jurisdictionId, input.tier, input.parentCode, input.replaceChildren ? null : codes, changeSetId]);

  const payload = input.grids.map((g, i) => ({
    code: codes[i], name: g.name, nameEn: g.nameEn ?? null, geom: JSON.stringify(g.geom),
    population: g.population ?? null, attributes: g.attributes ?? {},
  }));
  const { rows: opened } = await q.query<{ code: string; name: string; version: number; households: number }>(
    sqlFile(import.meta.url, 'sql/publish-insert.sql'),
    [input.jurisdictionId, input.tier, input.parentCode, JSON.stringify(payload), changeSetId, input.user?.id ?? null]);

  // A closed grid that is not reopened must not leave current children pointing at nothing.
  const gone = closed.map((c) => c.code).filter((c) => !codes.includes(c));
  if (gone.length > 0) {
    const { rows: orphans } = await q.query<{ code: string; parent_code: string }>(
      'SELECT code, parent_code FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL AND parent_code = ANY ($2::text[]) ORDER BY code LIMIT 50',
      [input.jurisdictionId, gone]);
    if (orphans.length > 0) {
      throw unprocessable('orphaned_children', `Closing ${[...new Set(orphans.map((o) => o.parent_code))].join(', ')} would leave current children without a parent; republish those children first`, { orphans });
    }
  }
  // A redrawn grid that keeps its code keeps its children: they must still lie inside it.
  const { rows: strays } = await q.query<{ code: string; parent_code: string; outside_m2: number }>(
    `SELECT c.code, c.parent_code, round(ST_Area(ST_Difference(c.geom, p.geom)::geography)::numeric, 2)::float8 AS outside_m2
       FROM grids p JOIN grids c ON c.jurisdiction_id = p.jurisdiction_id AND c.parent_code = p.code AND c.valid_to IS NULL
      WHERE p.change_set_id = $1 AND p.valid_to IS NULL AND NOT ST_CoveredBy(c.geom, p.geom)
        AND ST_Area(ST_Difference(c.geom, p.geom)::geography) >= (SELECT sliver_m2 FROM jurisdictions WHERE id = $2)
      ORDER BY c.code LIMIT 50`, [changeSetId, input.jurisdictionId]);
  if (strays.length > 0) {
    throw unprocessable('children_outside', `${strays.length} current child grid(s) would reach outside their redrawn parent (e.g. ${strays[0].code}: ${strays[0].outside_m2} m² outside ${strays[0].parent_code}); redraw them too`, { children: strays });
  }
  await q.query('UPDATE grid_change_sets SET opened = $2, closed = $3 WHERE id = $1', [changeSetId, opened.length, closed.length]);
  await audit(q, input.user, 'publish', 'grid_change_set', changeSetId, {
    jurisdictionId: input.jurisdictionId, parentCode: input.parentCode, tier: input.tier,
    opened: opened.map((o) => o.code), closed: closed.map((c) => c.code), acceptedWarnings: report.warnings.length,
  });
  await q.query("SELECT bump_layer_version('grids')");
  gridsChanged();
  return { changeSetId, validFrom: cs[0].at.toISOString(), opened, closed: closed.map((c) => c.code).sort(), report };
}

/** Codes for the grids that have none: the parent's code (or the jurisdiction prefix) + sequence. */
function assignCodes(input: PublishGridsInput, jurisdictionPrefix: string, siblingCodes: string[]): string[] {
  const prefix = input.parentCode ?? jurisdictionPrefix;
  const missing = input.grids.map((g, i) => (g.code ? -1 : i)).filter((i) => i >= 0);
  const given = input.grids.map((g) => g.code).filter((c): c is string => !!c);
  const keep = input.replaceChildren ? [] : siblingCodes;
  const taken = new Set([...given, ...keep]);
  const items = missing.map((i) => {
    const [w, s, e, n] = bbox(input.grids[i].geom);
    return { x: (w + e) / 2, y: (s + n) / 2 };
  });
  // A shape too broken for a bounding box still gets a code; the check reports the shape.
  for (const it of items) if (!Number.isFinite(it.x) || !Number.isFinite(it.y)) { it.x = 0; it.y = 0; }
  const generated = generateCodes(prefix, items, { start: maxSequence(prefix, keep) + 1, taken });
  const codes = input.grids.map((g) => g.code ?? '');
  missing.forEach((i, k) => { codes[i] = generated[k]; });
  return codes;
}

/** The report without geometries, as kept with the change set. */
function slim(report: TopologyReport): object {
  const strip = (f: { geometry?: unknown; repair?: unknown; location?: unknown }) => ({ ...f, geometry: undefined, repair: undefined, location: undefined });
  return { ...report, errors: report.errors.map(strip), warnings: report.warnings.map(strip), slivers: report.slivers.map(strip) };
}
