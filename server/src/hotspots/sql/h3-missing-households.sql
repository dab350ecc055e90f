-- Households of the jurisdiction without cells yet, with their point.
SELECT h.id, ST_X(h.pt) AS x, ST_Y(h.pt) AS y
FROM households h
WHERE h.jurisdiction_id = $1 AND NOT EXISTS (SELECT 1 FROM household_h3 c WHERE c.household_id = h.id)
ORDER BY h.id;
