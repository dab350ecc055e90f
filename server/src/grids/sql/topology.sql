-- The topology check (全覆盖、无缝隙) of one set of sibling grids under one parent.
-- Candidates are the grids about to be published ($1, GeoJSON) plus, when $5, the current
-- siblings they do not replace. One row per finding; the caller grades them (errors,
-- warnings, slivers). Pieces below 0.01 m² are floating-point noise of the overlay, not findings.
-- No difference is computed when the children already cover the parent: cheaper, and it avoids
-- a GEOS failure of the embedded PostGIS on large exactly-tiled parents.
-- $1 json [{code, name, geom}]  $2 jurisdiction  $3 parent code or NULL  $4 tier
-- $5 include current siblings  $6 asOf
WITH j AS (
  SELECT households_min, households_max, sliver_m2,
         (SELECT max(level) FROM tiers WHERE jurisdiction_id = $2) AS bottom
    FROM jurisdictions WHERE id = $2
), input AS (
  SELECT (u.ord - 1)::int AS idx, u.e->>'code' AS code, u.e->>'name' AS name,
         ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(u.e->>'geom'), 4326)) AS raw
    FROM json_array_elements($1::json) WITH ORDINALITY AS u(e, ord)
  UNION ALL
  SELECT NULL::int, g.code, g.name, g.geom
    FROM grids g
   WHERE $5::boolean AND g.jurisdiction_id = $2 AND g.tier = $4 AND g.parent_code IS NOT DISTINCT FROM $3::text
     AND g.valid_from <= $6 AND (g.valid_to IS NULL OR g.valid_to > $6)
     AND g.code NOT IN (SELECT e->>'code' FROM json_array_elements($1::json) e WHERE e->>'code' IS NOT NULL)
), cand AS (
  SELECT row_number() OVER () AS k, i.idx, i.code, i.name, i.raw, ST_IsValid(i.raw) AS valid,
         CASE WHEN ST_IsValid(i.raw) THEN i.raw ELSE ST_CollectionExtract(ST_MakeValid(i.raw), 3) END AS g
    FROM input i
), parent AS (
  SELECT p.geom FROM grids p
   WHERE p.jurisdiction_id = $2 AND p.code = $3::text
     AND p.valid_from <= $6 AND (p.valid_to IS NULL OR p.valid_to > $6)
), findings AS (
  SELECT 'invalid_geometry' AS kind, ARRAY[c.code] AS codes, ARRAY[c.idx] AS idxs, NULL::float8 AS area_m2,
         c.raw AS geom, ST_IsValidReason(c.raw) AS reason, ST_Multi(c.g) AS repair,
         (ST_IsValidDetail(c.raw)).location AS location, NULL::int AS value, NULL::jsonb AS detail
    FROM cand c WHERE NOT c.valid
  UNION ALL
  SELECT 'empty_grid', ARRAY[c.code], ARRAY[c.idx], 0, c.raw, NULL, NULL, NULL, NULL, NULL
    FROM cand c WHERE c.g IS NULL OR ST_IsEmpty(c.g) OR ST_Area(c.g) = 0
  UNION ALL
  SELECT 'duplicate_code', array_agg(c.code), array_agg(c.idx), NULL, ST_Collect(c.g), NULL, NULL, NULL, count(*)::int, NULL
    FROM cand c WHERE c.code IS NOT NULL GROUP BY c.code HAVING count(*) > 1
  UNION ALL
  SELECT 'code_not_nested', ARRAY[c.code], ARRAY[c.idx], NULL, c.g, 'code does not start with the parent code ' || $3::text, NULL, NULL, NULL,
         jsonb_build_object('parent', $3::text)
    FROM cand c WHERE $3::text IS NOT NULL AND c.code IS NOT NULL AND (left(c.code, length($3::text)) <> $3::text OR c.code = $3::text)
  UNION ALL
  SELECT 'bad_code', ARRAY[c.code], ARRAY[c.idx], NULL, c.g, 'codes are 1–40 of 0-9 A-Z a-z _ -', NULL, NULL, NULL, NULL
    FROM cand c WHERE c.code IS NOT NULL AND c.code !~ '^[0-9A-Za-z_-]{1,40}$'
  UNION ALL
  SELECT 'code_taken', ARRAY[c.code], ARRAY[c.idx], NULL, c.g,
         'code already used by the current tier-' || o.tier || ' grid "' || o.name || '"', NULL, NULL, NULL,
         jsonb_build_object('tier', o.tier, 'name', o.name)
    FROM cand c JOIN grids o ON o.jurisdiction_id = $2 AND o.code = c.code AND o.valid_to IS NULL
                             AND (o.tier <> $4 OR o.parent_code IS DISTINCT FROM $3::text)
  UNION ALL
  SELECT 'overlap', ARRAY[a.code, b.code], ARRAY[a.idx, b.idx], ST_Area(d.geom::geography), d.geom, NULL, NULL, NULL, NULL, NULL
    FROM cand a JOIN cand b ON a.k < b.k AND a.g && b.g AND ST_Relate(a.g, b.g, '2********'),
         LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(a.g, b.g), 3)) d
  UNION ALL
  SELECT 'gap', ARRAY[]::text[], ARRAY[]::int[], ST_Area(d.geom::geography), d.geom, NULL, NULL, NULL, NULL, NULL
    FROM parent p,
         LATERAL (SELECT ST_Union(c.g) AS u FROM cand c WHERE c.g IS NOT NULL AND NOT ST_IsEmpty(c.g)) cu,
         LATERAL ST_Dump(ST_CollectionExtract(CASE WHEN cu.u IS NULL THEN p.geom WHEN ST_Covers(cu.u, p.geom) THEN NULL ELSE ST_Difference(p.geom, cu.u) END, 3)) d
  UNION ALL
  SELECT 'outside_parent', ARRAY[c.code], ARRAY[c.idx], ST_Area(d.geom::geography), d.geom, NULL, NULL, NULL, NULL, NULL
    FROM cand c, parent p, LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(c.g, p.geom), 3)) d
   WHERE c.g IS NOT NULL AND NOT ST_IsEmpty(c.g) AND NOT ST_CoveredBy(c.g, p.geom)
), counts AS (
  SELECT c.k, coalesce(sum(h.households), 0)::int AS n
    FROM cand c LEFT JOIN households h ON h.jurisdiction_id = $2 AND ST_Intersects(c.g, h.pt)
   WHERE c.g IS NOT NULL
   GROUP BY c.k
)
SELECT f.kind, f.codes, f.idxs, f.area_m2, ST_AsGeoJSON(f.geom, 7)::json AS geom, f.reason,
       ST_AsGeoJSON(f.repair, 7)::json AS repair, ST_AsGeoJSON(f.location, 7)::json AS location, f.value, f.detail,
       j.sliver_m2, NULL::int AS households_min, NULL::int AS households_max
  FROM findings f, j
 WHERE f.area_m2 IS NULL OR f.kind = 'empty_grid' OR f.area_m2 >= 0.01
UNION ALL
-- Households per candidate (derived by point-in-polygon); out of band only matters for unit grids.
SELECT CASE WHEN b.out THEN 'households_out_of_band' ELSE 'households' END,
       ARRAY[c.code], ARRAY[c.idx], NULL, CASE WHEN b.out THEN ST_AsGeoJSON(c.g, 7)::json END, NULL, NULL, NULL, n.n, NULL,
       j.sliver_m2, j.households_min, j.households_max
  FROM counts n JOIN cand c ON c.k = n.k CROSS JOIN j,
       LATERAL (SELECT $4 = j.bottom AND (n.n < j.households_min OR n.n > j.households_max) AS out) b;
