-- The incidents an H3 analysis counts, read from their stored cells (incident_h3):
-- $1 jurisdiction, $2 from (inclusive), $3 to (exclusive), $4 category (a major category
-- includes its minor ones), $5 grid code (current version; incidents inside its boundary).
-- Rejected reports are never counted.
area AS (
  SELECT geom FROM grids WHERE jurisdiction_id = $1 AND code = $5::text AND valid_to IS NULL
), inc AS (
  SELECT c.incident_id AS id, c.reported_at, c.h3_7, c.h3_8, c.h3_9, c.h3_10, c.h3_11
  FROM incident_h3 c
  WHERE c.jurisdiction_id = $1 AND c.counted
    AND ($2::timestamptz IS NULL OR c.reported_at >= $2::timestamptz)
    AND ($3::timestamptz IS NULL OR c.reported_at < $3::timestamptz)
    AND ($4::text IS NULL OR c.category_code IN (SELECT code FROM categories WHERE code = $4::text OR parent_code = $4::text))
    AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = c.incident_id AND ST_Intersects(i.geom, (SELECT geom FROM area))))
)
