-- The import's grids, ranked in the order locate prefers them: leaf grids (no current child)
-- first, then the deeper tier, then the code. A point's grid is the least-ranked grid that
-- holds it (edges count), which is what locate answers for one point. Built from the session's
-- demo_chains (sql/chains-prepare.sql) before the file is read, so that the rows can be located
-- against these ranks while they are read (import-lattice.ts) and the rest in the database
-- (sql/import-locate.sql).
DROP TABLE IF EXISTS import_grids;
CREATE TEMP TABLE import_grids AS
  SELECT row_number() OVER (ORDER BY leaf DESC, tier DESC, code)::integer AS rank, code, tier, leaf, geom, chain_id, codes
    FROM demo_chains;
CREATE UNIQUE INDEX ON import_grids (rank);
CREATE INDEX ON import_grids USING gist (geom);
ANALYZE import_grids;
