-- Households per current grid, derived from the household layer (point on each building).
UPDATE grids g
   SET households = coalesce(s.households, 0), population = NULL
  FROM (SELECT g2.id, sum(h.households)::int AS households
          FROM grids g2 LEFT JOIN households h ON h.jurisdiction_id = g2.jurisdiction_id AND ST_Intersects(g2.geom, h.pt)
         WHERE g2.jurisdiction_id = $1 AND g2.valid_to IS NULL
         GROUP BY g2.id) s
 WHERE g.id = s.id;
