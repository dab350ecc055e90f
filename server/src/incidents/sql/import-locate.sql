-- Locates every staged row at once, with the answer locate gives one point: the smallest grid
-- (leaf grids first, then deeper tier, then code) whose area holds the point, from the
-- session's demo_chains (sql/chains-prepare.sql). Each grid gets a rank in that order, so a
-- point's grid is the least rank it falls in.
DROP TABLE IF EXISTS import_grids;
CREATE TEMP TABLE import_grids AS
  SELECT row_number() OVER (ORDER BY leaf DESC, tier DESC, code)::integer AS rank, code, tier, leaf, geom, chain, codes
    FROM demo_chains;
CREATE UNIQUE INDEX ON import_grids (rank);
CREATE INDEX ON import_grids USING gist (geom);
ANALYZE import_grids;
-- Points indexed once, then one join driven by the leaf grids: each grid finds its points
-- through the index and tests them against the same polygon in a row (PostGIS keeps it
-- prepared), far cheaper than one index probe and polygon per point.
CREATE INDEX ON import_rows USING gist (geom);
ANALYZE import_rows;
DROP TABLE IF EXISTS import_located;
CREATE TEMP TABLE import_located AS
  SELECT i.n, min(g.rank) AS rank
    FROM import_grids g JOIN import_rows i ON ST_Intersects(g.geom, i.geom)
   WHERE g.leaf
   GROUP BY i.n;
-- The rest, point by point: a grid with children may still hold it (where its children do
-- not cover it), else it stays without a grid (rank NULL). Usually few rows; outside every
-- grid's box the index answers at once.
INSERT INTO import_located (n, rank)
SELECT i.n, a.rank
  FROM import_rows i
  LEFT JOIN LATERAL (SELECT g.rank FROM import_grids g WHERE NOT g.leaf AND ST_Intersects(g.geom, i.geom) ORDER BY g.rank LIMIT 1) a ON true
 WHERE NOT EXISTS (SELECT 1 FROM import_located l WHERE l.n = i.n);
ANALYZE import_located;
