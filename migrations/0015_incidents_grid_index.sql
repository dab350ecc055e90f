-- incidents_grid (jurisdiction_id, grid_code) served no query: filters by a grid of any tier go
-- through grid_codes (GIN), the wall and the assessment group rows they have already read. It
-- cost every report an index entry and every bulk import a rebuild (≈ 2.2 s at 1M rows, the
-- third largest after the GiST and GIN ones; docs/incidents.md).
DROP INDEX IF EXISTS incidents_grid;
