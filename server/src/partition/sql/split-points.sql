-- Faces holding more than $2 households (half the target) and two or more residential buildings,
-- with their buildings' points in metres ($3 = local UTM SRID) and the face's oriented envelope
-- (its corners, in metres): the input of the straight cuts between buildings (cuts.ts).
SELECT f.id,
       array_agg(ST_X(p) ORDER BY h.id) AS xs, array_agg(ST_Y(p) ORDER BY h.id) AS ys, array_agg(h.households::float8 ORDER BY h.id) AS ws,
       ST_AsGeoJSON(ST_OrientedEnvelope(ST_Transform(f.geom, $3::int)), 3)::json AS env
  FROM partition_faces f
  JOIN partition_jobs j ON j.id = $1
  JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND h.households > 0 AND ST_Intersects(f.geom, h.pt)
  CROSS JOIN LATERAL ST_Transform(h.pt, $3::int) p
 WHERE f.households > $2::float8
 GROUP BY f.id, f.geom
HAVING count(DISTINCT ST_AsBinary(h.pt)) > 1
 ORDER BY f.id
