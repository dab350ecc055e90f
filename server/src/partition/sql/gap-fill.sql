-- Noding a large line set can snap the area's edge by a hair where GEOS falls back to a
-- snapping noder, leaving thin slivers of the area outside every unit. Each such piece joins
-- the unit it shares the longest edge with, so the units cover the area exactly.
WITH gaps AS (
  SELECT d.geom AS g
    FROM partition_jobs j,
         LATERAL (SELECT ST_Union(geom, 1e-9) AS u FROM partition_units) u,
         LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(j.area, u.u, 1e-9), 3)) d
   WHERE j.id = $1 AND ST_Area(d.geom) > 1e-14
),
pick AS (
  SELECT b.id, x.g
    FROM gaps x
    JOIN LATERAL (
      SELECT b.id FROM partition_units b
       WHERE b.geom && ST_Expand(x.g, 1e-7) AND ST_DWithin(b.geom, x.g, 1e-9)
       ORDER BY ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(b.geom), ST_Buffer(x.g, 1e-9), 1e-9), 2)) DESC, b.id
       LIMIT 1) b ON true
),
merged AS (
  SELECT b.id, ST_Union(b.geom, ST_Union(p.g, 1e-9), 1e-9) AS geom
    FROM pick p JOIN partition_units b ON b.id = p.id
   GROUP BY b.id, b.geom
)
UPDATE partition_units b SET geom = m.geom
  FROM merged m
 WHERE b.id = m.id AND GeometryType(m.geom) = 'POLYGON'
