-- Noding is done on a 1e-9° grid (0.1 mm): PGlite's GEOS gives up on some floating-point
-- noding (an empty result) that fixed-precision noding handles.
-- Faces of the noded network (all lines) that lie inside the area: the blocks. Faces that fill
-- holes of the area are dropped by the point-on-surface test; a hair-thin face along the area's
-- edge (a road drawn along the border) whose point falls a rounding error outside is kept by
-- its overlap with the area.
INSERT INTO partition_faces (id, geom)
SELECT row_number() OVER (ORDER BY ST_XMin(f.geom), ST_YMin(f.geom), ST_XMax(f.geom), ST_YMax(f.geom), ST_Area(f.geom))::int, f.geom
  FROM (SELECT (ST_Dump(ST_Polygonize(g))).geom FROM (SELECT ST_Union(g, 1e-9) AS g FROM partition_lines) n) f,
       partition_jobs j
 WHERE j.id = $1 AND (ST_Intersects(j.area, ST_PointOnSurface(f.geom))
       OR ST_Area(ST_Intersection(j.area, f.geom, 1e-9)) > 0.5 * ST_Area(f.geom))
