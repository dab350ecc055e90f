-- Households per H3 cell at resolution $2, inside grid $3 when given.
SELECT to_hex(cell) AS cell, households
FROM (
  SELECT CASE $2::int WHEN 7 THEN c.h3_7 WHEN 8 THEN c.h3_8 WHEN 9 THEN c.h3_9 WHEN 10 THEN c.h3_10 ELSE c.h3_11 END AS cell,
         sum(c.households)::int AS households
  FROM household_h3 c
  WHERE c.jurisdiction_id = $1
    AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM households h WHERE h.id = c.household_id
          AND ST_Intersects(h.pt, (SELECT geom FROM grids WHERE jurisdiction_id = $1 AND code = $3::text AND valid_to IS NULL))))
  GROUP BY 1
) g;
