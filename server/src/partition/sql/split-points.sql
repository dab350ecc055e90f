-- Faces holding more than $2 households (half the target) and two or more residential buildings,
-- with their buildings' points in metres ($3 = local UTM SRID) and the face's outline (its
-- exterior ring, in metres; cuts.ts takes the minimum-area rectangle around it): the input of
-- the straight cuts between buildings. Rounded to the millimetre, so the last bits of two PROJ
-- versions' transforms cannot order points differently.
SELECT f.id,
       array_agg(round(ST_X(p)::numeric, 3)::float8 ORDER BY h.id) AS xs, array_agg(round(ST_Y(p)::numeric, 3)::float8 ORDER BY h.id) AS ys, array_agg(h.households::float8 ORDER BY h.id) AS ws,
       ST_AsGeoJSON(ST_ExteriorRing(ST_Transform(f.geom, $3::int)), 3)::json AS outline
  FROM partition_faces f
  JOIN partition_jobs j ON j.id = $1
  JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND h.households > 0 AND ST_Intersects(f.geom, h.pt)
  CROSS JOIN LATERAL ST_Transform(h.pt, $3::int) p
 WHERE f.households > $2::float8
 GROUP BY f.id, f.geom
HAVING count(DISTINCT ST_AsBinary(h.pt)) > 1
 ORDER BY f.id
