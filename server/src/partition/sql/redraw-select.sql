-- The blocks of grid $2 that a drawn geometry ($4, GeoJSON WGS84) gives to grid $3:
-- - a Polygon: the blocks with a point of their surface inside it;
-- - a LineString: the line cuts grid $2 into pieces; the blocks (a point of their surface) in the
--   piece that shares the longest edge with grid $3 (the side of the line that $3 is on).
-- One row: ids (NULL when none) and how many pieces the line cut grid $2 into (0 for a polygon).
WITH d AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($4), 4326) AS g),
a AS (SELECT ST_GeometryN(geom, 1) AS geom FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = $2),
b AS (SELECT geom FROM partition_grids WHERE job_id = $1 AND variant = 'proposal' AND seq = $3),
pieces AS (
  SELECT p.path[1] AS n, p.geom FROM a, d, ST_Dump(ST_Split(a.geom, d.g)) p WHERE ST_Dimension(d.g) = 1
),
side AS (
  SELECT p.geom FROM pieces p, b
   ORDER BY ST_Length(ST_CollectionExtract(ST_Intersection(p.geom, b.geom, 1e-9), 2)) DESC, p.n
   LIMIT 1
),
region AS (
  SELECT g FROM d WHERE ST_Dimension(g) = 2
  UNION ALL
  SELECT geom FROM side WHERE (SELECT count(*) FROM pieces) > 1
)
SELECT (SELECT array_agg(u.id ORDER BY u.id) FROM partition_blocks u, region r
         WHERE u.job_id = $1 AND u.grid_seq = $2 AND ST_Intersects(r.g, ST_PointOnSurface(u.geom))) AS ids,
       (SELECT count(*)::int FROM pieces) AS pieces
