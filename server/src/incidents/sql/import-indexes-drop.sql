-- A large import into a table that is small beside it (see import.ts, REBUILD_RATIO) writes
-- the way pg_restore does: the table is locked for the rest of the transaction (readers wait
-- until the import commits too), its secondary indexes are dropped here and built again from
-- the finished table at the end (sql/import-indexes-build.sql), which costs less than adding a
-- million entries one by one. Part of the import's transaction: a failed import leaves the
-- indexes as they were. Indexes backing a constraint and unique indexes are kept.
-- The tile counters' insert trigger goes too (made again from its definition with the
-- indexes; the import adds its counts set-based, sql/import-counts-*.sql): merely disabled, it
-- still has every inserted row copied into its transition table (≈ 0.5-1 s of CPU per 1M rows).
LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE;
DROP TABLE IF EXISTS import_indexes, import_triggers;
CREATE TEMP TABLE import_triggers AS
  SELECT t.tgname::text AS name, pg_get_triggerdef(t.oid) AS def
    FROM pg_trigger t WHERE t.tgrelid = 'incidents'::regclass AND t.tgname = 'incident_counts_insert';
DROP TRIGGER IF EXISTS incident_counts_insert ON incidents;
CREATE TEMP TABLE import_indexes AS
  SELECT x.indexrelid::regclass::text AS name, pg_get_indexdef(x.indexrelid) AS def
    FROM pg_index x
   WHERE x.indrelid = 'incidents'::regclass AND NOT x.indisunique
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT name FROM import_indexes LOOP
    EXECUTE 'DROP INDEX ' || r.name;
  END LOOP;
END;
$$;
