-- The zone of each face: which face of the hard-only network (hard barriers, the area's
-- boundary, kept lower borders) it lies in. Two blocks of different zones are separated by a
-- hard barrier. Point-in-polygon first (fast, repeated tests on one polygon are prepared);
-- the nearest zone only for a sliver whose point a rounding error put outside every zone.
WITH zones AS MATERIALIZED (
  SELECT row_number() OVER (ORDER BY ST_XMin(z.geom), ST_YMin(z.geom), ST_Area(z.geom))::int AS zone, z.geom
    FROM (SELECT (ST_Dump(ST_Polygonize(g))).geom FROM (SELECT ST_Union(g, 1e-9) AS g FROM partition_lines WHERE hard) n) z
),
pos AS MATERIALIZED (SELECT id, geom, ST_PointOnSurface(geom) AS p FROM partition_faces)
UPDATE partition_faces f SET zone = coalesce(
  (SELECT min(z.zone) FROM zones z WHERE ST_Intersects(z.geom, pos.p)),
  (SELECT z.zone FROM zones z WHERE z.geom && pos.geom ORDER BY ST_Distance(z.geom, pos.p), z.zone LIMIT 1),
  0)
  FROM pos
 WHERE pos.id = f.id
