-- Temp tables for a synthetic-incident run in one session: the jurisdiction's building points
-- and road lines numbered 1…n (so a seeded generator can pick them by number), and the grid
-- chain of every current grid (sql/chains-prepare.sql).
-- $1 jurisdiction
DROP TABLE IF EXISTS demo_buildings, demo_roads;
CREATE TEMP TABLE demo_buildings AS
  SELECT row_number() OVER (ORDER BY id)::int AS rn, pt FROM households WHERE jurisdiction_id = $1;
CREATE TEMP TABLE demo_roads AS
  SELECT row_number() OVER (ORDER BY id)::int AS rn, ST_GeometryN(geom, 1) AS line FROM barriers
   WHERE jurisdiction_id = $1 AND kind = 'road' AND class NOT IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'footway', 'steps', 'path', 'cycleway');
ANALYZE demo_buildings; ANALYZE demo_roads;
