-- Faces holding more than $2 households (half the target) and two or more residential buildings are cut
-- between buildings: the Voronoi edges of the buildings' points inside the face, stretched a
-- hair past the face's edge so the noding closes every cell (the overshoot is a dangle that
-- polygonizing drops). Faces in $3 are cut by straight lines instead (a mixed unit set, engine.ts).
WITH big AS (
  SELECT f.id, f.geom, ST_Collect(h.pt) AS pts, count(*) AS n
    FROM partition_faces f
    JOIN partition_jobs j ON j.id = $1
    JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND h.households > 0 AND ST_Intersects(f.geom, h.pt)
   WHERE f.households > $2::float8 AND NOT f.id = ANY ($3::int[])
   GROUP BY f.id, f.geom
  HAVING count(DISTINCT ST_AsBinary(h.pt)) > 1
)
INSERT INTO partition_lines (hard, split, g)
SELECT false, true, ST_CollectionExtract(ST_Intersection(ST_VoronoiLines(pts, 0, geom), ST_Buffer(geom, 1e-7), 1e-9), 2)
  FROM big
