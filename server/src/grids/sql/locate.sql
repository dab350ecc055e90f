-- Locates many points at once: for each, the deepest grid valid at $3 that contains it, then
-- its chain of parents up to tier 1. A point on a shared edge or vertex lies in several grids;
-- the one with the lowest code wins, so the answer is the same every time.
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
), chain AS (
  SELECT l.i, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code
    FROM leaves l JOIN grids g ON g.jurisdiction_id = l.jurisdiction_id AND g.code = l.code
     AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
  UNION ALL
  SELECT c.i, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code
    FROM chain c JOIN grids g ON g.jurisdiction_id = c.jurisdiction_id AND g.code = c.parent_code
     AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
)
SELECT c.i, c.jurisdiction_id, c.tier, c.code, c.name, c.name_en, t.name AS tier_name, t.name_en AS tier_name_en
  FROM chain c LEFT JOIN tiers t ON t.jurisdiction_id = c.jurisdiction_id AND t.level = c.tier
 ORDER BY c.i, c.tier;
