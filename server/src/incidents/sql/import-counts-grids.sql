-- A bulk write's per-grid counts (see sql/import-counts-cells.sql): the located rows counted per
-- grid, then added to every grid of that grid's chain. $1 jurisdiction  $2 status
INSERT INTO grid_incident_counts AS t (jurisdiction_id, grid_code, total, open)
SELECT $1::integer, c.code, sum(l.n), CASE WHEN incident_is_open($2::text) THEN sum(l.n) ELSE 0 END
  FROM (SELECT rank, count(*) AS n FROM import_located WHERE rank IS NOT NULL GROUP BY rank) l
  JOIN import_grids g ON g.rank = l.rank, unnest(g.codes) AS c (code)
 GROUP BY 2
ON CONFLICT (jurisdiction_id, grid_code)
DO UPDATE SET total = t.total + EXCLUDED.total, open = t.open + EXCLUDED.open;
