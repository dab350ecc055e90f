-- One chunk of located rows into incidents: one statement, so the tile counters' statement
-- triggers (migrations/0007_tiles.sql) flush once for the whole chunk. A chunk is a range of
-- grid ranks (neighbouring grids, so chunks touch few of the same count cells) or, for rows in
-- no grid, a range of row numbers. A point in no grid is kept with no grid (historical data
-- may cover more than the grids). Imported cases are closed when they come in: no deadlines.
-- $1 jurisdiction  $2 status  $3 first rank (NULL: rows in no grid)  $4 last rank  $5 first row  $6 row after the last
INSERT INTO incidents (jurisdiction_id, geom, category_code, description, status, source, grid_code, chain_id, grid_codes, tier,
                       closed_tier, reported_at, closed_at, attributes)
SELECT $1, r.geom, r.category, r.description, $2, 'import', g.code, g.chain_id, COALESCE(g.codes, '{}'), g.tier,
       CASE WHEN $2 = 'closed' THEN g.tier END, r.reported_at, CASE WHEN $2 = 'closed' THEN r.reported_at END, r.attrs
  FROM import_rows r
  -- The rank the lattice found while reading, else the database's (sql/import-locate.sql); 0: no grid.
  LEFT JOIN import_located l ON r.rank IS NULL AND l.n = r.n
  CROSS JOIN LATERAL (SELECT COALESCE(r.rank, l.rank, 0) AS rank) k
  LEFT JOIN import_grids g ON g.rank = k.rank
 WHERE CASE WHEN $3::integer IS NULL THEN k.rank = 0 ELSE k.rank BETWEEN $3 AND $4 END
   AND r.n >= $5 AND r.n < $6
 -- Grid by grid, and by time inside a grid: the new index entries (space, grid, time) and
 -- the count cells then come in runs rather than scattered (≈ 10 % less work at 500k rows).
 -- (import.ts leaves this out when the indexes are rebuilt afterwards: then it saves nothing.)
 ORDER BY k.rank, r.reported_at;
