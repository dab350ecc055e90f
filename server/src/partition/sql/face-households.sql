-- Households per face, each building counted once (a point on a shared edge goes to one face).
WITH one AS (
  SELECT DISTINCT ON (h.id) f.id AS face, h.households
    FROM partition_jobs j
    JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND ST_Intersects(j.area, h.pt)
    JOIN partition_faces f ON ST_Intersects(f.geom, h.pt)
   WHERE j.id = $1
   ORDER BY h.id, f.id
)
UPDATE partition_faces f SET households = s.n
  FROM (SELECT face, sum(households)::int AS n FROM one GROUP BY face) s
 WHERE s.face = f.id
