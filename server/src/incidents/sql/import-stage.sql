-- The import's staging table: every accepted row of the file, numbered from 0 in file order,
-- filled in batches (sql/import-stage-insert.sql) while the file is read, then located (as
-- far as it could not be while reading) and written to incidents set-based (sql/import-locate.sql, sql/import-insert.sql). Session temp
-- table, dropped when the import ends (and with the transaction if it fails).
DROP TABLE IF EXISTS import_rows;
CREATE TEMP TABLE import_rows (
  n integer NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  reported_at timestamptz NOT NULL,
  category text NOT NULL,
  description text NOT NULL,
  attrs jsonb NOT NULL,
  -- The grid's rank (sql/import-grids.sql) when the in-memory lattice could tell it, 0 when in
  -- no grid, NULL when the database locates the row (sql/import-locate.sql).
  rank integer
);
