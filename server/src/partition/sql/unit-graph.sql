-- Units (the work table of units-temp.sql) with their centroid in metres ($1 = local UTM SRID) and area, for the regionalisation's
-- seeds and distances. The centroid (not a point on the surface) and rounding to the centimetre
-- keep the graph the same on both databases: the two GEOS versions can leave a unit a hair
-- different (a vertex more along the area's edge, 1e-4 m² of area), which moved its point on
-- surface by 6 m and with it the proposal (Monte-Carlo), but moves the centroid by nothing.
SELECT u.id, u.face, u.zone, u.households, u.population,
       round(ST_X(c)::numeric, 2)::float8 AS x, round(ST_Y(c)::numeric, 2)::float8 AS y,
       round(ST_Area(ST_Transform(u.geom, $1::int))::numeric, 1)::float8 AS area
  FROM partition_units u, LATERAL ST_Transform(ST_Centroid(u.geom), $1::int) c
 ORDER BY u.id
