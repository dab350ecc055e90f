-- A bulk write's tile counts (the insert trigger is off meanwhile: sql/import-bulk-begin.sql):
-- what incident_counts_flush (migrations/0007_tiles.sql) adds for the same rows, worked out from
-- the staged rows. Every staged row is written, all with status $2. $1 jurisdiction  $2 status
WITH leaf AS (
  SELECT c[1] AS cx, c[2] AS cy, count(*)::integer AS total
    FROM import_rows r, mercator_cell19(r.geom) c
   GROUP BY 1, 2
)
INSERT INTO incident_cells AS t (jurisdiction_id, level, cx, cy, total, open)
SELECT $1::integer, lv.level, l.cx >> (19 - lv.level), l.cy >> (19 - lv.level), sum(l.total),
       CASE WHEN incident_is_open($2::text) THEN sum(l.total) ELSE 0 END
  FROM leaf l CROSS JOIN generate_series(6, 19) AS lv (level)
 GROUP BY 2, 3, 4
ON CONFLICT (level, cx, cy, jurisdiction_id)
DO UPDATE SET total = t.total + EXCLUDED.total, open = t.open + EXCLUDED.open;
