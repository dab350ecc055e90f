-- A bulk write's per-grid counts (see sql/import-counts-cells.sql): the located rows counted per
-- grid (import.ts has them: the lattice's counts and import_located's), added to every grid of
-- that grid's chain. $1 jurisdiction  $2 status  $3 grid ranks  $4 rows per rank
INSERT INTO grid_incident_counts AS t (jurisdiction_id, grid_code, total, open)
SELECT $1::integer, c.code, sum(l.n), CASE WHEN incident_is_open($2::text) THEN sum(l.n) ELSE 0 END
  FROM unnest($3::integer[], $4::integer[]) AS l (rank, n)
  JOIN import_grids g ON g.rank = l.rank, unnest(g.codes) AS c (code)
 GROUP BY 2
ON CONFLICT (jurisdiction_id, grid_code)
DO UPDATE SET total = t.total + EXCLUDED.total, open = t.open + EXCLUDED.open;
