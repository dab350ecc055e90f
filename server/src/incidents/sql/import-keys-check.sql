-- A bulk write checks its foreign keys once for the whole import instead of once per row (the
-- six per-row checks were ≈ 70 % of the rows' insert CPU at 1M; docs/incidents.md): the one
-- jurisdiction and every category the file used must exist, and are locked FOR KEY SHARE as
-- the per-row checks lock them, so none can be deleted until the import commits. The other
-- foreign-key columns (departments, users) are NULL in imported rows. The rows then go in with
-- session_replication_role = replica (import.ts), which skips the per-row checks; the
-- constraints themselves stay as they are (valid) for every other writer.
-- $1 jurisdiction  $2 categories used
WITH j AS (SELECT id FROM jurisdictions WHERE id = $1::integer FOR KEY SHARE),
     c AS (SELECT code FROM categories WHERE code = ANY ($2::text[]) FOR KEY SHARE)
SELECT (SELECT count(*) FROM j)::integer AS jurisdictions, (SELECT count(*) FROM c)::integer AS categories;
