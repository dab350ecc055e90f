-- The incidents an analysis counts (used as the leading CTEs of the other queries):
-- $1 jurisdiction, $2 from (inclusive), $3 to (exclusive), $4 category (a major category
-- includes its minor ones), $5 grid code (current version; incidents inside its boundary).
-- Rejected reports are not incidents and are never counted.
area AS (
  SELECT geom FROM grids WHERE jurisdiction_id = $1 AND code = $5::text AND valid_to IS NULL
), inc AS (
  SELECT i.id, i.geom, i.reported_at
  FROM incidents i
  WHERE i.jurisdiction_id = $1 AND i.status <> 'rejected'
    AND ($2::timestamptz IS NULL OR i.reported_at >= $2::timestamptz)
    AND ($3::timestamptz IS NULL OR i.reported_at < $3::timestamptz)
    AND ($4::text IS NULL OR i.category_code IN (SELECT code FROM categories WHERE code = $4::text OR parent_code = $4::text))
    AND ($5::text IS NULL OR ST_Intersects(i.geom, (SELECT geom FROM area)))
)
