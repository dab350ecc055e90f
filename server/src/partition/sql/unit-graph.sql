-- Units with their centroid in metres ($2 = local UTM SRID) and the edges between units that
-- share a line (length in metres); units touching at a point only are not neighbours.
SELECT u.id, u.face, u.zone, u.households, u.population,
       ST_X(c) AS x, ST_Y(c) AS y, ST_Area(ST_Transform(u.geom, $2::int)) AS area
  FROM partition_blocks u, LATERAL ST_Transform(ST_PointOnSurface(u.geom), $2::int) c
 WHERE u.job_id = $1
 ORDER BY u.id
