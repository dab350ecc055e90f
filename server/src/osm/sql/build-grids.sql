-- Turns the staged admin areas into the jurisdiction's first two grid tiers.
-- Tier 1: areas of the top admin level that hold at least $3 (a share) of the buildings, so the
-- neighbouring communes an extract clips at its edge are left out. Clipped to the land the
-- buildings stand on is not attempted: a coastline-bounded boundary keeps its sea, as OSM has it.
-- Tier 2: areas of the lower level whose inner point lies in a tier-1 grid, clipped to it.
-- Codes: tier 1 = $4 + sequence (3 digits); tier 2 = parent code + 3-digit sequence numbered
-- north to south in rows, west to east within a row.
WITH counts AS (
  SELECT a.osm_id, a.name, a.name_en, a.geom, count(h.id) AS n
    FROM osm_admin a LEFT JOIN households h ON h.jurisdiction_id = $1 AND ST_Intersects(a.geom, h.pt)
   WHERE a.level = $2
   GROUP BY a.osm_id, a.name, a.name_en, a.geom
), total AS (SELECT greatest(count(*), 1) AS n FROM households WHERE jurisdiction_id = $1)
INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, attributes)
SELECT $1, 1, $4 || lpad((row_number() OVER (ORDER BY ST_X(ST_PointOnSurface(c.geom))))::text, 3, '0'),
       c.name, c.name_en, NULL, ST_Multi(c.geom), jsonb_build_object('osm_id', c.osm_id)
  FROM counts c, total t
 WHERE c.n >= $3::float8 * t.n;
