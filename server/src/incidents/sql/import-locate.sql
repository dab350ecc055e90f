-- Locates the staged rows the in-memory lattice left open (rank NULL: near a grid's edge, or
-- all rows when no lattice was built; import-lattice.ts), with the answer locate gives one
-- point: the least-ranked grid of sql/import-grids.sql that holds it. ROWS is the number of
-- such rows (inlined). import_located holds those rows only; every other row's rank is in
-- import_rows already (0: in no grid).
DROP TABLE IF EXISTS import_lattice, import_cells, import_sole, import_located;
-- Statistics for this pass and the write's join (without them the planner guesses a few
-- thousand rows and joins the grids row by row).
ANALYZE import_rows;

-- A lattice of square cells over the leaf grids, about ROWS / 4 cells (at most 64 per leaf
-- grid, at least one): a cell that lies wholly inside one leaf grid and touches no other
-- answers for every point in it without any geometry test (import_sole); the other cells list
-- the leaf grids that touch them (import_cells). Cells are grown by a millionth of their size
-- so that a point rounded into its cell still lies inside it.
CREATE TEMP TABLE import_lattice AS
  SELECT x.x0, x.y0, c.cs, ceil((x.y1 - x.y0) / c.cs)::bigint + 1 AS ny
    FROM (SELECT min(ST_XMin(geom)) AS x0, min(ST_YMin(geom)) AS y0, max(ST_YMax(geom)) AS y1, count(*) AS k,
                 sum(greatest((ST_XMax(geom) - ST_XMin(geom)) * (ST_YMax(geom) - ST_YMin(geom)), 1e-14)) AS area
            FROM import_grids WHERE leaf) x,
         LATERAL (SELECT greatest(sqrt(x.area / least(64 * x.k, greatest(x.k, ROWS / 4))), 1e-7) AS cs) c
   WHERE x.k > 0;
CREATE TEMP TABLE import_cells AS
  WITH pairs AS (
    SELECT g.rank, g.geom, cx * p.ny + cy AS cell,
           ST_Expand(ST_MakeEnvelope(p.x0 + cx * p.cs, p.y0 + cy * p.cs, p.x0 + (cx + 1) * p.cs, p.y0 + (cy + 1) * p.cs, 4326), p.cs * 1e-6) AS box
      FROM import_grids g, import_lattice p,
           generate_series(floor((ST_XMin(g.geom) - p.x0) / p.cs)::bigint, floor((ST_XMax(g.geom) - p.x0) / p.cs)::bigint) cx,
           generate_series(floor((ST_YMin(g.geom) - p.y0) / p.cs)::bigint, floor((ST_YMax(g.geom) - p.y0) / p.cs)::bigint) cy
     WHERE g.leaf
  )
  SELECT cell, rank, geom, ST_Covers(geom, box) AS covers FROM pairs WHERE ST_Intersects(geom, box);
CREATE TEMP TABLE import_sole AS
  SELECT cell, min(rank) AS rank FROM import_cells GROUP BY cell HAVING count(*) = 1 AND bool_and(covers);
DELETE FROM import_cells c USING import_sole s WHERE s.cell = c.cell;
CREATE INDEX ON import_cells (cell);
ANALYZE import_cells;
ANALYZE import_sole;

-- Per point: its cell's sole grid; else the least-ranked leaf grid of its cell that holds it;
-- else (outside every leaf grid) the least-ranked other grid that holds it, through the index;
-- else no grid (rank NULL).
CREATE TEMP TABLE import_located AS
  SELECT i.n, COALESCE(s.rank,
                       (SELECT min(c.rank) FROM import_cells c WHERE c.cell = k.cell AND ST_Intersects(c.geom, i.geom)),
                       (SELECT g.rank FROM import_grids g WHERE NOT g.leaf AND ST_Intersects(g.geom, i.geom) ORDER BY g.rank LIMIT 1)) AS rank
    FROM import_rows i
    LEFT JOIN import_lattice p ON true
    CROSS JOIN LATERAL (SELECT floor((ST_X(i.geom) - p.x0) / p.cs)::bigint AS cx, floor((ST_Y(i.geom) - p.y0) / p.cs)::bigint AS cy) q
    CROSS JOIN LATERAL (SELECT CASE WHEN q.cy >= 0 AND q.cy < p.ny THEN q.cx * p.ny + q.cy END AS cell) k
    LEFT JOIN import_sole s ON s.cell = k.cell
   WHERE i.rank IS NULL;
ANALYZE import_located;
