-- Locates many points at once: for each, the deepest grid valid at $3 that contains it; then,
-- once per distinct grid found (not once per point), its chain of parents up to tier 1.
-- Rows of kind 'p' map a point to its grid; rows of kind 'c' are the chain of a grid.
-- A point on a shared edge or vertex lies in several grids; the one with the lowest code wins,
-- so the answer is the same every time.
-- $1 lng[]  $2 lat[]  $3 asOf  $4 jurisdiction id or NULL for any
WITH RECURSIVE pts AS (
  SELECT i::int AS i, ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS p
    FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(lng, lat, i)
), leaves AS (
  SELECT pts.i, leaf.jurisdiction_id, leaf.code
    FROM pts
    JOIN LATERAL (
      SELECT g.jurisdiction_id, g.code FROM grids g
       WHERE ST_Intersects(g.geom, pts.p)
         AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
         AND ($4::int IS NULL OR g.jurisdiction_id = $4::int)
       ORDER BY g.tier DESC, g.code
       LIMIT 1
    ) leaf ON true
), found AS (
  SELECT DISTINCT jurisdiction_id, code FROM leaves
), chain AS (
  SELECT f.code AS leaf, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code, 0 AS depth
    FROM found f JOIN grids g ON g.jurisdiction_id = f.jurisdiction_id AND g.code = f.code
     AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
  UNION ALL
  SELECT c.leaf, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code, c.depth + 1
    FROM chain c JOIN grids g ON g.jurisdiction_id = c.jurisdiction_id AND g.code = c.parent_code
     AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
   WHERE c.depth < 10
)
SELECT 'p' AS kind, l.i, l.jurisdiction_id, l.code AS leaf, NULL::int AS tier, NULL AS code, NULL AS name, NULL AS name_en,
       NULL AS tier_name, NULL AS tier_name_en
  FROM leaves l
UNION ALL
SELECT 'c', NULL, c.jurisdiction_id, c.leaf, c.tier, c.code, c.name, c.name_en, t.name, t.name_en
  FROM chain c LEFT JOIN tiers t ON t.jurisdiction_id = c.jurisdiction_id AND t.level = c.tier;
